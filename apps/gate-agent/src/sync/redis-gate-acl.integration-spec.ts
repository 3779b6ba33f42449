import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { QueueName } from '@campuspass/contracts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { gateEvent } from '../../../../test/support/gate-events.js';
import { createTestRedis, type TestRedis } from '../../../../test/support/redis.js';
import { GateIdentity } from '../identity/gate-identity.js';
import { BullmqGateEventPublisher, GATE_EVENT_JOB_NAME } from './bullmq-gate-event-publisher.js';
import type { SignedGateEventJob } from './gate-event-publisher.port.js';

const ACL_FILE = resolve(import.meta.dirname, '../../../../deploy/redis/gates.acl');
const ACL_USER = 'campuspass-gate';
const KEY_PATTERN = '~campuspass:gate-events:*';
const NOPERM = /NOPERM/;
/** What Redis answers when a script run by the user calls a command or touches a key the user may not. */
const SCRIPT_DENIED = /can't (run this command|access at least one of the keys)/;

/** The rules of the file's one user line (everything after `user <name>`). */
async function aclFileRules(): Promise<string[]> {
  const lines = (await readFile(ACL_FILE, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  // Redis 7 refuses an ACL file with any other line (comments included): one user line only.
  expect(lines).toHaveLength(1);
  const [keyword, name, ...rules] = lines[0]!.trim().split(/\s+/);
  expect([keyword, name]).toEqual(['user', ACL_USER]);
  return rules;
}

/** What a gate sends: each event's JSON signed with the gate's key, as OutboxDrainer.nextBatch builds it. */
function signedJobs(identity: GateIdentity, gateId: string, count: number): SignedGateEventJob[] {
  return Array.from({ length: count }, (_unused, index) => {
    const event = gateEvent(gateId, index + 1);
    const payload = JSON.stringify(event);
    return { eventId: event.eventId, data: { gateId, payload, signature: identity.signText(payload) } };
  });
}

describe('Redis ACL of the gates (deploy/redis/gates.acl) against the real Redis', () => {
  let redis: TestRedis;
  let admin: Redis;
  let gateRedis: Redis;
  let gateUrl: URL;
  let gateEvents: Queue;
  let mail: Queue;
  const user = `${ACL_USER}-test-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(24).toString('hex');
  const identity = GateIdentity.generate();
  const gateId = 'b6a1f0de-0000-4000-8000-000000000001';
  const publishers: BullmqGateEventPublisher[] = [];
  const otherDatabase = 1;

  const publisher = (url: URL = gateUrl) => {
    const created = new BullmqGateEventPublisher({ redisUrl: url.toString(), prefix: redis.prefix, timeoutMs: 5000 });
    publishers.push(created);
    return created;
  };
  /** Denials the (server-wide) ACL log holds for this run's user, as `context:object` (e.g. `lua:hset`). */
  const deniedForUser = async () => {
    const entries = (await admin.call('ACL', 'LOG', '128')) as unknown[][];
    return entries
      .map((entry) => {
        const fields = new Map<string, unknown>();
        for (let index = 0; index < entry.length; index += 2) fields.set(String(entry[index]), entry[index + 1]);
        return fields;
      })
      .filter((fields) => fields.get('username') === user)
      .map((fields) => `${String(fields.get('context'))}:${String(fields.get('object'))}`)
      .filter((denial) => denial !== 'toplevel:client|setinfo'); // ioredis tags its connections (Redis 7.2+), ignores the refusal
  };

  beforeAll(async () => {
    redis = createTestRedis();
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    // The file's rules for a user of this run: its own name, a real password hash, and this file's key prefix.
    const rules = (await aclFileRules()).map((rule) => {
      if (rule.startsWith('#')) return `#${createHash('sha256').update(password).digest('hex')}`;
      if (rule === KEY_PATTERN) return `~${redis.prefix}:gate-events:*`;
      return rule;
    });
    await admin.call('ACL', 'SETUSER', user, ...rules);
    gateUrl = new URL(redis.url);
    gateUrl.username = user;
    gateUrl.password = password;
    gateRedis = new Redis(gateUrl.toString(), { maxRetriesPerRequest: 1 });
    gateEvents = new Queue(QueueName.GateEvents, { connection: { url: redis.url }, prefix: redis.prefix });
    mail = new Queue(QueueName.Mail, { connection: { url: redis.url }, prefix: redis.prefix });
    await mail.add('one-time-code', { to: 'alice@example.com', code: '123456' }, { jobId: 'mail-1' });
  });

  afterAll(async () => {
    for (const created of publishers) await created.close();
    gateRedis?.disconnect();
    await gateEvents?.close();
    await mail?.close();
    await admin?.call('ACL', 'DELUSER', user);
    if (admin) {
      await admin.select(otherDatabase);
      for await (const keys of admin.scanStream({ match: `${redis.prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await admin.unlink(...keys);
      }
    }
    admin?.disconnect();
    await redis?.cleanup();
  });

  it('is one user line whose placeholder password cannot be loaded as it is, limited to the gate-events keys and no channel', async () => {
    const rules = await aclFileRules();
    expect(rules.filter((rule) => rule.startsWith('~') || rule.startsWith('%') || rule === 'allkeys')).toEqual([KEY_PATTERN]);
    expect(rules).toContain('resetchannels');
    expect(rules.filter((rule) => rule.startsWith('&') || rule === 'allchannels' || rule === 'nopass' || rule.startsWith('>'))).toEqual([]);
    expect(rules.filter((rule) => rule.startsWith('+@') || rule === 'allcommands')).toEqual([]);
    // Installed without replacing the placeholder hash, Redis refuses the whole user (and an aclfile, the server start).
    const placeholder = `${user}-placeholder`;
    await expect(admin.call('ACL', 'SETUSER', placeholder, ...rules)).rejects.toThrow(/password hash must be exactly 64 characters/);
    expect(await admin.call('ACL', 'GETUSER', placeholder)).toBeNull();
  });

  it("lets the gate's own publisher add a signed batch to gate-events, again (deduplicated), paused and with a global concurrency", async () => {
    const gate = publisher();
    const batch = signedJobs(identity, gateId, 5);
    await gate.publish(batch);

    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(identity.publicKey).toString('base64url') },
      format: 'jwk',
    });
    for (const sent of batch) {
      const job = await gateEvents.getJob(sent.eventId);
      expect(job).toMatchObject({ id: sent.eventId, name: GATE_EVENT_JOB_NAME, data: sent.data, opts: { attempts: 8 } });
      expect(verify(null, Buffer.from(job!.data.payload), publicKey, Buffer.from(job!.data.signature, 'base64'))).toBe(true);
    }
    expect(await gateEvents.getWaitingCount()).toBe(5);

    // The same batch again (a crash between add and mark): the existing jobs stay, nothing is doubled.
    await gate.publish(batch);
    expect(await gateEvents.getWaitingCount()).toBe(5);

    // The portal paused the queue, or capped it with a global concurrency: the gate still adds (other script paths).
    await gateEvents.pause();
    try {
      await gate.publish(signedJobs(identity, gateId, 2));
    } finally {
      await gateEvents.resume();
    }
    await gateEvents.setGlobalConcurrency(1);
    try {
      await gate.publish(signedJobs(identity, gateId, 2));
    } finally {
      await gateEvents.removeGlobalConcurrency();
    }
    expect(await gateEvents.getWaitingCount()).toBe(9);

    // A new connection (its scripts sent with EVAL first, then EVALSHA) works the same.
    await publisher().publish(signedJobs(identity, gateId, 3));
    expect(await gateEvents.getWaitingCount()).toBe(12);
    // Nothing the publisher does is refused, not even what BullMQ would swallow (the queue meta update).
    expect(await deniedForUser()).toEqual([]);
  });

  it('adds to the database the gate URL names, not to database 0 (SELECT at connect)', async () => {
    const url = new URL(gateUrl);
    url.pathname = `/${otherDatabase}`;
    const batch = signedJobs(identity, gateId, 2);
    await publisher(url).publish(batch);
    const adminUrl = new URL(redis.url);
    adminUrl.pathname = `/${otherDatabase}`;
    const there = new Queue(QueueName.GateEvents, { connection: { url: adminUrl.toString() }, prefix: redis.prefix });
    try {
      expect((await there.getJob(batch[0]!.eventId))?.id).toBe(batch[0]!.eventId);
    } finally {
      await there.close();
    }
    expect(await gateEvents.getJob(batch[0]!.eventId)).toBeUndefined();
  });

  it("refuses the gate user the mail queue's keys, directly and from a script", async () => {
    const mailKey = (name: string) => `${redis.prefix}:mail:${name}`;
    await expect(gateRedis.hget(mailKey('mail-1'), 'data')).rejects.toThrow(NOPERM);
    await expect(gateRedis.hgetall(mailKey('meta'))).rejects.toThrow(NOPERM);
    await expect(gateRedis.lrange(mailKey('wait'), 0, -1)).rejects.toThrow(NOPERM);
    await expect(gateRedis.lpush(mailKey('wait'), 'forged')).rejects.toThrow(NOPERM);
    await expect(gateRedis.hset(mailKey('meta'), 'paused', '1')).rejects.toThrow(NOPERM);
    await expect(gateRedis.eval("return redis.call('HGET', KEYS[1], 'data')", 1, mailKey('mail-1'))).rejects.toThrow(NOPERM);
    // A script naming no keys still cannot reach them: Redis checks each call inside the script.
    await expect(gateRedis.eval(`return redis.call('HGET', '${mailKey('mail-1')}', 'data')`, 0)).rejects.toThrow(SCRIPT_DENIED);
    await expect(gateRedis.eval(`return redis.call('DEL', '${redis.prefix}:gate-events:wait')`, 0)).rejects.toThrow(SCRIPT_DENIED);

    // A BullMQ queue for mail on the gate's connection cannot add either.
    const mailOnGate = new Queue(QueueName.Mail, { connection: gateRedis, prefix: redis.prefix });
    try {
      await expect(mailOnGate.add('one-time-code', { to: 'mallory@example.com', code: '000000' })).rejects.toThrow(NOPERM);
      await expect(mailOnGate.addBulk([{ name: 'one-time-code', data: { to: 'mallory@example.com' } }])).rejects.toThrow(NOPERM);
    } finally {
      await mailOnGate.close();
    }
    expect(await mail.getJobCounts('waiting')).toEqual({ waiting: 1 });
    expect((await mail.getJob('mail-1'))?.data).toEqual({ to: 'alice@example.com', code: '123456' });
  });

  it('refuses the gate user every other command: KEYS, SCAN, DEL, FLUSHALL, FLUSHDB, CONFIG, ACL, pub/sub', async () => {
    const kept = signedJobs(identity, gateId, 1);
    await publisher().publish(kept);
    // The destructive ones are asked of ACL DRYRUN first, so a wrong file fails here instead of wiping the test Redis.
    for (const command of [['flushall'], ['flushdb'], ['config', 'set', 'appendonly', 'no'], ['del', `${redis.prefix}:gate-events:wait`]]) {
      expect(await admin.call('ACL', 'DRYRUN', user, ...command)).toMatch(/no permissions/);
    }
    await expect(gateRedis.flushall()).rejects.toThrow(NOPERM);
    await expect(gateRedis.flushdb()).rejects.toThrow(NOPERM);
    await expect(gateRedis.del(`${redis.prefix}:gate-events:wait`)).rejects.toThrow(NOPERM);
    await expect(gateRedis.keys('*')).rejects.toThrow(NOPERM);
    await expect(gateRedis.scan('0')).rejects.toThrow(NOPERM);
    await expect(gateRedis.config('GET', '*')).rejects.toThrow(NOPERM);
    await expect(gateRedis.call('ACL', 'LIST')).rejects.toThrow(NOPERM);
    await expect(gateRedis.call('SCRIPT', 'FLUSH')).rejects.toThrow(NOPERM);
    await expect(gateRedis.publish(`${redis.prefix}:gate-events`, 'x')).rejects.toThrow(NOPERM);
    expect((await gateEvents.getJob(kept[0]!.eventId))?.id).toBe(kept[0]!.eventId);
  });
});
