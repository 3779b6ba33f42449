import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse as parseCsvSync } from 'csv-parse/sync';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ALICE, seedRegistry } from '../../../../test/support/ecard-fixtures.js';
import { registerAndSignIn, send, staffSignIn, type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AAO_ADMIN, AUDITOR, SECURITY_GUARD, STAFF_PASSWORD, createStaffAndSignIn } from '../../../../test/support/staff-fixtures.js';
import { AuditService } from './audit.service.js';
import { StaffService } from './staff.service.js';

interface StaffBody {
  id: string;
  email: string;
  role: string;
  active: boolean;
  createdAt: string;
}

interface AuditBody {
  id: string;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

describe('AAO administration API: staff accounts and roles, the audit log and its CSV export (PostgreSQL, real HTTP app)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let admin: HttpSession;
  let auditor: HttpSession;
  let guard: HttpSession;
  let alumnus: HttpSession;
  let adminId: string;
  const server = () => portal.app.getHttpServer();
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;
  const staffIdOf = async (email: string) => (await portal.app.get(StaffService).list()).find((account) => account.email === email)!.id;
  const auditRows = (action: string, targetId: string) =>
    query<Array<{ actor_id: string; outcome: string; details: Record<string, unknown> }>>(
      `SELECT actor_id, outcome, details FROM audit_event WHERE action = $1 AND target_id = $2 ORDER BY id`,
      [action, targetId],
    );
  /** A member of staff of their own for one test, signed in. */
  const newMember = async (label: string, role: 'aao-admin' | 'security-staff' | 'auditor') => {
    const email = `${label}@example.edu`;
    const account = await portal.app.get(StaffService).create({ email, name: label, role, password: STAFF_PASSWORD });
    return { id: account.account.id, email, session: await staffSignIn(server(), smtp, email, STAFF_PASSWORD) };
  };

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    auditor = await createStaffAndSignIn(portal, smtp, AUDITOR);
    guard = await createStaffAndSignIn(portal, smtp, SECURITY_GUARD);
    await seedRegistry(portal);
    alumnus = await registerAndSignIn(server(), smtp, ALICE);
    adminId = await staffIdOf(AAO_ADMIN.email);
  }, 120_000);

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  describe('GET /api/staff', () => {
    it('lists every account with role, active and created time, for AAO admins only', async () => {
      const listed = (await admin.agent.get('/api/staff').expect(200)).body as StaffBody[];
      expect(listed.map((account) => account.email)).toEqual(
        expect.arrayContaining([AAO_ADMIN.email, AUDITOR.email, SECURITY_GUARD.email]),
      );
      expect(listed.find((account) => account.email === AUDITOR.email)).toMatchObject({ role: 'auditor', active: true });
      expect(Date.parse(listed[0]!.createdAt)).not.toBeNaN();
      expect(JSON.stringify(listed)).not.toMatch(/argon2|password/i);

      for (const session of [auditor, guard, alumnus]) {
        expect((await session.agent.get('/api/staff').expect(403)).body).toMatchObject({ code: 'role-refused' });
      }
      expect((await request(server()).get('/api/staff').expect(401)).body).toMatchObject({ code: 'sign-in-required' });
    });
  });

  describe('PATCH /api/staff/:id', () => {
    it('refuses without the CSRF token, other roles, signed-out callers, and bodies it cannot use', async () => {
      const target = await staffIdOf(SECURITY_GUARD.email);
      expect((await admin.agent.patch(`/api/staff/${target}`).send({ role: 'auditor' }).expect(403)).body).toMatchObject({
        code: 'csrf-token-invalid',
      });
      await request(server()).patch(`/api/staff/${target}`).send({ role: 'auditor' }).expect(401);
      for (const session of [auditor, guard, alumnus]) {
        expect((await send(session, 'patch', `/api/staff/${target}`, { role: 'auditor' }).expect(403)).body.code).toBe('role-refused');
      }
      const badRole = await send(admin, 'patch', `/api/staff/${target}`, { role: 'root' }).expect(400);
      expect(badRole.body.message).toEqual(expect.arrayContaining(['role must be one of aao-admin, security-staff, auditor']));
      expect((await send(admin, 'patch', `/api/staff/${target}`, { active: 'no' }).expect(400)).body.message).toEqual(
        expect.arrayContaining(['active must be true or false']),
      );
      expect((await send(admin, 'patch', `/api/staff/${target}`, {}).expect(400)).body).toMatchObject({ code: 'staff-change-empty' });
      await send(admin, 'patch', '/api/staff/not-a-uuid', { role: 'auditor' }).expect(400);
      expect(
        (await send(admin, 'patch', '/api/staff/00000000-0000-4000-8000-000000000000', { role: 'auditor' }).expect(404)).body,
      ).toMatchObject({ code: 'staff-not-found' });
      // Nothing changed.
      expect((await portal.app.get(StaffService).findById(target))!.role).toBe('security-staff');
    });

    it('changes a role: audited, and the person signs in again (their sessions end) to get the new role', async () => {
      const member = await newMember('role-change', 'security-staff');
      await member.session.agent.get('/api/staff/me').expect(200);

      const changed = (await send(admin, 'patch', `/api/staff/${member.id}`, { role: 'auditor' }).expect(200)).body as StaffBody;
      expect(changed).toMatchObject({ id: member.id, role: 'auditor', active: true });

      expect((await member.session.agent.get('/api/staff/me').expect(401)).body).toMatchObject({ code: 'session-ended' });
      const again = await staffSignIn(server(), smtp, member.email, STAFF_PASSWORD);
      const me = await again.agent.get('/api/session').expect(200);
      expect(me.body.subject.roles).toEqual(['auditor']);

      const rows = await auditRows('staff.role', member.id);
      expect(rows).toEqual([
        { actor_id: adminId, outcome: 'success', details: { from: 'security-staff', to: 'auditor', sessionsEnded: 1 } },
      ]);
    });

    it('deactivates (ending every session; signing in is refused) and reactivates', async () => {
      const member = await newMember('leaver', 'auditor');
      const second = await staffSignIn(server(), smtp, member.email, STAFF_PASSWORD);

      expect((await send(admin, 'patch', `/api/staff/${member.id}`, { active: false }).expect(200)).body).toMatchObject({ active: false });
      await member.session.agent.get('/api/staff/me').expect(401);
      await second.agent.get('/api/admin/audit').expect(401);
      expect(await query(`SELECT revoked_reason FROM auth_session WHERE subject_id = $1`, [member.id])).toEqual([
        { revoked_reason: 'staff-deactivated' },
        { revoked_reason: 'staff-deactivated' },
      ]);
      await expect(staffSignIn(server(), smtp, member.email, STAFF_PASSWORD)).rejects.toThrow();

      expect((await send(admin, 'patch', `/api/staff/${member.id}`, { active: true }).expect(200)).body).toMatchObject({ active: true });
      await (await staffSignIn(server(), smtp, member.email, STAFF_PASSWORD)).agent.get('/api/staff/me').expect(200);

      expect((await auditRows('staff.deactivate', member.id)).map((row) => row.details)).toEqual([{ sessionsEnded: 2 }]);
      expect((await auditRows('staff.reactivate', member.id)).map((row) => row.details)).toEqual([{ sessionsEnded: 0 }]);
    });

    it('never lets an admin demote or deactivate themselves (409, audited as a failure)', async () => {
      const own = await send(admin, 'patch', `/api/staff/${adminId}`, { role: 'auditor' }).expect(409);
      expect(own.body).toMatchObject({ code: 'staff-self-change', message: expect.stringContaining('Ask another AAO admin') });
      expect((await send(admin, 'patch', `/api/staff/${adminId}`, { active: false }).expect(409)).body.code).toBe('staff-self-change');
      // Saying what is already so is no change.
      await send(admin, 'patch', `/api/staff/${adminId}`, { role: 'aao-admin', active: true }).expect(200);
      await admin.agent.get('/api/staff/me').expect(200);
      const failures = await auditRows('staff.role', adminId);
      expect(failures[0]).toMatchObject({ outcome: 'failure', details: { reason: 'staff-self-change', role: 'auditor' } });
      expect((await auditRows('staff.deactivate', adminId))[0]).toMatchObject({ outcome: 'failure' });
    });

    it('keeps the last active AAO admin: the rule holds for the system and when two admins demote each other at once', async () => {
      const staff = portal.app.get(StaffService);
      // Ada is the only admin so far.
      await expect(staff.update(adminId, { role: 'auditor' }, { type: 'system' })).rejects.toMatchObject({ code: 'staff-last-admin' });
      await expect(staff.update(adminId, { active: false }, { type: 'system' })).rejects.toMatchObject({ code: 'staff-last-admin' });

      const first = await newMember('admin-one', 'aao-admin');
      const second = await newMember('admin-two', 'aao-admin');
      // Ada steps aside (by the system), leaving two admins who each try to demote the other at the same moment.
      await staff.update(adminId, { role: 'auditor' }, { type: 'system' });
      try {
        const answers = await Promise.all([
          send(first.session, 'patch', `/api/staff/${second.id}`, { role: 'security-staff' }),
          send(second.session, 'patch', `/api/staff/${first.id}`, { role: 'security-staff' }),
        ]);
        expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
        const refused = answers.find((answer) => answer.status !== 200)!;
        // Refused by the rule (409), or its session had already ended with the demotion (401).
        expect([409, 401]).toContain(refused.status);
        if (refused.status === 409) expect(refused.body).toMatchObject({ code: 'staff-last-admin' });
        const admins = (await staff.list()).filter((account) => account.role === 'aao-admin' && account.active);
        expect(admins).toHaveLength(1);
      } finally {
        await staff.update(adminId, { role: 'aao-admin' }, { type: 'system' });
        // Stepping aside ended Ada's sessions.
        admin = await staffSignIn(server(), smtp, AAO_ADMIN.email, STAFF_PASSWORD);
      }
    });
  });

  describe('GET /api/admin/audit', () => {
    const search = (session: HttpSession, parameters: Record<string, string>) => session.agent.get('/api/admin/audit').query(parameters);

    beforeAll(async () => {
      const audit = portal.app.get(AuditService);
      for (let index = 0; index < 3; index++) {
        await audit.record({
          actorType: 'system',
          actorId: 'spec',
          action: 'spec.filter',
          targetType: 'gate',
          targetId: `g-${index}`,
          outcome: 'success',
        });
      }
      await audit.record({
        actorType: 'gate',
        actorId: 'gate-7',
        action: 'spec.filter',
        targetType: 'gate',
        targetId: 'g-7',
        outcome: 'failure',
      });
      await audit.record({ actorType: 'system', actorId: 'spec', action: 'spec.other', outcome: 'success' });
    });

    it('answers AAO admins and auditors, newest first, with the staff actor named; refuses other roles', async () => {
      for (const session of [admin, auditor]) {
        const page = (await search(session, { action: 'spec.filter' }).expect(200)).body as { events: AuditBody[]; nextCursor: null };
        expect(page.events.map((event) => event.targetId)).toEqual(['g-7', 'g-2', 'g-1', 'g-0']);
        expect(page.nextCursor).toBeNull();
      }
      for (const session of [guard, alumnus]) expect((await search(session, {}).expect(403)).body.code).toBe('role-refused');
      await request(server()).get('/api/admin/audit').expect(401);

      const signIns = (await search(auditor, { action: 'staff.create', actorType: 'system' }).expect(200)).body.events as AuditBody[];
      expect(signIns.length).toBeGreaterThan(0);
      const byAdmin = (await search(auditor, { actor: AAO_ADMIN.email, action: 'staff.*' }).expect(200)).body.events as AuditBody[];
      expect(byAdmin.length).toBeGreaterThan(0);
      expect(byAdmin.every((event) => event.actorId === adminId && event.actorName === AAO_ADMIN.name)).toBe(true);
    });

    it('filters by action family, actor type, actor, subject, outcome and time', async () => {
      const ids = async (parameters: Record<string, string>) =>
        ((await search(admin, parameters).expect(200)).body.events as AuditBody[]).map((event) => `${event.action}:${event.targetId}`);
      expect(await ids({ action: 'spec.*' })).toEqual([
        'spec.other:null',
        'spec.filter:g-7',
        'spec.filter:g-2',
        'spec.filter:g-1',
        'spec.filter:g-0',
      ]);
      expect(await ids({ action: 'spec.*', actorType: 'gate' })).toEqual(['spec.filter:g-7']);
      expect(await ids({ action: 'spec.*', actor: 'gate-7' })).toEqual(['spec.filter:g-7']);
      expect(await ids({ subject: 'g-1' })).toEqual(['spec.filter:g-1']);
      expect(await ids({ subject: 'gate:g-2' })).toEqual(['spec.filter:g-2']);
      expect(await ids({ action: 'spec.*', outcome: 'failure' })).toEqual(['spec.filter:g-7']);
      expect(await ids({ action: 'spec.*', from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
      expect(await ids({ action: 'spec.*', to: '2020-01-01' })).toEqual([]);
      // Empty parameters (a form's empty fields) are no filter.
      expect(await ids({ action: 'spec.other', actor: '', outcome: '' })).toEqual(['spec.other:null']);
    });

    it('says which parameter is wrong and how to write it', async () => {
      const refused = async (parameters: Record<string, string>) => (await search(admin, parameters).expect(400)).body;
      expect((await refused({ actorType: 'robot' })).message).toEqual(['actorType must be one of alumnus, staff, gate, system']);
      expect(await refused({ from: 'yesterday' })).toMatchObject({ code: 'audit-query-invalid', details: { parameter: 'from' } });
      // NUL and other control characters: 400 naming the parameter, not a server error.
      for (const [parameter, value] of [
        ['actor', 'x\u0000y'],
        ['subject', 'gate:\u0000'],
        ['subject', '\u0000'],
        ['action', 'gate\u0000.revoke'],
        ['from', '2026-11-27\u0000'],
      ] as const) {
        expect(await refused({ [parameter]: value })).toMatchObject({
          code: 'audit-query-invalid',
          message: expect.stringMatching(new RegExp(`^${parameter}: contains a control character`)),
          details: { parameter },
        });
      }
      // A date without a time is a Hong Kong day; a date-time needs its offset.
      expect((await refused({ from: '2026-11-27T10:00' })).message).toMatch(/^from: .*with an offset/);
      expect((await refused({ from: '2026-02-01', to: '2026-01-01' })).message).toBe('to: must be later than from.');
      expect((await refused({ action: 'gate.**' })).code).toBe('audit-query-invalid');
      expect((await refused({ cursor: 'bm9wZQ' })).message).toMatch(/^cursor: .*first page/);
      expect((await refused({ limit: '0' })).message).toEqual(['limit must be a whole number from 1 to 200']);
      expect((await refused({ limit: '201' })).message).toEqual(['limit must be a whole number from 1 to 200']);
      expect((await refused({ sort: 'asc' })).message).toEqual(['property sort should not exist']);
    });

    it('pages with a keyset cursor: every row once, newest first, also across rows of the same instant', async () => {
      await query(
        `INSERT INTO audit_event (occurred_at, actor_type, actor_id, action, target_id, outcome)
         SELECT CASE WHEN n <= 10 THEN timestamptz '2026-06-01 12:00:00.123456+00' ELSE timestamptz '2026-06-01 12:00:00+00' + n * interval '1 microsecond' END,
                'system', 'pager', 'spec.page', n::text, 'success'
           FROM generate_series(1, 27) AS n`,
      );
      const seen: AuditBody[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const parameters: Record<string, string> = { action: 'spec.page', limit: '5', ...(cursor ? { cursor } : {}) };
        const page = (await search(auditor, parameters).expect(200)).body as { events: AuditBody[]; nextCursor: string | null };
        seen.push(...page.events);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(pages).toBe(6);
      const everything = (await search(auditor, { action: 'spec.page', limit: '200' }).expect(200)).body.events as AuditBody[];
      expect(seen.map((event) => event.id)).toEqual(everything.map((event) => event.id));
      expect(new Set(seen.map((event) => event.targetId)).size).toBe(27);
      const keys = seen.map((event) => [Date.parse(event.occurredAt), BigInt(event.id)] as const);
      for (let index = 1; index < keys.length; index++) {
        const [time, id] = keys[index]!;
        const [previousTime, previousId] = keys[index - 1]!;
        expect(time < previousTime || (time === previousTime && id < previousId)).toBe(true);
      }
    });
  });

  describe('GET /api/admin/audit/export.csv', () => {
    /** The export as a browser downloads it: the body read chunk by chunk as it arrives (counted), then parsed. */
    const download = async (session: HttpSession, parameters: Record<string, string | undefined>) => {
      let chunks = 0;
      const response = await session.agent
        .get('/api/admin/audit/export.csv')
        // A browser's download from the portal's own page says so; cross-site requests are refused (see below).
        .set('Sec-Fetch-Site', 'same-origin')
        .query(parameters)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            chunks++;
            text += chunk;
          });
          res.on('end', () => done(null, text));
        });
      const text = response.body as string;
      const records = response.status === 200 ? (parseCsvSync(text, { bom: true, columns: true }) as Array<Record<string, string>>) : [];
      return { response, text, records, chunks };
    };

    beforeAll(async () => {
      const audit = portal.app.get(AuditService);
      await audit.record({
        actorType: 'system',
        actorId: '=cmd|calc',
        action: 'spec.csv',
        targetType: 'gate',
        targetId: '+1+1',
        outcome: 'success',
        details: { note: '@SUM(A1)' },
      });
      await audit.record({
        actorType: 'system',
        actorId: '-2',
        action: 'spec.csv',
        targetId: '@here',
        outcome: 'failure',
        details: { name: '陳大文, "quoted"' },
      });
      await audit.record({ actorType: 'system', actorId: 'safe', action: 'spec.csv-not', outcome: 'success' });
    });

    it('streams every matching row as CSV that parses, with formula cells neutralised; the export is audited', async () => {
      const { response, records } = await download(admin, { action: 'spec.csv' });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="campuspass-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
      expect(records.map((record) => record.action)).toEqual(['spec.csv', 'spec.csv']);
      expect(records[0]).toMatchObject({ actor_id: "'-2", target_id: "'@here", outcome: 'failure' });
      expect(JSON.parse(records[0]!.details!)).toEqual({ name: '陳大文, "quoted"' });
      expect(records[1]).toMatchObject({ actor_id: "'=cmd|calc", target_type: 'gate', target_id: "'+1+1" });
      expect(Object.keys(records[0]!)).toEqual([
        'id',
        'occurred_at',
        'actor_type',
        'actor_id',
        'actor_name',
        'actor_email',
        'action',
        'target_type',
        'target_id',
        'outcome',
        'ip',
        'details',
      ]);

      const exports = await query<Array<{ actor_id: string; details: unknown }>>(
        `SELECT actor_id, details FROM audit_event WHERE action = 'audit.export' ORDER BY id DESC LIMIT 1`,
      );
      expect(exports[0]).toEqual({ actor_id: adminId, details: { filters: { action: 'spec.csv' } } });
    });

    it('streams a large export in many chunks, and every row arrives exactly once', async () => {
      const total = 30_000;
      await query(
        `INSERT INTO audit_event (occurred_at, actor_type, actor_id, action, target_id, outcome, details)
         SELECT timestamptz '2025-01-01 00:00:00+00' + n * interval '17 minutes', 'system', 'bulk', 'spec.bulk', n::text, 'success',
                jsonb_build_object('n', n, 'pad', repeat('x', 40))
           FROM generate_series(1, $1::int) AS n`,
        [total],
      );
      const { response, records, chunks } = await download(auditor, {
        action: 'spec.bulk',
        from: '2025-01-01T00:00:00Z',
        to: '2026-01-01T00:00:00Z',
      });
      expect(response.status).toBe(200);
      const seen = new Set(records.map((record) => record.target_id));
      const numbers = records.map((record) => Number(record.target_id));
      const ordered = numbers.every((n, index) => index === 0 || n < numbers[index - 1]!);
      // Most of a year (2025) at one row every 17 minutes, all inside the range asked for.
      expect(records).toHaveLength(total);
      expect(seen.size).toBe(total);
      expect(ordered).toBe(true);
      expect(chunks).toBeGreaterThan(10);
    }, 60_000);

    it('refuses other roles and signed-out callers, and bad filters before anything is written', async () => {
      for (const session of [guard, alumnus])
        expect((await session.agent.get('/api/admin/audit/export.csv').expect(403)).body.code).toBe('role-refused');
      await request(server()).get('/api/admin/audit/export.csv').expect(401);
      const before = await query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'audit.export'`);
      expect((await auditor.agent.get('/api/admin/audit/export.csv').query({ outcome: 'maybe' }).expect(400)).body.message).toEqual([
        'outcome must be one of success, failure',
      ]);
      expect((await auditor.agent.get('/api/admin/audit/export.csv').query({ cursor: 'x' }).expect(400)).body.message).toEqual([
        'property cursor should not exist',
      ]);
      expect(await query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'audit.export'`)).toEqual(before);
    });
  });
});
