import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ALICE, seedRegistry } from '../../../../test/support/ecard-fixtures.js';
import { registerAndSignIn, send, type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AAO_ADMIN, AUDITOR, SECURITY_GUARD, createStaffAndSignIn } from '../../../../test/support/staff-fixtures.js';
import { DEFAULT_GATE_POLICY } from './gates.service.js';

const POLICY = {
  passKinds: ['alumni-day'],
  zone: 3,
  hours: [{ weekdays: [1, 2, 3, 4, 5], open: '07:00', close: '22:00' }],
  reEntryWindowSeconds: 120,
};

interface GateBody {
  id: string;
  name: string;
  status: string;
  policy: unknown;
  enrolledAt: string | null;
  heartbeat: unknown;
}

describe('AAO gate administration: the list and per-gate policy (PostgreSQL, real HTTP app)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let admin: HttpSession;
  let auditor: HttpSession;
  let guard: HttpSession;
  let alumnus: HttpSession;
  const server = () => portal.app.getHttpServer();
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;
  const bundleVersion = async () => (await query<Array<{ v: number }>>(`SELECT current_version::int AS v FROM bundle_state`))[0]!.v;
  const createGate = async (name: string) =>
    ((await send(admin, 'post', '/api/admin/gates', { name }).expect(201)).body as { gate: GateBody }).gate;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    auditor = await createStaffAndSignIn(portal, smtp, AUDITOR);
    guard = await createStaffAndSignIn(portal, smtp, SECURITY_GUARD);
    await seedRegistry(portal);
    alumnus = await registerAndSignIn(server(), smtp, ALICE);
  }, 120_000);

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('lists turnstile gates with status, policy, enrolled time and last heartbeat; handheld check points are not gates here', async () => {
    const gate = await createGate('North Entrance, Turnstile 1');
    expect(gate).toMatchObject({ status: 'pending', policy: DEFAULT_GATE_POLICY, enrolledAt: null });
    await query(
      `INSERT INTO gate (name, status, policy, created_at, kind) VALUES ('Side door (handheld)', 'active', $1::jsonb, now(), 'handheld')`,
      [JSON.stringify(DEFAULT_GATE_POLICY)],
    );
    for (const session of [admin, auditor, guard]) {
      const listed = (await session.agent.get('/api/admin/gates').expect(200)).body as GateBody[];
      expect(listed.map((entry) => entry.name)).toEqual(['North Entrance, Turnstile 1']);
      expect(listed[0]).toMatchObject({ id: gate.id, status: 'pending', policy: DEFAULT_GATE_POLICY, enrolledAt: null, heartbeat: null });
    }
    expect((await alumnus.agent.get('/api/admin/gates').expect(403)).body.code).toBe('role-refused');
  });

  it("sets a gate's policy: answered, listed, audited, and the bundle version goes up for every gate's next bundle", async () => {
    const gate = await createGate('South Entrance, Turnstile 2');
    const before = await bundleVersion();

    const answer = await send(admin, 'put', `/api/admin/gates/${gate.id}/policy`, POLICY).expect(200);
    expect(answer.body).toMatchObject({ id: gate.id, policy: POLICY });
    const listed = (await admin.agent.get('/api/admin/gates').expect(200)).body as GateBody[];
    expect(listed.find((entry) => entry.id === gate.id)!.policy).toEqual(POLICY);

    expect(await bundleVersion()).toBeGreaterThan(before);
    expect(await query(`SELECT kind FROM bundle_change WHERE version > $1`, [before])).toEqual([{ kind: 'gate-policy' }]);
    const audit = await query<Array<{ actor_type: string; details: unknown }>>(
      `SELECT actor_type, details FROM audit_event WHERE action = 'gate.policy' AND target_id = $1`,
      [gate.id],
    );
    expect(audit).toEqual([{ actor_type: 'staff', details: { policy: POLICY } }]);
  });

  it('refuses a policy the contract does not allow, naming each field, and changes nothing', async () => {
    const gate = await createGate('West Entrance');
    const refuse = async (policy: unknown) =>
      (await send(admin, 'put', `/api/admin/gates/${gate.id}/policy`, policy as object).expect(400)).body;

    const bad = await refuse({
      passKinds: [],
      zone: 16,
      hours: [{ weekdays: [8], open: '25:00', close: '22:00' }],
      reEntryWindowSeconds: -1,
    });
    expect(bad.code).toBe('gate-policy-invalid');
    expect((bad.details.issues as Array<{ path: string }>).map((issue) => issue.path).sort()).toEqual(
      ['hours.0.open', 'hours.0.weekdays.0', 'passKinds', 'reEntryWindowSeconds', 'zone'].sort(),
    );
    expect((await refuse({ ...POLICY, extra: true })).code).toBe('gate-policy-invalid');
    expect((await refuse({ ...POLICY, reEntryWindowSeconds: '60' })).message).toMatch(/reEntryWindowSeconds/);
    const listed = (await admin.agent.get('/api/admin/gates').expect(200)).body as GateBody[];
    expect(listed.find((entry) => entry.id === gate.id)!.policy).toEqual(DEFAULT_GATE_POLICY);
  });

  it('answers 404 for unknown and handheld gates (policy, revoke; no enrollment code for them), 409 for a revoked gate, 400 for an id that is not one', async () => {
    expect((await send(admin, 'put', '/api/admin/gates/00000000-0000-4000-8000-000000000000/policy', POLICY).expect(404)).body.code).toBe(
      'gate-not-found',
    );
    await send(admin, 'put', '/api/admin/gates/gate-1/policy', POLICY).expect(400);
    const [handheld] = await query<Array<{ id: string }>>(`SELECT id FROM gate WHERE kind = 'handheld' LIMIT 1`);
    expect((await send(admin, 'put', `/api/admin/gates/${handheld!.id}/policy`, POLICY).expect(404)).body.code).toBe('gate-not-found');
    // Nor can a handheld check point be revoked or given an enrollment code as if it were a turnstile.
    expect((await send(admin, 'post', `/api/admin/gates/${handheld!.id}/revoke`, { reason: 'not a gate' }).expect(404)).body.code).toBe(
      'gate-not-found',
    );
    await send(admin, 'post', `/api/admin/gates/${handheld!.id}/enrollment-code`).expect((response) => {
      if (response.status < 400) throw new Error(`a handheld check point got an enrollment code (${response.status})`);
    });

    const gate = await createGate('East Entrance');
    await send(admin, 'post', `/api/admin/gates/${gate.id}/revoke`, { reason: 'device stolen' }).expect(200);
    const revoked = await send(admin, 'put', `/api/admin/gates/${gate.id}/policy`, POLICY).expect(409);
    expect(revoked.body).toMatchObject({ code: 'gate-state-conflict', message: expect.stringContaining('revoked') });
  });

  it('lets only AAO admins set a policy, with the CSRF token', async () => {
    const gate = await createGate('Library Gate');
    const url = `/api/admin/gates/${gate.id}/policy`;
    await request(server()).put(url).send(POLICY).expect(401);
    expect((await admin.agent.put(url).send(POLICY).expect(403)).body.code).toBe('csrf-token-invalid');
    for (const session of [auditor, guard, alumnus]) {
      expect((await send(session, 'put', url, POLICY).expect(403)).body.code).toBe('role-refused');
    }
    const listed = (await admin.agent.get('/api/admin/gates').expect(200)).body as GateBody[];
    expect(listed.find((entry) => entry.id === gate.id)!.policy).toEqual(DEFAULT_GATE_POLICY);
  });
});
