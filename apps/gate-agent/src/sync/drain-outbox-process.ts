import { parseArgs } from 'node:util';
import { IdentityStore } from '../identity/identity-store.js';
import { outboxLimitsFromConfig, SqliteGateStore } from '../store/sqlite/sqlite-gate-store.js';
import { BullmqGateEventPublisher } from './bullmq-gate-event-publisher.js';
import type { GateEventPublisher } from './gate-event-publisher.port.js';
import { OutboxDrainer } from './outbox-drainer.js';

// Drains an enrolled gate's outbox once and exits; prints "delivered <total>" after each batch. The sync
// integration test kills it with SIGKILL mid-drain to check that a restart re-sends and the portal counts once.
// --hold-ms N: after the queue took a batch, print "queued <n>" and wait N ms before marking it delivered, so a kill
// lands exactly in the window where the portal has events the outbox still holds as pending.
//   node apps/gate-agent/dist/sync/drain-outbox-process.js --data-dir <dir> [--batch N] [--hold-ms N]

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, batch: { type: 'string' }, 'hold-ms': { type: 'string' } } });
const dataDir = values['data-dir'];
if (dataDir === undefined) {
  process.stderr.write('usage: drain-outbox-process --data-dir <enrolled gate data dir> [--batch N]\n');
  process.exit(64);
}
const identities = new IdentityStore(dataDir);
const identity = await identities.loadIdentity();
const enrollment = identity && (await identities.loadEnrollment(identity));
if (!identity || !enrollment) {
  process.stderr.write(`${dataDir} holds no enrolled gate\n`);
  process.exit(65);
}
const store = new SqliteGateStore({
  filePath: `${dataDir}/gate.sqlite`,
  outbox: outboxLimitsFromConfig({ maxEvents: 500_000, retentionDays: 30, alertThresholdPercent: 80 }),
});
const queue = new BullmqGateEventPublisher({ ...enrollment.eventQueue, timeoutMs: 5000 });
const holdMs = Number(values['hold-ms'] ?? 0);
const publisher: GateEventPublisher = {
  async publish(jobs) {
    await queue.publish(jobs);
    if (holdMs > 0) {
      process.stdout.write(`queued ${jobs.length}\n`);
      await new Promise((resolve) => setTimeout(resolve, holdMs));
    }
  },
  close: () => queue.close(),
};
const drainer = new OutboxDrainer({
  outbox: store.outbox,
  publisher,
  identity,
  gateId: enrollment.gateId,
  batchSize: Number(values.batch ?? 50),
  backoff: { minSeconds: 1, maxSeconds: 2, jitterPercent: 20 },
});
for (;;) {
  const sent = await drainer.drainOnce();
  if (sent === 0) break;
  process.stdout.write(`delivered ${drainer.status().delivered}\n`);
}
await publisher.close();
store.close();
