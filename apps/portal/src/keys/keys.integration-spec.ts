import { createPublicKey, randomBytes, verify as nodeVerify } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { bytesToHex, campusDayOf, decodeBase45, encodePass, KeySet, QR_PREFIX, verifyPass } from '@campuspass/pass-token';
import { createNodeVerifier } from '@campuspass/pass-token/node';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { createTestRedis, type TestRedis } from '../../../../test/support/redis.js';
import { AuditEventEntity } from '../admin/audit-event.entity.js';
import { AuditRepository } from '../admin/audit.repository.js';
import { AuditService } from '../admin/audit.service.js';
import { loadAppConfig, parseKeyEncryptionKey, type AppConfig } from '../config/app-config.js';
import { AppConfigModule } from '../config/app-config.module.js';
import { dataSourceOptions } from '../core/database/data-source-options.js';
import { QueueModule } from '../core/queue/queue.module.js';
import { isKeysException } from './keys.exception.js';
import { KeysModule } from './keys.module.js';
import { KeysService } from './keys.service.js';
import { openPrivateKey } from './private-key-cipher.js';
import { SigningKeyRepository } from './signing-key.repository.js';
import { alumniDayPassFields } from '../../../../test/support/pass-fields.js';

const DAY_MS = 86_400_000;
// 2026-03-02 10:00 Hong Kong time.
const T0 = new Date('2026-03-02T02:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY_MS);
const DAY0 = campusDayOf(T0);
// SPKI header for Ed25519 (RFC 8410), written out here so the check does not rely on pass-token's code.
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

interface Context {
  app: INestApplicationContext;
  keys: KeysService;
  dataSource: DataSource;
  config: AppConfig;
}

async function startKeys(database: TestDatabase, redis: TestRedis, kek: string): Promise<Context> {
  const config = loadAppConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    KEY_ENCRYPTION_KEY: kek,
    KEY_ROTATION_LEAD_DAYS: '2',
    KEY_ROTATION_INTERVAL_DAYS: '1',
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppConfigModule.forRoot(config),
      TypeOrmModule.forRoot(dataSourceOptions(database.url)),
      QueueModule.forRoot({ workers: false }),
      KeysModule,
    ],
  }).compile();
  const app = await moduleRef.init();
  return { app, keys: app.get(KeysService), dataSource: app.get(DataSource), config };
}

const passFields = (campusDay: number) => alumniDayPassFields(campusDay, 42);

describe('Signing keys (PostgreSQL)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let context: Context;
  const kek = randomBytes(32).toString('base64');

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedis();
    context = await startKeys(database, redis, kek);
  });

  afterAll(async () => {
    await context?.app.close();
    await redis?.cleanup();
    await database?.drop();
  });

  const statuses = async () => (await context.keys.list()).map((key) => `${key.purpose}:${key.status}`).sort();

  it('refuses to sign before the first rotation, naming the command to run', async () => {
    await expect(context.keys.activeSigner('pass', DAY0)).rejects.toMatchObject({ code: 'no-active-key', message: /keys:rotate/ });
  });

  it('bootstraps an active pass key, a next pass key and a bundle key, and audits each', async () => {
    const result = await context.keys.rotate({ now: T0 });
    expect(result.changes.map((change) => `${change.action} ${change.key.purpose}:${change.key.status}`)).toEqual([
      'created bundle:active',
      'created pass:active',
      'created pass:next',
    ]);
    expect(await statuses()).toEqual(['bundle:active', 'pass:active', 'pass:next']);
    const published = await context.keys.publishedKeys(DAY0);
    expect(published.map((key) => key.status)).toEqual(['active', 'next']);
    expect(published.every((key) => key.notBeforeDay === DAY0 && key.notAfterDay === undefined)).toBe(true);
    const audits = await context.app.get(AuditService).list({ action: 'keys.create' });
    expect(audits).toHaveLength(3);
    expect(audits[0]).toMatchObject({ actorType: 'system', targetType: 'signing-key', outcome: 'success' });
  });

  it('changes nothing when run again the same day', async () => {
    expect((await context.keys.rotate({ now: new Date(T0.getTime() + 3_600_000) })).changes).toEqual([]);
    expect(await statuses()).toEqual(['bundle:active', 'pass:active', 'pass:next']);
  });

  it('signs passes that verify with plain node:crypto against the published key and with verifyPass on a KeySet', async () => {
    const { signer, kid } = await context.keys.activeSigner('pass', DAY0);
    const pass = encodePass(passFields(DAY0), signer);
    const published = await context.keys.publishedKeys(DAY0);
    const key = published.find((candidate) => candidate.kid === kid)!;
    expect(key.status).toBe('active');

    const bytes = decodeBase45(pass.qrText.slice(QR_PREFIX.length));
    const message = bytes.subarray(0, bytes.length - 64);
    const signature = bytes.subarray(bytes.length - 64);
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI_ED25519, key.publicKey]), format: 'der', type: 'spki' });
    expect(nodeVerify(null, message, publicKey, signature)).toBe(true);
    expect(nodeVerify(null, Buffer.from(message).fill(0, 0, 1), publicKey, signature)).toBe(false);

    const verified = verifyPass(pass.qrText, new KeySet(published), createNodeVerifier());
    expect(bytesToHex(verified.key.kid)).toBe(kid);
    expect(verified.fields.campusDay).toBe(DAY0);
  });

  it('records the last campus day each pass key signed for', async () => {
    const { kid } = await context.keys.activeSigner('pass', DAY0 + 5);
    await context.keys.activeSigner('pass', DAY0 + 1); // an earlier day never lowers it
    const active = (await context.keys.list()).find((key) => key.kid === kid)!;
    expect(active.lastSignedDay).toBe(DAY0 + 5);
  });

  it('keeps the bundle key apart from the pass keys', async () => {
    const bundle = await context.keys.bundleSigner();
    const pass = await context.keys.activeSigner('pass', DAY0);
    expect(bundle.kid).not.toBe(pass.kid);
    expect((await context.keys.publishedKeys(DAY0)).map((key) => key.kid)).not.toContain(bundle.kid);
    expect(bundle.signer.sign(Buffer.from('bundle'))).toHaveLength(64);
  });

  it('publishes the next key before it signs and promotes it only after the lead time', async () => {
    const before = await context.keys.list();
    const next = before.find((key) => key.purpose === 'pass' && key.status === 'next')!;
    const oldActive = before.find((key) => key.purpose === 'pass' && key.status === 'active')!;
    expect((await context.keys.publishedKeys(DAY0)).map((key) => key.kid)).toContain(next.kid);

    // A day later the active key has signed for the interval (1 day), but the next key has been out only a day (< 2).
    expect((await context.keys.rotate({ now: at(1) })).changes).toEqual([]);
    expect((await context.keys.activeSigner('pass', DAY0 + 1)).kid).toBe(oldActive.kid);

    const result = await context.keys.rotate({ now: at(2) });
    expect(result.changes.map((change) => `${change.action} ${change.key.kid}`)).toEqual([
      `retired ${oldActive.kid}`,
      `activated ${next.kid}`,
      `created ${result.changes[2]!.key.kid}`,
    ]);
    expect((await context.keys.activeSigner('pass', DAY0 + 2)).kid).toBe(next.kid);
    const retired = (await context.keys.list()).find((key) => key.id === oldActive.id)!;
    expect(retired).toMatchObject({ status: 'retired', notAfterDay: DAY0 + 5, lastSignedDay: DAY0 + 5 });
    expect((await context.keys.list()).find((key) => key.id === next.id)).toMatchObject({ status: 'active', notBeforeDay: DAY0 + 2 });
    expect(await context.app.get(AuditService).list({ action: 'keys.activate' })).toHaveLength(1);
    // Idempotent on the day of the promotion too.
    expect((await context.keys.rotate({ now: at(2.1) })).changes).toEqual([]);
  });

  it('keeps a retired key published until the last day it signed for has passed', async () => {
    const retired = (await context.keys.list()).find((key) => key.purpose === 'pass' && key.status === 'retired')!;
    for (const day of [DAY0 + 2, DAY0 + 5]) {
      const published = (await context.keys.publishedKeys(day)).find((key) => key.kid === retired.kid);
      expect(published).toMatchObject({ status: 'retired', notBeforeDay: DAY0, notAfterDay: DAY0 + 5 });
    }
    expect((await context.keys.publishedKeys(DAY0 + 6)).map((key) => key.kid)).not.toContain(retired.kid);
    // A pass it signed for day DAY0+5 still verifies on that day with the published keys.
    const published = await context.keys.publishedKeys(DAY0 + 5);
    expect(published.map((key) => key.status).sort()).toEqual(['active', 'next', 'retired']);
  });

  it('drops a key retired without signing at once, and refuses retiring twice or retiring the bundle key', async () => {
    const next = (await context.keys.list()).find((key) => key.purpose === 'pass' && key.status === 'next')!;
    const actor = { type: 'system', id: 'test' } as const;
    await context.keys.retire(next.id, { now: at(2.2), actor });
    expect((await context.keys.publishedKeys(DAY0 + 2)).map((key) => key.kid)).not.toContain(next.kid);
    await expect(context.keys.retire(next.id, { now: at(2.2), actor })).rejects.toMatchObject({ code: 'key-state-conflict' });
    const bundle = (await context.keys.list()).find((key) => key.purpose === 'bundle')!;
    await expect(context.keys.retire(bundle.id, { now: at(2.2), actor })).rejects.toMatchObject({ code: 'key-state-conflict' });
    const active = (await context.keys.list()).find((key) => key.purpose === 'pass' && key.status === 'active')!;
    await expect(context.keys.retire(active.id, { now: at(2.2), actor })).rejects.toMatchObject({ code: 'key-state-conflict' });
    await expect(context.keys.retire('0b7c2a8e-4d0f-4f3c-9a51-3f2f8e6f1a11', { now: at(2.2), actor })).rejects.toMatchObject({
      code: 'key-not-found',
    });
    // The next rotation puts a next key back.
    expect((await context.keys.rotate({ now: at(2.3) })).changes.map((change) => change.action)).toEqual(['created']);
  });

  it('promotes at once with force', async () => {
    const next = (await context.keys.list()).find((key) => key.purpose === 'pass' && key.status === 'next')!;
    const result = await context.keys.rotate({ now: at(2.4), force: true });
    expect(result.changes.map((change) => change.action)).toEqual(['retired', 'activated', 'created']);
    expect((await context.keys.activeSigner('pass', DAY0 + 3)).kid).toBe(next.kid);
    const audit = await context.app.get(AuditService).list({ action: 'keys.activate' });
    expect(audit[0]!.details).toMatchObject({ force: true, kid: next.kid });
  });

  it('never stores a private key in plain text, and refuses a wrong key-encryption key', async () => {
    const kekBytes = parseKeyEncryptionKey(kek)!;
    const rows: { id: string; purpose: string; kid: string; row: string }[] = await context.dataSource.query(
      `SELECT id, purpose, kid, signing_key::text AS row FROM signing_key`,
    );
    const repository = context.app.get(SigningKeyRepository);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) {
      const seed = openPrivateKey(kekBytes, (await repository.findSealed(row.id))!, { keyId: row.id, purpose: row.purpose, kid: row.kid });
      const seedHex = Buffer.from(seed).toString('hex');
      expect(row.row).not.toContain(seedHex);
      expect(row.row).not.toContain(Buffer.from(seed).toString('base64'));
    }
    // The entity never loads the sealed columns unless asked.
    for (const entity of await repository.list()) {
      expect([entity.privateKeyNonce, entity.privateKeySealed, entity.privateKeyTag]).toEqual([undefined, undefined, undefined]);
    }
    expect(JSON.stringify(await context.keys.list())).not.toMatch(/private|sealed|nonce/i);

    const otherConfig = {
      ...context.config,
      keys: {
        ...context.config.keys,
        encryptionKey: loadAppConfig({ KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex') }).keys.encryptionKey,
      },
    };
    const stranger = new KeysService(otherConfig, repository, context.app.get(AuditService));
    const refusal = await stranger.activeSigner('pass', DAY0 + 3).catch((error: unknown) => error);
    expect(isKeysException(refusal) && refusal.code).toBe('key-decryption-failed');
  });
});

describe('Concurrent rotations (PostgreSQL)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let contexts: Context[];
  const kek = randomBytes(32).toString('hex');

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedis();
    // Two portal processes on one database.
    contexts = [await startKeys(database, redis, kek), await startKeys(database, redis, kek)];
  });

  afterAll(async () => {
    for (const context of contexts ?? []) await context.app.close();
    await redis?.cleanup();
    await database?.drop();
  });

  const counts = async () =>
    (
      (await contexts[0]!.dataSource.query(
        `SELECT purpose || ':' || status AS key, count(*)::int AS n FROM signing_key GROUP BY 1 ORDER BY 1`,
      )) as { key: string; n: number }[]
    ).map((row) => `${row.key}=${row.n}`);

  it('bootstraps once when two processes rotate at the same time', async () => {
    const results = await Promise.all([...contexts, ...contexts].map((context) => context.keys.rotate({ now: T0 })));
    expect(results.map((result) => result.changes.length).sort()).toEqual([0, 0, 0, 3]);
    expect(await counts()).toEqual(['bundle:active=1', 'pass:active=1', 'pass:next=1']);
  });

  it('promotes once when two processes rotate at the same time', async () => {
    const results = await Promise.all([...contexts, ...contexts].map((context) => context.keys.rotate({ now: at(2) })));
    expect(results.map((result) => result.changes.length).sort()).toEqual([0, 0, 0, 3]);
    expect(await counts()).toEqual(['bundle:active=1', 'pass:active=1', 'pass:next=1', 'pass:retired=1']);
  });
});

describe('Revoking a compromised pass key (PostgreSQL)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let context: Context;
  const actor = { type: 'staff', id: '7d1f0c3e-2b8a-4c55-9e0f-1a2b3c4d5e6f', ip: '203.0.113.9' } as const;
  const REASON = 'private key copied off a backup tape';

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedis();
    context = await startKeys(database, redis, randomBytes(32).toString('base64'));
    await context.keys.rotate({ now: T0 });
  });

  afterAll(async () => {
    await context?.app.close();
    await redis?.cleanup();
    await database?.drop();
  });

  const bundleVersion = async () =>
    Number(
      ((await context.dataSource.query(`SELECT current_version FROM bundle_state`)) as { current_version: string }[])[0]!.current_version,
    );
  const passKey = async (status: string) => (await context.keys.list()).find((key) => key.purpose === 'pass' && key.status === status)!;
  const publishedKids = async (day: number) => (await context.keys.publishedKeys(day)).map((key) => key.kid);

  it('takes a retired key out of every published list at once, even for the day it signed for, and bumps the bundle version', async () => {
    // Key A signs today's passes, then a forced rotation retires it: as designed it stays published for today.
    const a = await context.keys.activeSigner('pass', DAY0);
    await context.keys.rotate({ now: T0, force: true });
    expect(await publishedKids(DAY0)).toContain(a.kid);
    const versionBefore = await bundleVersion();

    const result = await context.keys.revoke(a.keyId, { now: at(0.1), reason: `  ${REASON} `, actor });
    expect(result.changes.map((change) => `${change.action} ${change.key.kid}`)).toEqual([`revoked ${a.kid}`]);
    expect(await publishedKids(DAY0)).not.toContain(a.kid);
    expect(await bundleVersion()).toBeGreaterThan(versionBefore);
    expect((await context.keys.list()).find((key) => key.kid === a.kid)).toMatchObject({
      status: 'revoked',
      revokedAt: at(0.1),
      revocationReason: REASON,
    });
    expect([...(await context.keys.revokedPassKids([a.kid, (await passKey('active')).kid]))]).toEqual([a.kid]);
    const [audit] = await context.app.get(AuditService).list({ action: 'keys.revoke' });
    expect(audit).toMatchObject({
      actorType: 'staff',
      actorId: actor.id,
      targetId: a.keyId,
      outcome: 'success',
      details: expect.objectContaining({ reason: REASON, kid: a.kid }),
    });
  });

  it('hands over from a revoked active key to the next key and makes a new next key, so issuing never stops', async () => {
    const active = await passKey('active');
    const next = await passKey('next');
    const result = await context.keys.revoke(active.id, { now: at(0.2), reason: REASON, actor });
    expect(result.changes.map((change) => `${change.action} ${change.key.status}`)).toEqual([
      'revoked revoked',
      'activated active',
      'created next',
    ]);
    expect(result.changes[1]!.key.kid).toBe(next.kid);
    const signer = await context.keys.activeSigner('pass', DAY0);
    expect(signer.kid).toBe(next.kid);
    const published = await context.keys.publishedKeys(DAY0);
    expect(published.map((key) => `${key.kid}:${key.status}`)).toEqual([`${next.kid}:active`, `${result.changes[2]!.key.kid}:next`]);
    // What the new active key signs verifies with exactly what is published.
    const pass = encodePass(passFields(DAY0), signer.signer);
    expect(bytesToHex(verifyPass(pass.qrText, new KeySet(published), createNodeVerifier()).key.kid)).toBe(next.kid);
  });

  it('withdraws a revoked next key and makes another; with no next key at all, makes a new active key', async () => {
    const next = await passKey('next');
    const replaced = await context.keys.revoke(next.id, { now: at(0.3), reason: REASON, actor });
    expect(replaced.changes.map((change) => change.action)).toEqual(['revoked', 'created']);
    expect(replaced.changes[1]!.key.status).toBe('next');

    await context.keys.retire((await passKey('next')).id, { now: at(0.4), actor });
    const active = await passKey('active');
    const result = await context.keys.revoke(active.id, { now: at(0.5), reason: REASON, actor });
    expect(result.changes.map((change) => `${change.action} ${change.key.status}`)).toEqual([
      'revoked revoked',
      'created active',
      'created next',
    ]);
    expect((await context.keys.activeSigner('pass', DAY0)).kid).toBe(result.changes[1]!.key.kid);
    expect((await context.keys.publishedKeys(DAY0)).map((key) => key.status)).toEqual(['active', 'next']);
  });

  it('refuses the bundle key, a revoked key, an unknown key and a missing reason, changing nothing', async () => {
    const before = JSON.stringify(await context.keys.list());
    const versionBefore = await bundleVersion();
    const bundle = (await context.keys.list()).find((key) => key.purpose === 'bundle')!;
    await expect(context.keys.revoke(bundle.id, { now: at(0.6), reason: REASON, actor })).rejects.toMatchObject({
      code: 'key-state-conflict',
      message: expect.stringMatching(/bundle-signing key.*pinned.*Re-enrol the gates/s),
    });
    const revoked = (await context.keys.list()).find((key) => key.status === 'revoked')!;
    await expect(context.keys.revoke(revoked.id, { now: at(0.6), reason: REASON, actor })).rejects.toMatchObject({
      code: 'key-state-conflict',
      message: expect.stringMatching(/already revoked/),
    });
    await expect(
      context.keys.revoke('0b7c2a8e-4d0f-4f3c-9a51-3f2f8e6f1a11', { now: at(0.6), reason: REASON, actor }),
    ).rejects.toMatchObject({
      code: 'key-not-found',
    });
    const active = await passKey('active');
    for (const reason of ['', '   ', 'x'.repeat(501)]) {
      await expect(context.keys.revoke(active.id, { now: at(0.6), reason, actor })).rejects.toMatchObject({
        code: 'key-revocation-reason-invalid',
        message: expect.stringMatching(/Give the reason/),
      });
    }
    expect(JSON.stringify(await context.keys.list())).toBe(before);
    expect(await bundleVersion()).toBe(versionBefore);
  });
});

describe('Replacing the key-encryption key: KEY_ENCRYPTION_KEY_PREVIOUS (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const oldKek = randomBytes(32).toString('base64');
  const newKek = randomBytes(32).toString('hex');
  const service = (env: NodeJS.ProcessEnv) =>
    new KeysService(
      loadAppConfig({ KEY_ROTATION_LEAD_DAYS: '2', KEY_ROTATION_INTERVAL_DAYS: '1', ...env }),
      new SigningKeyRepository(dataSource),
      new AuditService(new AuditRepository(dataSource.getRepository(AuditEventEntity))),
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(database.url));
    await dataSource.initialize();
    await service({ KEY_ENCRYPTION_KEY: oldKek }).rotate({ now: T0 });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('signs with keys sealed under the old key-encryption key once it is KEY_ENCRYPTION_KEY_PREVIOUS', async () => {
    const rotating = service({ KEY_ENCRYPTION_KEY: newKek, KEY_ENCRYPTION_KEY_PREVIOUS: oldKek });
    const { signer, kid } = await rotating.activeSigner('pass', DAY0);
    const pass = encodePass(passFields(DAY0), signer);
    const verified = verifyPass(pass.qrText, new KeySet(await rotating.publishedKeys(DAY0)), createNodeVerifier());
    expect(bytesToHex(verified.key.kid)).toBe(kid);
    expect((await rotating.bundleSigner()).signer.publicKey).toHaveLength(32);
  });

  it('seals every new key under KEY_ENCRYPTION_KEY, never under the previous one, through a rotation', async () => {
    const rotating = service({ KEY_ENCRYPTION_KEY: newKek, KEY_ENCRYPTION_KEY_PREVIOUS: oldKek });
    const { changes } = await rotating.rotate({ now: at(3), force: true });
    const created = changes.filter((change) => change.action === 'created').map((change) => change.key);
    expect(created).toHaveLength(1);
    const repository = new SigningKeyRepository(dataSource);
    const sealed = (await repository.findSealed(created[0]!.id))!;
    const binding = { keyId: created[0]!.id, purpose: created[0]!.purpose, kid: created[0]!.kid };
    expect(openPrivateKey(parseKeyEncryptionKey(newKek)!, sealed, binding)).toHaveLength(32);
    expect(() => openPrivateKey(parseKeyEncryptionKey(oldKek)!, sealed, binding)).toThrow(/could not be decrypted/);
    // The key it promoted was sealed under the old key-encryption key, and signs all the same.
    const activated = changes.find((change) => change.action === 'activated')!.key;
    await expect(rotating.activeSigner('pass', DAY0 + 3)).resolves.toMatchObject({ kid: activated.kid });
  });

  it('refuses, naming both variables, when neither key-encryption key opens a key', async () => {
    const strangers = service({ KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), KEY_ENCRYPTION_KEY_PREVIOUS: newKek });
    const refusal = await strangers.bundleSigner().catch((error: unknown) => error);
    expect(isKeysException(refusal) && refusal.code).toBe('key-decryption-failed');
    expect(String((refusal as Error).message)).toMatch(/neither KEY_ENCRYPTION_KEY nor KEY_ENCRYPTION_KEY_PREVIOUS/);
  });
});
