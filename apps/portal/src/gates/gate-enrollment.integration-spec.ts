import { verify } from 'node:crypto';
import { jest } from '@jest/globals';
import {
  ENROLLMENT_CODE_PATTERN,
  gateBundleSchema,
  gateEnrollResponseSchema,
  gateHeartbeatResponseSchema,
  portalTimeSigningInput,
  signedGateBundleSchema,
  type GateEnrollResponse,
  type GateHeartbeatRequest,
} from '@campuspass/contracts';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ed25519PublicKey } from '../../../../test/support/ed25519.js';
import { newGateKeyPair, signGateRequest, type GateKeyPair } from '../../../../test/support/gate-client.js';
import { type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AAO_ADMIN, createStaffAndSignIn } from '../../../../test/support/staff-fixtures.js';
import { AuditService } from '../admin/audit.service.js';
import { Clock } from '../identity/clock.js';
import { KeysService } from '../keys/keys.service.js';
import { ENROLLMENT_CODE_TTL_MS } from './enrollment-code.js';
import { GATE_RATE_LIMITS } from './gate-api.service.js';
import { runGatesCreate } from './gates-create.command.js';

const DAY_MS = 86_400_000;
const GATE_REDIS_URL = 'redis://gates:gate-secret@127.0.0.1:6379';
const rawKey = (hex: string) => ed25519PublicKey(Buffer.from(hex, 'hex'));

const HEARTBEAT: GateHeartbeatRequest = {
  agentVersion: '0.1.0',
  bundleVersion: 3,
  clockTrusted: true,
  clockOffsetMs: -120,
  outboxPending: 4,
  outboxFill: 0.01,
  oldestPendingAt: '2026-11-27T01:00:00.000Z',
  relay: 'ok',
  passageSensor: 'fault',
  input: 'ok',
  fireInput: 'normal',
  uptimeSeconds: 3600,
};

describe('Gate enrollment, heartbeat and the AAO gate API (PostgreSQL, real HTTP app)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let admin: HttpSession;
  let bundleKeyHex: string;
  let addressCounter = 0;
  const server = () => portal.app.getHttpServer();
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;
  /** A client address of its own per call site, so per-IP limits of one test do not touch another. */
  const newAddress = () => `203.0.113.${++addressCounter}`;
  const unixNow = () => Math.floor(portal.app.get(Clock).now().getTime() / 1000);

  const createGate = async (name: string) => {
    const response = await admin.agent.post('/api/admin/gates').set('X-CSRF-Token', admin.csrf).send({ name }).expect(201);
    return response.body as { gate: { id: string; status: string }; enrollmentCode: string; expiresAt: string };
  };
  const enroll = (body: object, address = newAddress()) =>
    request(server()).post('/api/gate/enroll').set('X-Forwarded-For', address).send(body);
  const enrollBody = (code: string, keys: GateKeyPair = newGateKeyPair()) => ({
    enrollmentCode: code,
    publicKey: keys.publicKey.toString('hex'),
    agentVersion: '0.1.0',
  });
  const signedGet = (gateId: string, keys: GateKeyPair, path = '/api/gate/bundle') =>
    request(server())
      .get(path)
      .set(signGateRequest({ gateId, privateKey: keys.privateKey, method: 'GET', pathWithQuery: path, timestamp: unixNow() }));
  const heartbeat = (gateId: string, keys: GateKeyPair, body: object = HEARTBEAT, timestamp = unixNow()) => {
    const text = JSON.stringify(body);
    const headers = signGateRequest({
      gateId,
      privateKey: keys.privateKey,
      method: 'POST',
      pathWithQuery: '/api/gate/heartbeat',
      body: text,
      timestamp,
    });
    return {
      headers,
      text,
      send: () => request(server()).post('/api/gate/heartbeat').set(headers).set('Content-Type', 'application/json').send(text),
    };
  };
  async function enrolledGate(name: string): Promise<{ keys: GateKeyPair; enrolled: GateEnrollResponse }> {
    const { enrollmentCode } = await createGate(name);
    const keys = newGateKeyPair();
    const response = await enroll(enrollBody(enrollmentCode, keys)).expect(200);
    return { keys, enrolled: gateEnrollResponseSchema.parse(response.body) };
  }

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url, TRUST_PROXY: '1', GATE_REDIS_URL }, { workers: true });
    await portal.app.get(KeysService).rotate({ now: new Date(Date.now() - 3 * DAY_MS) });
    const bundleKey = (await portal.app.get(KeysService).list()).find((key) => key.purpose === 'bundle' && key.status === 'active')!;
    bundleKeyHex = Buffer.from(bundleKey.publicKey, 'base64').toString('hex');
    admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('creates a pending gate with a one-time code shown once and stored only as a keyed hash; only AAO admins may', async () => {
    const created = await createGate('  North 1  ');
    expect(created.enrollmentCode).toMatch(ENROLLMENT_CODE_PATTERN);
    expect(created.gate).toMatchObject({ name: 'North 1', status: 'pending', enrolledAt: null, heartbeat: null });
    expect(Date.parse(created.expiresAt) - Date.now()).toBeGreaterThan(ENROLLMENT_CODE_TTL_MS - 60_000);
    expect(Date.parse(created.expiresAt) - Date.now()).toBeLessThanOrEqual(ENROLLMENT_CODE_TTL_MS);

    const [row] = await query<Array<{ hash: Buffer; key: Buffer | null; dump: string }>>(
      `SELECT enrollment_code_hash AS hash, public_key AS key, row_to_json(gate)::text AS dump FROM gate WHERE id = $1`,
      [created.gate.id],
    );
    expect(row!.key).toBeNull();
    expect(row!.hash).toHaveLength(32);
    const plain = created.enrollmentCode.replaceAll('-', '');
    expect(row!.dump).not.toContain(created.enrollmentCode);
    expect(row!.dump).not.toContain(plain);
    const audit = await portal.app.get(AuditService).list({ action: 'gate.create' });
    expect(audit).toContainEqual(expect.objectContaining({ actorType: 'staff', targetId: created.gate.id, outcome: 'success' }));
    expect(JSON.stringify(audit)).not.toContain(created.enrollmentCode);

    const listed = (await admin.agent.get('/api/admin/gates').expect(200)).body as Array<{ id: string; status: string }>;
    expect(listed).toContainEqual(expect.objectContaining({ id: created.gate.id, status: 'pending' }));
    expect(JSON.stringify(listed)).not.toContain(created.enrollmentCode);

    await request(server()).post('/api/admin/gates').send({ name: 'Nobody' }).expect(401);
    await request(server()).get('/api/admin/gates').expect(401);
    const bad = await admin.agent.post('/api/admin/gates').set('X-CSRF-Token', admin.csrf).send({ name: '' }).expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/1 to 200 characters/);
  });

  it('enrolls with the code once: pins the bundle key that verifies the bundle, names the gates queue; a second use is refused', async () => {
    const { gate, enrollmentCode } = await createGate('Main Entrance 2');
    const keys = newGateKeyPair();
    // Typed as people type it: lower case, spaces around.
    const response = await enroll(enrollBody(` ${enrollmentCode.toLowerCase()} `, keys)).expect(200);
    const enrolled = gateEnrollResponseSchema.parse(response.body);
    expect(enrolled).toEqual({
      gateId: gate.id,
      gateName: 'Main Entrance 2',
      bundlePublicKey: bundleKeyHex,
      bundleKid: expect.stringMatching(/^[0-9a-f]{16}$/),
      eventQueue: { redisUrl: GATE_REDIS_URL, prefix: portal.config.redis.prefix },
    });

    // The gate's signed requests now work, and the bundle verifies with nothing but the pinned key.
    const bundle = await signedGet(enrolled.gateId, keys).expect(200);
    const signed = signedGateBundleSchema.parse(bundle.body);
    expect(signed.kid).toBe(enrolled.bundleKid);
    expect(
      verify(null, Buffer.from(signed.payload, 'utf8'), rawKey(enrolled.bundlePublicKey), Buffer.from(signed.signature, 'base64')),
    ).toBe(true);
    expect(gateBundleSchema.parse(JSON.parse(signed.payload))).toMatchObject({ gateId: gate.id, gateName: 'Main Entrance 2' });

    const again = await enroll(enrollBody(enrollmentCode)).expect(401);
    expect(again.body).toMatchObject({ code: 'enrollment-code-invalid' });
    const [row] = await query<Array<{ status: string; agent_version: string; hash: Buffer | null; key: Buffer }>>(
      `SELECT status, agent_version, enrollment_code_hash AS hash, public_key AS key FROM gate WHERE id = $1`,
      [gate.id],
    );
    expect(row).toEqual({ status: 'active', agent_version: '0.1.0', hash: null, key: keys.publicKey });
    const audit = await portal.app.get(AuditService).list({ action: 'gate.enroll' });
    expect(audit).toContainEqual(expect.objectContaining({ actorType: 'gate', actorId: gate.id, outcome: 'success' }));
    expect(audit).toContainEqual(expect.objectContaining({ outcome: 'failure', details: { reason: 'enrollment-code-invalid' } }));
    // The gates' Redis URL is a secret: never in the audit log.
    expect(JSON.stringify(audit)).not.toContain('gate-secret');
  });

  it('gives a wrong, an unknown and an expired code the same answer, and a new code replaces an expired one', async () => {
    const { gate, enrollmentCode } = await createGate('East 1');
    const wrong = await enroll(enrollBody(enrollmentCode.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).expect(401);
    const unknown = await enroll(enrollBody('ZZZZ-ZZZZ-ZZZZ')).expect(401);
    jest.spyOn(portal.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() + ENROLLMENT_CODE_TTL_MS + 1000));
    const expired = await enroll(enrollBody(enrollmentCode)).expect(401);
    jest.restoreAllMocks();
    expect(wrong.body).toEqual(unknown.body);
    expect(expired.body).toEqual(unknown.body);
    expect(unknown.body).toMatchObject({
      code: 'enrollment-code-invalid',
      message: expect.stringMatching(/mistyped, already used or expired/),
    });

    const malformed = await enroll({ enrollmentCode: 'hello', publicKey: 'xyz', agentVersion: '' }).expect(400);
    expect(malformed.body).toMatchObject({ code: 'gate-enroll-invalid' });
    expect(malformed.body.message).toMatch(/enrollmentCode: an enrollment code looks like K7P2-9QXM-4TRD.*publicKey.*agentVersion/s);

    const renewed = (await admin.agent.post(`/api/admin/gates/${gate.id}/enrollment-code`).set('X-CSRF-Token', admin.csrf).expect(200))
      .body as {
      enrollmentCode: string;
    };
    expect(renewed.enrollmentCode).toMatch(ENROLLMENT_CODE_PATTERN);
    expect(renewed.enrollmentCode).not.toBe(enrollmentCode);
    // The old code stopped working when the new one was issued.
    await enroll(enrollBody(enrollmentCode)).expect(401);
    await enroll(enrollBody(renewed.enrollmentCode)).expect(200);
    const conflict = await admin.agent.post(`/api/admin/gates/${gate.id}/enrollment-code`).set('X-CSRF-Token', admin.csrf).expect(409);
    expect(conflict.body).toMatchObject({ code: 'gate-state-conflict' });
    await admin.agent
      .post('/api/admin/gates/00000000-0000-4000-8000-000000000000/enrollment-code')
      .set('X-CSRF-Token', admin.csrf)
      .expect(404);
  });

  it('lets exactly one of many concurrent enrollments with the same code win', async () => {
    const { gate, enrollmentCode } = await createGate('West 1');
    const contenders = Array.from({ length: 8 }, () => newGateKeyPair());
    const answers = await Promise.all(contenders.map((keys) => enroll(enrollBody(enrollmentCode, keys))));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    const winner = contenders[answers.findIndex((answer) => answer.status === 200)]!;
    const [row] = await query<Array<{ key: Buffer }>>(`SELECT public_key AS key FROM gate WHERE id = $1`, [gate.id]);
    expect(row!.key).toEqual(winner.publicKey);
    // A key that is taken cannot enroll a second gate.
    const other = await createGate('West 2');
    const taken = await enroll(enrollBody(other.enrollmentCode, winner)).expect(409);
    expect(taken.body).toMatchObject({ code: 'gate-key-taken' });
  });

  it('limits enrollment attempts per client address with 429 and Retry-After; another address is not blocked', async () => {
    const address = newAddress();
    for (let attempt = 0; attempt < GATE_RATE_LIMITS.enrollPerIp.limit; attempt++) {
      await enroll(enrollBody('ZZZZ-ZZZZ-ZZZZ'), address).expect(401);
    }
    const { enrollmentCode } = await createGate('South 1');
    // Even the right code is refused from an address that used up its attempts.
    const limited = await enroll(enrollBody(enrollmentCode), address).expect(429);
    expect(limited.body).toMatchObject({ code: 'rate-limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await enroll(enrollBody(enrollmentCode), newAddress()).expect(200);
  });

  it('stores the heartbeat, answers the portal time signed with the bundle key only, and refuses a replay', async () => {
    const { keys, enrolled } = await enrolledGate('Heartbeat Gate');
    const sentAt = unixNow();
    const call = heartbeat(enrolled.gateId, keys, HEARTBEAT, sentAt);
    const before = Date.now();
    const response = await call.send().expect(200);
    const answer = gateHeartbeatResponseSchema.parse(response.body);
    expect(Date.parse(answer.portalTime)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(answer.portalTime)).toBeLessThanOrEqual(Date.now());
    const [{ v }] = await query<Array<{ v: number }>>(`SELECT current_version::int AS v FROM bundle_state`);
    expect(answer.bundleVersion).toBe(v);

    // What the gate checks, with the key it pinned at enrollment and nothing else.
    const signature = Buffer.from(answer.signature, 'base64');
    const input = (gateId: string, time: string, requestTimestamp = String(sentAt)) =>
      Buffer.from(portalTimeSigningInput(gateId, time, requestTimestamp), 'utf8');
    expect(verify(null, input(enrolled.gateId, answer.portalTime), rawKey(enrolled.bundlePublicKey), signature)).toBe(true);
    // Bound to this gate, this time and this heartbeat (an old answer does not verify for a later request).
    expect(
      verify(null, input('00000000-0000-4000-8000-000000000000', answer.portalTime), rawKey(enrolled.bundlePublicKey), signature),
    ).toBe(false);
    expect(verify(null, input(enrolled.gateId, new Date(0).toISOString()), rawKey(enrolled.bundlePublicKey), signature)).toBe(false);
    expect(verify(null, input(enrolled.gateId, answer.portalTime, String(sentAt + 1)), rawKey(enrolled.bundlePublicKey), signature)).toBe(
      false,
    );

    // The gate's state, every field as the heartbeat reported it (the agent version is a field of the gate).
    const { agentVersion: _agentVersion, ...reported } = HEARTBEAT;
    const listed = (await admin.agent.get('/api/admin/gates').expect(200)).body as Array<Record<string, unknown>>;
    expect(listed.find((gate) => gate.id === enrolled.gateId)).toMatchObject({
      status: 'active',
      agentVersion: '0.1.0',
      lastSeenAt: expect.any(String),
      heartbeat: { receivedAt: expect.any(String), ...reported },
    });

    // The captured request again (same signature, same timestamp): refused.
    const replay = await request(server())
      .post('/api/gate/heartbeat')
      .set(call.headers)
      .set('Content-Type', 'application/json')
      .send(call.text);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 'gate-request-replayed' });
    // The signature covers the body: another body under the same headers is refused.
    const tampered = await request(server())
      .post('/api/gate/heartbeat')
      .set(heartbeat(enrolled.gateId, keys, HEARTBEAT, unixNow() + 1).headers)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...HEARTBEAT, outboxPending: 0 }));
    expect(tampered.body).toMatchObject({ statusCode: 401, code: 'gate-signature-invalid' });
    // A later heartbeat is fine; a body the contract refuses gets 400 naming the field.
    await heartbeat(enrolled.gateId, keys, { ...HEARTBEAT, outboxPending: 9 }, unixNow() + 2)
      .send()
      .expect(200);
    const invalid = await heartbeat(enrolled.gateId, keys, { ...HEARTBEAT, outboxFill: 2 }, unixNow() + 3)
      .send()
      .expect(400);
    expect(invalid.body).toMatchObject({ code: 'gate-heartbeat-invalid', message: expect.stringMatching(/outboxFill/) });
    const [status] = await query<Array<{ outbox_pending: number }>>(`SELECT outbox_pending FROM gate_status WHERE gate_id = $1`, [
      enrolled.gateId,
    ]);
    expect(status).toEqual({ outbox_pending: 9 });
  });

  it('refuses bundle and heartbeat of a revoked gate (401 gate-revoked), and of a gate that has not enrolled', async () => {
    const { keys, enrolled } = await enrolledGate('Doomed Gate');
    await signedGet(enrolled.gateId, keys).expect(200);
    const revoked = await admin.agent
      .post(`/api/admin/gates/${enrolled.gateId}/revoke`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ reason: 'device stolen' })
      .expect(200);
    expect(revoked.body).toMatchObject({ id: enrolled.gateId, status: 'revoked', revokedAt: expect.any(String) });
    expect((await signedGet(enrolled.gateId, keys).expect(401)).body).toMatchObject({ code: 'gate-revoked' });
    expect((await heartbeat(enrolled.gateId, keys).send().expect(401)).body).toMatchObject({ code: 'gate-revoked' });
    await admin.agent
      .post(`/api/admin/gates/${enrolled.gateId}/revoke`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ reason: 'again' })
      .expect(409);
    expect(await portal.app.get(AuditService).list({ action: 'gate.revoke' })).toContainEqual(
      expect.objectContaining({ actorType: 'staff', targetId: enrolled.gateId, details: { reason: 'device stolen' } }),
    );

    // A pending gate has no key: nothing it "signs" is accepted, with the answer of a bad signature (its state is
    // not told to whoever names it); revoking it kills its code.
    const pending = await createGate('Never Enrolled');
    const stranger = newGateKeyPair();
    const refused = await signedGet(pending.gate.id, stranger).expect(401);
    expect(refused.body).toEqual((await signedGet(enrolled.gateId, stranger).expect(401)).body);
    expect(refused.body).toMatchObject({ code: 'gate-signature-invalid' });
    await admin.agent
      .post(`/api/admin/gates/${pending.gate.id}/revoke`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ reason: 'not needed' })
      .expect(200);
    await enroll(enrollBody(pending.enrollmentCode)).expect(401);
  });

  it('creates a gate from the operator CLI and prints a code that enrolls', async () => {
    const output: string[] = [];
    const code = await runGatesCreate(
      portal.app.get(DataSource),
      portal.config,
      { name: 'North 1' },
      { write: (text) => output.push(text) },
    );
    expect(code).toMatch(ENROLLMENT_CODE_PATTERN);
    expect(output.join('')).toMatch(new RegExp(`Gate "North 1" created .*\\nEnrollment code: ${code}\\nValid until `));
    const response = await enroll(enrollBody(code)).expect(200);
    expect(response.body).toMatchObject({ gateName: 'North 1' });
  });
});
