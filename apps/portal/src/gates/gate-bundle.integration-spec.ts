import { verify } from 'node:crypto';
import { jest } from '@jest/globals';
import { campusDayOf, campusDayToIsoDate, hexToBytes, KeySet, verifyPass } from '@campuspass/pass-token';
import { createNodeVerifier } from '@campuspass/pass-token/node';
import { gateBundleSchema, signedGateBundleSchema, type GateBundle } from '@campuspass/contracts';
import sharp from 'sharp';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { activateEcard, ALICE, BOB, ecardOf, guestPassPurpose, seedRegistry } from '../../../../test/support/ecard-fixtures.js';
import { ed25519PublicKey } from '../../../../test/support/ed25519.js';
import { newGateKeyPair, signGateRequest, type GateKeyPair } from '../../../../test/support/gate-client.js';
import { post, registerAndSignIn, type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AAO_ADMIN, createStaffAndSignIn } from '../../../../test/support/staff-fixtures.js';
import { AuditService } from '../admin/audit.service.js';
import { Clock } from '../identity/clock.js';
import { KeysService } from '../keys/keys.service.js';
import { GatesRepository } from './gates.repository.js';
import { GatesService } from './gates.service.js';

const DAY_MS = 86_400_000;

interface Fetched {
  status: number;
  etag: string | undefined;
  bundle?: GateBundle;
  body: Record<string, unknown>;
}

describe('Gate bundle (PostgreSQL, real HTTP app, signed gate requests)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let gateKeys: GateKeyPair;
  let gateId: string;
  /** The bundle public key, raw: all the verifier below is given. */
  let bundlePublicKey: Buffer;
  const sessions: Record<string, HttpSession> = {};
  const server = () => portal.app.getHttpServer();
  const today = () => campusDayOf(portal.app.get(Clock).now());
  const isoIn = (days: number) => campusDayToIsoDate(today() + days);
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;

  /** A gate's verifier: node:crypto with nothing but the pinned bundle public key, then the contract's schema. */
  function verifyBundle(body: unknown): GateBundle {
    const signed = signedGateBundleSchema.parse(body);
    const key = ed25519PublicKey(bundlePublicKey);
    expect(verify(null, Buffer.from(signed.payload, 'utf8'), key, Buffer.from(signed.signature, 'base64'))).toBe(true);
    return gateBundleSchema.parse(JSON.parse(signed.payload));
  }

  async function fetchBundle(options: { since?: number; ifNoneMatch?: string; id?: string; keys?: GateKeyPair } = {}): Promise<Fetched> {
    const path = `/api/gate/bundle${options.since === undefined ? '' : `?since=${options.since}`}`;
    const headers = signGateRequest({
      gateId: options.id ?? gateId,
      privateKey: (options.keys ?? gateKeys).privateKey,
      method: 'GET',
      pathWithQuery: path,
      timestamp: Math.floor(portal.app.get(Clock).now().getTime() / 1000),
    });
    const call = request(server()).get(path).set(headers);
    if (options.ifNoneMatch) call.set('If-None-Match', options.ifNoneMatch);
    const response = await call;
    return {
      status: response.status,
      etag: response.headers.etag as string | undefined,
      body: response.body as Record<string, unknown>,
      ...(response.status === 200 ? { bundle: verifyBundle(response.body) } : {}),
    };
  }

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://alumni.example.edu' }, { workers: true });
    await seedRegistry(portal);
    await portal.app.get(KeysService).rotate({ now: new Date(Date.now() - 3 * DAY_MS) });
    const bundleKey = (await portal.app.get(KeysService).list()).find((key) => key.purpose === 'bundle' && key.status === 'active')!;
    bundlePublicKey = Buffer.from(bundleKey.publicKey, 'base64');
    sessions.admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    sessions.alice = await registerAndSignIn(server(), smtp, ALICE);
    sessions.bob = await registerAndSignIn(server(), smtp, BOB);
    await activateEcard(sessions.alice, 1);
    await activateEcard(sessions.bob, 2);
    gateKeys = newGateKeyPair();
    gateId = (await portal.app.get(GatesService).registerGate({ name: 'Main Entrance 1', publicKey: gateKeys.publicKey })).id;
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('refuses unsigned, unknown, badly signed, skewed and revoked-gate requests with 401 and a code; audits the revoked gate', async () => {
    const path = '/api/gate/bundle';
    const signed = (overrides: Partial<Parameters<typeof signGateRequest>[0]> = {}) =>
      signGateRequest({ gateId, privateKey: gateKeys.privateKey, method: 'GET', pathWithQuery: path, ...overrides });

    const cases: Array<[string, Record<string, string>, string]> = [
      ['no headers', {}, 'gate-auth-missing'],
      ['unknown gate', signed({ gateId: '00000000-0000-4000-8000-000000000000' }), 'gate-signature-invalid'],
      ['another key', signed({ privateKey: newGateKeyPair().privateKey }), 'gate-signature-invalid'],
      ['signed for another path', signed({ pathWithQuery: `${path}?since=1` }), 'gate-signature-invalid'],
      ['clock 301 s behind', signed({ timestamp: Math.floor(Date.now() / 1000) - 301 }), 'gate-timestamp-skewed'],
      ['clock 400 s ahead', signed({ timestamp: Math.floor(Date.now() / 1000) + 400 }), 'gate-timestamp-skewed'],
      ['timestamp not a number', { ...signed(), 'x-gate-timestamp': 'yesterday' }, 'gate-auth-missing'],
    ];
    for (const [what, headers, code] of cases) {
      const response = await request(server()).get(path).set(headers);
      expect({ what, status: response.status, code: response.body.code }).toEqual({ what, status: 401, code });
      expect(response.body.message).toEqual(expect.any(String));
    }
    // A session does not open the gate route, and a gate signature does not open staff routes.
    await sessions.admin!.agent.get(path).expect(401);
    await request(server())
      .get('/api/guest-passes')
      .set(signed({ pathWithQuery: '/api/guest-passes' }))
      .expect(401);

    const otherKeys = newGateKeyPair();
    const gates = portal.app.get(GatesService);
    const other = await gates.registerGate({ name: 'Side Gate', publicKey: otherKeys.publicKey });
    expect((await fetchBundle({ id: other.id, keys: otherKeys })).status).toBe(200);
    await gates.revokeGate(other.id, 'stolen');
    const refused = await fetchBundle({ id: other.id, keys: otherKeys });
    expect(refused).toMatchObject({ status: 401, body: { code: 'gate-revoked', message: expect.stringMatching(/revoked/) } });
    const audit = await portal.app.get(AuditService).list({ action: 'gate.request' });
    expect(audit).toEqual([expect.objectContaining({ actorType: 'gate', actorId: other.id, outcome: 'failure' })]);
    await expect(gates.registerGate({ name: 'Copy', publicKey: otherKeys.publicKey })).rejects.toMatchObject({ code: 'gate-key-taken' });
    await expect(gates.registerGate({ name: 'Short key', publicKey: new Uint8Array(31) })).rejects.toMatchObject({
      code: 'gate-key-invalid',
    });
    await expect(gates.setPolicy(other.id, { passKinds: [], zone: 16, hours: [], reEntryWindowSeconds: 60 })).rejects.toMatchObject({
      code: 'gate-policy-invalid',
      message: expect.stringMatching(/passKinds.*zone/s),
    });
  });

  it('says nothing about a gate before its signature verifies, and audits a revoked gate at most once a minute', async () => {
    const path = '/api/gate/bundle';
    const gates = portal.app.get(GatesService);
    const audited = async (id: string) =>
      (await portal.app.get(AuditService).list({ action: 'gate.request' })).filter((row) => row.targetId === id);
    const stranger = newGateKeyPair();
    const asStranger = (id: string) => signGateRequest({ gateId: id, privateKey: stranger.privateKey, method: 'GET', pathWithQuery: path });

    // Unknown, not yet enrolled, and enrolled with another key: one answer, word for word.
    const pending = await portal.app.get(GatesRepository).insertPendingGate({
      name: 'Pending Gate',
      codeHash: Buffer.alloc(32, 7),
      expiresAt: new Date(Date.now() + DAY_MS),
      policy: { passKinds: ['guest'], zone: 0, hours: [], reEntryWindowSeconds: 60 },
      createdAt: new Date(),
    });
    const revokedKeys = newGateKeyPair();
    const revoked = await gates.registerGate({ name: 'Revoked Gate', publicKey: revokedKeys.publicKey });
    await gates.revokeGate(revoked.id, 'decommissioned');
    const answers = [];
    for (const id of ['00000000-0000-4000-8000-0000000000aa', pending.id, gateId, revoked.id]) {
      const response = await request(server()).get(path).set(asStranger(id));
      answers.push({ status: response.status, body: response.body as unknown });
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 401, body: { code: 'gate-signature-invalid' } });
    // A stranger naming the revoked gate learns nothing and writes nothing, however often it tries.
    for (let attempt = 0; attempt < 5; attempt++) await request(server()).get(path).set(asStranger(revoked.id)).expect(401);
    expect(await audited(revoked.id)).toEqual([]);
    // A skewed clock is reported only to the gate itself.
    const skewed = signGateRequest({ gateId, privateKey: stranger.privateKey, method: 'GET', pathWithQuery: path, timestamp: 1 });
    expect((await request(server()).get(path).set(skewed)).body).toMatchObject({ code: 'gate-signature-invalid' });

    // The revoked gate's own signed requests: told it is revoked each time, audited once a minute.
    const clock = portal.app.get(Clock);
    const start = clock.now().getTime();
    // Frozen, so a slow machine cannot stretch the first minute between these requests.
    jest.spyOn(clock, 'now').mockReturnValue(new Date(start));
    for (let attempt = 0; attempt < 5; attempt++) {
      const refused = await fetchBundle({ id: revoked.id, keys: revokedKeys });
      expect(refused).toMatchObject({ status: 401, body: { code: 'gate-revoked' } });
    }
    expect(await audited(revoked.id)).toEqual([
      expect.objectContaining({ actorType: 'gate', actorId: revoked.id, outcome: 'failure', details: { reason: 'gate-revoked', path } }),
    ]);
    jest.spyOn(clock, 'now').mockReturnValue(new Date(start + 30_000));
    await fetchBundle({ id: revoked.id, keys: revokedKeys });
    expect(await audited(revoked.id)).toHaveLength(1);
    jest.spyOn(clock, 'now').mockReturnValue(new Date(start + 61_000));
    await fetchBundle({ id: revoked.id, keys: revokedKeys });
    await fetchBundle({ id: revoked.id, keys: revokedKeys });
    expect(await audited(revoked.id)).toHaveLength(2);
  });

  it("serves a full bundle verified with only the bundle public key: keys, default policy, today's and tomorrow's passes", async () => {
    const alice = sessions.alice!;
    const bob = sessions.bob!;
    const alicePass = (await alice.agent.get('/api/passes/today').expect(200)).body;
    const guests = (
      await post(alice, '/api/guest-passes', { date: isoIn(1), purpose: await guestPassPurpose(alice), guests: ['Chan Tai Man'] }).expect(
        201,
      )
    ).body as Array<{ id: string; qrText: string }>;
    const later = (
      await post(bob, '/api/guest-passes', { date: isoIn(2), purpose: await guestPassPurpose(bob), guests: ['Day After'] }).expect(201)
    ).body as Array<{ id: string }>;
    // Yesterday: a guest pass issued and cancelled. Neither it nor its revocation matters to a gate today.
    const clock = jest.spyOn(portal.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() - DAY_MS));
    const yesterday = (
      await post(bob, '/api/guest-passes', { date: isoIn(0), purpose: await guestPassPurpose(bob), guests: ['Gone Yesterday'] }).expect(201)
    ).body as Array<{ id: string }>;
    await post(bob, `/api/guest-passes/${yesterday[0]!.id}/cancel`).expect(200);
    clock.mockRestore();

    const fetched = await fetchBundle();
    expect(fetched.status).toBe(200);
    const bundle = fetched.bundle!;
    expect(bundle).toMatchObject({
      format: 'campuspass.gate-bundle/1',
      gateId,
      gateName: 'Main Entrance 1',
      kind: 'full',
      baseVersion: null,
      campusDay: today(),
      policy: { passKinds: ['alumni-day', 'guest'], zone: 0, hours: [], reEntryWindowSeconds: 60 },
      revocations: [],
    });
    expect(Math.abs(Date.parse(bundle.issuedAt) - Date.now())).toBeLessThan(60_000);
    expect((fetched.body as { kid: string }).kid).toBe(
      (await portal.app.get(KeysService).list()).find((key) => key.purpose === 'bundle')!.kid,
    );
    expect(new Set(bundle.keys.map((key) => key.status))).toEqual(new Set(['active', 'next']));

    const ids = bundle.passes.map((pass) => pass.passId);
    const hex = (id: string) => id.replaceAll('-', '');
    expect(ids).toEqual(expect.arrayContaining([hex(alicePass.passId), hex(guests[0]!.id)]));
    expect(ids).not.toContain(hex(later[0]!.id));
    expect(ids).not.toContain(hex(yesterday[0]!.id));
    const aliceEcard = await ecardOf(portal, 'alice@example.com');
    const aliceEntry = bundle.passes.find((pass) => pass.passId === hex(alicePass.passId))!;
    expect(aliceEntry).toMatchObject({
      kind: 'alumni-day',
      campusDay: today(),
      ecardId: aliceEcard.id,
      displayName: '陳大文',
      hostName: null,
      guestIndex: null,
    });
    const thumb = await sharp(Buffer.from(aliceEntry.thumbnailJpegBase64!, 'base64')).metadata();
    expect(thumb).toMatchObject({ format: 'jpeg', width: 120, height: 160 });
    expect(bundle.passes.find((pass) => pass.passId === hex(guests[0]!.id))).toMatchObject({
      kind: 'guest',
      campusDay: today() + 1,
      ecardId: aliceEcard.id,
      guestIndex: 1,
      displayName: 'Chan Tai Man',
      hostName: '陳大文',
      thumbnailJpegBase64: null,
    });

    // Every pass the portal issued for today and tomorrow verifies against the bundle's keys (libs/pass-token).
    const keySet = new KeySet(
      bundle.keys.map((key) => ({
        publicKey: hexToBytes(key.publicKey),
        ...(key.notBeforeDay === null ? {} : { notBeforeDay: key.notBeforeDay }),
        ...(key.notAfterDay === null ? {} : { notAfterDay: key.notAfterDay }),
      })),
    );
    const issued = await query<Array<{ id: string; qr_text: string }>>(
      `SELECT id, qr_text FROM pass WHERE status = 'active' AND campus_day BETWEEN $1 AND $2`,
      [today(), today() + 1],
    );
    expect(issued.map((row) => hex(row.id)).sort()).toEqual([...ids].sort());
    const verifier = createNodeVerifier();
    for (const row of issued) expect(verifyPass(row.qr_text, keySet, verifier).fields.passId).toBe(hex(row.id));

    expect(await query('SELECT last_bundle_version::int AS v FROM gate WHERE id = $1', [gateId])).toEqual([{ v: bundle.version }]);
    // A tampered payload no longer verifies with the bundle key.
    const tampered = { ...fetched.body, payload: (fetched.body.payload as string).replace('Chan Tai Man', 'Chan Tai Mun') };
    expect(() => verifyBundle(tampered)).toThrow();
  });

  it('answers 304 to the same ETag and to a gate that already holds the current version; Cache-Control no-store', async () => {
    const full = await fetchBundle();
    expect(full.etag).toMatch(/^W\/"gb-\d+-full-0-\d+"$/);
    const again = await fetchBundle({ ifNoneMatch: full.etag });
    expect(again).toMatchObject({ status: 304, etag: full.etag });
    const current = await fetchBundle({ since: full.bundle!.version });
    expect(current.status).toBe(304);
    const response = await request(server())
      .get('/api/gate/bundle')
      .set(signGateRequest({ gateId, privateKey: gateKeys.privateKey, method: 'GET', pathWithQuery: '/api/gate/bundle' }));
    expect(response.headers['cache-control']).toBe('no-store');
    // A different answer (a stale ETag) gets the bundle.
    expect((await fetchBundle({ ifNoneMatch: 'W/"gb-1-full-0-1"' })).status).toBe(200);
  });

  it("carries a new guest pass's display data in the next delta, and nothing twice", async () => {
    const before = (await fetchBundle()).bundle!;
    const created = (
      await post(sessions.bob!, '/api/guest-passes', {
        date: isoIn(0),
        purpose: await guestPassPurpose(sessions.bob!),
        guests: ['Lee Siu Lung'],
      }).expect(201)
    ).body as Array<{ id: string }>;
    const delta = await fetchBundle({ since: before.version });
    expect(delta.etag).toBe(`W/"gb-${delta.bundle!.version}-delta-${before.version}-${today()}"`);
    expect(delta.bundle).toMatchObject({ kind: 'delta', baseVersion: before.version, revocations: [] });
    expect(delta.bundle!.version).toBeGreaterThan(before.version);
    expect(delta.bundle!.keys.length).toBeGreaterThan(0);
    expect(delta.bundle!.passes).toEqual([
      {
        passId: created[0]!.id.replaceAll('-', ''),
        kind: 'guest',
        campusDay: today(),
        ecardId: (await ecardOf(portal, 'bob@example.com')).id,
        guestIndex: 1,
        displayName: 'Lee Siu Lung',
        hostName: 'Wong Siu Ming',
        thumbnailJpegBase64: null,
      },
    ]);
    expect((await fetchBundle({ since: delta.bundle!.version })).status).toBe(304);
  });

  it("puts a revoked eCard's passes in the next delta's revocations once, and out of the full bundle's passes", async () => {
    const alicePass = (await sessions.alice!.agent.get('/api/passes/today').expect(200)).body;
    const { id: ecardId } = await ecardOf(portal, 'alice@example.com');
    const before = (await fetchBundle()).bundle!;
    await post(sessions.admin!, `/api/admin/ecards/${ecardId}/revoke`, { reason: 'Card reported stolen' }).expect(200);

    const delta = (await fetchBundle({ since: before.version })).bundle!;
    expect(delta.kind).toBe('delta');
    const revokedIds = delta.revocations.map((revocation) => revocation.passId);
    expect(revokedIds).toContain(alicePass.passId.replaceAll('-', ''));
    expect(new Set(revokedIds).size).toBe(revokedIds.length);
    expect(delta.revocations).toContainEqual({ passId: alicePass.passId.replaceAll('-', ''), campusDay: today() });
    expect(delta.passes).toEqual([]);

    // The next change (Bob's day pass) brings a delta without the revocations again.
    await sessions.bob!.agent.get('/api/passes/today').expect(200);
    const next = (await fetchBundle({ since: delta.version })).bundle!;
    expect(next.revocations).toEqual([]);
    expect(next.passes.map((pass) => pass.kind)).toEqual(['alumni-day']);

    const full = (await fetchBundle()).bundle!;
    expect(full.revocations.map((revocation) => revocation.passId)).toEqual(expect.arrayContaining(revokedIds));
    expect(full.passes.map((pass) => pass.passId)).not.toContain(alicePass.passId.replaceAll('-', ''));
    expect(full.passes.every((pass) => pass.ecardId !== ecardId)).toBe(true);
  });

  it('bumps the version on a policy change and on key rotation; the delta carries the complete new policy and keys', async () => {
    const before = (await fetchBundle()).bundle!;
    const policy = {
      passKinds: ['alumni-day'],
      zone: 3,
      hours: [{ weekdays: [1, 2, 3, 4, 5], open: '07:00', close: '22:00' }],
      reEntryWindowSeconds: 120,
    };
    await portal.app.get(GatesService).setPolicy(gateId, policy);
    const delta = (await fetchBundle({ since: before.version })).bundle!;
    expect(delta).toMatchObject({ kind: 'delta', baseVersion: before.version, policy, passes: [], revocations: [] });
    await portal.app.get(KeysService).rotate({ now: new Date(), force: true });
    const rotated = (await fetchBundle({ since: delta.version })).bundle!;
    expect(rotated.version).toBeGreaterThan(delta.version);
    expect(rotated.keys.map((key) => key.kid).sort()).not.toEqual(delta.keys.map((key) => key.kid).sort());
    expect(rotated.keys.map((key) => key.status)).toContain('retired');
  });

  it('raises the version by exactly one per pass issued (no "keys" change), and records key rotations', async () => {
    const version = async () => (await query<Array<{ v: number }>>(`SELECT current_version::int AS v FROM bundle_state`))[0]!.v;
    const changesAfter = (since: number) =>
      query<Array<{ kind: string }>>(`SELECT kind FROM bundle_change WHERE version > $1 ORDER BY version`, [since]);
    const lastSigned = async () =>
      (
        await query<Array<{ day: number }>>(`SELECT last_signed_day AS day FROM signing_key WHERE purpose = 'pass' AND status = 'active'`)
      )[0]!.day;

    const before = await version();
    await query(`UPDATE signing_key SET last_signed_day = NULL WHERE purpose = 'pass' AND status = 'active'`);
    expect(await version()).toBe(before);
    const issued = await post(sessions.bob!, '/api/guest-passes', {
      date: isoIn(1),
      purpose: await guestPassPurpose(sessions.bob!),
      guests: ['Ho Ka Yan'],
    });
    expect({ status: issued.status, refusal: issued.status === 201 ? null : issued.body }).toEqual({ status: 201, refusal: null });
    // The pass key recorded the signing, and only the pass was a change.
    expect(await lastSigned()).toBe(today() + 1);
    expect(await version()).toBe(before + 1);
    expect(await changesAfter(before)).toEqual([{ kind: 'pass-issued' }]);
    // Writing a key's fields without changing them is no change either.
    await query(`UPDATE signing_key SET status = status, not_before_day = not_before_day, kid = kid`);
    expect(await version()).toBe(before + 1);

    await portal.app.get(KeysService).rotate({ now: new Date(), force: true });
    const rotated = await changesAfter(before + 1);
    expect(rotated.length).toBeGreaterThan(0);
    expect(rotated.every((change) => change.kind === 'keys')).toBe(true);
    expect(await version()).toBe(before + 1 + rotated.length);
  });

  it('loses no pass to a gate polling deltas while transactions issue passes concurrently and commit slowly', async () => {
    const { id: ecardId } = await ecardOf(portal, 'bob@example.com');
    const start = (await fetchBundle()).bundle!;
    const held = new Set(start.passes.map((pass) => pass.passId));
    let version = start.version;
    const ids = Array.from({ length: 6 }, (_, index) => `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`);
    // Each writer takes its version inside its transaction, then holds the transaction open for a while. A
    // version handed out before a later one commits first would be skipped by a gate that polled in between.
    const writers = ids.map(async (id, index) => {
      const runner = portal.app.get(DataSource).createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await runner.query(
          `INSERT INTO pass (id, kind, ecard_id, guest_index, guest_name, purpose, campus_day, kid, qr_text, status, share_token_hash, created_at)
           VALUES ($1, 'guest', $2, $3, $4, 'Visit', $5, 'kid', 'CP1:TEST', 'active', sha256(convert_to($6, 'UTF8')), now())`,
          [id, ecardId, 100 + index, `Concurrent ${index}`, today() + 1, id],
        );
        await runner.query(`SELECT pg_sleep($1)`, [0.05 + ((index * 37) % 6) / 40]);
        await runner.commitTransaction();
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    });
    let done = false;
    const all = Promise.all(writers).finally(() => (done = true));
    let polls = 0;
    const poll = async () => {
      const answer = await fetchBundle({ since: version });
      polls++;
      if (answer.status !== 200) return;
      const bundle = answer.bundle!;
      if (bundle.kind === 'full') held.clear();
      for (const pass of bundle.passes) held.add(pass.passId);
      version = bundle.version;
    };
    while (!done) await poll();
    await all;
    await poll();
    expect(polls).toBeGreaterThan(2);
    for (const id of ids) expect(held).toContain(id.replaceAll('-', ''));
    const versions = await query<Array<{ gaps: number }>>(
      `SELECT (max(version) - min(version) + 1 - count(*))::int AS gaps FROM bundle_change`,
    );
    expect(versions).toEqual([{ gaps: 0 }]);
  });

  it('serves a full bundle for a base from an earlier campus day, a base above the current version, or a pruned base; refuses a bad since', async () => {
    const current = (await fetchBundle()).bundle!;
    expect((await fetchBundle({ since: current.version + 5 })).bundle).toMatchObject({ kind: 'full', version: current.version });
    jest.spyOn(portal.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() + DAY_MS));
    const nextDay = await fetchBundle({ since: current.version });
    expect(nextDay.bundle).toMatchObject({ kind: 'full', version: current.version, campusDay: current.campusDay + 1 });
    jest.restoreAllMocks();
    // Pruning keeps the current version's row (it dates the current state), so a gate holding it still gets 304.
    expect(await portal.app.get(GatesRepository).pruneChanges(new Date(Date.now() + DAY_MS))).toBe(current.version - 1);
    expect(await query('SELECT version::int AS v FROM bundle_change')).toEqual([{ v: current.version }]);
    expect(await query('SELECT pruned_through::int AS p FROM bundle_state')).toEqual([{ p: current.version - 1 }]);
    expect((await fetchBundle({ since: current.version - 1 })).bundle).toMatchObject({ kind: 'full', version: current.version });
    expect((await fetchBundle({ since: current.version })).status).toBe(304);
    const bad = await fetchBundle({ since: -1 as number });
    expect(bad).toMatchObject({ status: 400, body: { code: 'bundle-since-invalid' } });
  });
});
