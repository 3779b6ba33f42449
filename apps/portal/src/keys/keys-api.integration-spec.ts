import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { QueueName } from '@campuspass/contracts';
import { DataSource } from 'typeorm';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { extractCode, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AuditService } from '../admin/audit.service.js';
import { StaffService } from '../admin/staff.service.js';
import { JobQueue } from '../core/queue/job-queue.service.js';
import { KEY_ROTATION_SCHEDULE, MAINTENANCE_JOBS } from './key-rotation.job.js';
import { KeysService } from './keys.service.js';

const PASSWORD = 'correct horse battery staple';

interface Session {
  agent: TestAgent;
  csrf: string;
}

describe('Signing keys admin API and scheduled rotation (PostgreSQL, Redis, real HTTP app)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  const sessions: Record<string, Session> = {};
  const server = () => portal.app.getHttpServer();

  async function staffSignIn(email: string): Promise<Session> {
    const agent = request.agent(server());
    const after = smtp.messages.length;
    const start = await agent.post('/api/auth/staff/start').send({ email, password: PASSWORD }).expect(202);
    const code = extractCode(await smtp.waitForMessage(email, 10_000, { after }));
    const verified = await agent.post('/api/auth/staff/verify').send({ requestId: start.body.requestId, code }).expect(200);
    return { agent, csrf: verified.body.csrfToken as string };
  }

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    const staff = portal.app.get(StaffService);
    for (const [email, role] of [
      ['admin@example.edu', 'aao-admin'],
      ['guard@example.edu', 'security-staff'],
      ['auditor@example.edu', 'auditor'],
    ] as const) {
      await staff.create({ email, name: email.split('@')[0]!, role, password: PASSWORD });
      sessions[role] = await staffSignIn(email);
    }
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('creates the keys through the Maintenance queue at worker start and schedules a daily rotation', async () => {
    const keys = await until(
      () => portal.app.get(KeysService).list(),
      (list) => list.length === 3,
    );
    expect(keys.map((key) => `${key.purpose}:${key.status}`).sort()).toEqual(['bundle:active', 'pass:active', 'pass:next']);
    const schedulers = await portal.app.get(JobQueue).queue(QueueName.Maintenance).getJobSchedulers();
    expect(schedulers).toEqual([
      expect.objectContaining({ key: MAINTENANCE_JOBS.rotateKeys, pattern: KEY_ROTATION_SCHEDULE.pattern, tz: KEY_ROTATION_SCHEDULE.tz }),
    ]);
  });

  it('lists keys to AAO admins and auditors, without private material', async () => {
    for (const role of ['aao-admin', 'auditor']) {
      const response = await sessions[role]!.agent.get('/api/admin/keys').expect(200);
      expect(response.body).toHaveLength(3);
      expect(Object.keys(response.body[0]).sort()).toEqual(
        [
          'activatedAt',
          'createdAt',
          'id',
          'kid',
          'lastSignedDay',
          'notAfterDay',
          'notBeforeDay',
          'publicKey',
          'purpose',
          'retiredAt',
          'revocationReason',
          'revokedAt',
          'status',
        ].sort(),
      );
      expect(JSON.stringify(response.body)).not.toMatch(/private|sealed|nonce/i);
    }
  });

  it('refuses the key API to security staff, to anyone signed out, and changes to auditors', async () => {
    await sessions['security-staff']!.agent.get('/api/admin/keys').expect(403);
    await request(server()).get('/api/admin/keys').expect(401);
    const auditor = sessions.auditor!;
    await auditor.agent.post('/api/admin/keys/rotate').set('X-CSRF-Token', auditor.csrf).send({}).expect(403);
    const guard = sessions['security-staff']!;
    await guard.agent.post('/api/admin/keys/rotate').set('X-CSRF-Token', guard.csrf).send({}).expect(403);
  });

  it('runs a rotation step for an AAO admin, with the CSRF token only, and audits a forced promotion', async () => {
    const admin = sessions['aao-admin']!;
    await admin.agent.post('/api/admin/keys/rotate').send({}).expect(403);
    const idle = await admin.agent.post('/api/admin/keys/rotate').set('X-CSRF-Token', admin.csrf).send({}).expect(200);
    expect(idle.body).toEqual({ changes: [] });
    await admin.agent.post('/api/admin/keys/rotate').set('X-CSRF-Token', admin.csrf).send({ force: 'yes' }).expect(400);
    const forced = await admin.agent.post('/api/admin/keys/rotate').set('X-CSRF-Token', admin.csrf).send({ force: true }).expect(200);
    expect(forced.body.changes.map((change: { action: string }) => change.action)).toEqual(['retired', 'activated', 'created']);
    const audit = await portal.app.get(AuditService).list({ action: 'keys.activate' });
    expect(audit[0]).toMatchObject({ actorType: 'staff', outcome: 'success', details: expect.objectContaining({ force: true }) });
  });

  it('retires a key for an AAO admin only', async () => {
    const admin = sessions['aao-admin']!;
    const next = (await admin.agent.get('/api/admin/keys').expect(200)).body.find(
      (key: { purpose: string; status: string }) => key.purpose === 'pass' && key.status === 'next',
    );
    const auditor = sessions.auditor!;
    await auditor.agent.post(`/api/admin/keys/${next.id}/retire`).set('X-CSRF-Token', auditor.csrf).expect(403);
    await admin.agent.post(`/api/admin/keys/${next.id}/retire`).expect(403);
    const retired = await admin.agent.post(`/api/admin/keys/${next.id}/retire`).set('X-CSRF-Token', admin.csrf).expect(200);
    expect(retired.body.changes).toEqual([expect.objectContaining({ action: 'retired', key: expect.objectContaining({ id: next.id }) })]);
    const again = await admin.agent.post(`/api/admin/keys/${next.id}/retire`).set('X-CSRF-Token', admin.csrf).expect(409);
    expect(again.body.code).toBe('key-state-conflict');
    await admin.agent.post('/api/admin/keys/not-a-uuid/retire').set('X-CSRF-Token', admin.csrf).expect(400);
    await admin.agent.post('/api/admin/keys/0b7c2a8e-4d0f-4f3c-9a51-3f2f8e6f1a11/retire').set('X-CSRF-Token', admin.csrf).expect(404);
    const audit = await portal.app.get(AuditService).list({ action: 'keys.retire' });
    expect(audit[0]).toMatchObject({ actorType: 'staff', targetId: next.id });
  });

  it('revokes a pass key for an AAO admin only, with a reason; refuses the bundle key; the gate bundle version goes up', async () => {
    const admin = sessions['aao-admin']!;
    // The test before withdrew the next key: a rotation step makes one again.
    await portal.app.get(KeysService).rotate({ now: new Date() });
    const list = async () =>
      (await admin.agent.get('/api/admin/keys').expect(200)).body as Array<{ id: string; kid: string; purpose: string; status: string }>;
    const active = (await list()).find((key) => key.purpose === 'pass' && key.status === 'active')!;
    const next = (await list()).find((key) => key.purpose === 'pass' && key.status === 'next')!;
    const bundle = (await list()).find((key) => key.purpose === 'bundle')!;
    const reason = 'private key found on a lost laptop';
    for (const role of ['auditor', 'security-staff'] as const) {
      const session = sessions[role]!;
      await session.agent.post(`/api/admin/keys/${active.id}/revoke`).set('X-CSRF-Token', session.csrf).send({ reason }).expect(403);
    }
    await request(server()).post(`/api/admin/keys/${active.id}/revoke`).send({ reason }).expect(401);
    await admin.agent.post(`/api/admin/keys/${active.id}/revoke`).send({ reason }).expect(403);
    const noReason = await admin.agent.post(`/api/admin/keys/${active.id}/revoke`).set('X-CSRF-Token', admin.csrf).send({}).expect(400);
    expect(JSON.stringify(noReason.body)).toMatch(/reason/);
    await admin.agent.post(`/api/admin/keys/${active.id}/revoke`).set('X-CSRF-Token', admin.csrf).send({ reason: '  ' }).expect(400);
    const pinned = await admin.agent
      .post(`/api/admin/keys/${bundle.id}/revoke`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ reason })
      .expect(409);
    expect(pinned.body).toMatchObject({ code: 'key-state-conflict', message: expect.stringMatching(/pinned.*Re-enrol/s) });
    expect((await list()).find((key) => key.id === active.id)!.status).toBe('active');

    const version = async () =>
      Number(
        ((await portal.app.get(DataSource).query(`SELECT current_version FROM bundle_state`)) as { current_version: string }[])[0]!
          .current_version,
      );
    const before = await version();
    const revoked = await admin.agent
      .post(`/api/admin/keys/${active.id}/revoke`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ reason })
      .expect(200);
    expect(revoked.body.changes.map((change: { action: string; key: { id: string } }) => change.action)).toEqual([
      'revoked',
      'activated',
      'created',
    ]);
    expect(revoked.body.changes[0].key).toMatchObject({
      id: active.id,
      status: 'revoked',
      revocationReason: reason,
      revokedAt: expect.any(String),
    });
    expect(revoked.body.changes[1].key).toMatchObject({ id: next.id, status: 'active' });
    expect(await version()).toBeGreaterThan(before);
    const again = await admin.agent
      .post(`/api/admin/keys/${active.id}/revoke`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ reason })
      .expect(409);
    expect(again.body.message).toMatch(/already revoked/);
    const [audit] = await portal.app.get(AuditService).list({ action: 'keys.revoke' });
    expect(audit).toMatchObject({ actorType: 'staff', targetId: active.id, details: expect.objectContaining({ reason }) });
  });
});
