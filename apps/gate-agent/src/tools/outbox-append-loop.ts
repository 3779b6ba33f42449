import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GATE_EVENT_FORMAT } from '@campuspass/contracts';
import { SqliteGateStore } from '../store/sqlite/sqlite-gate-store.js';

// Appends alert events to a gate database as fast as it can and prints each committed sequence number on its own
// line, after the commit returned. The durability test kills this process with SIGKILL mid-stream and checks that
// every printed sequence is still in the file.
//   node apps/gate-agent/dist/tools/outbox-append-loop.js --db /tmp/x/gate.sqlite --gate <uuid> [--count N]

const { values } = parseArgs({
  options: { db: { type: 'string' }, gate: { type: 'string' }, count: { type: 'string' } },
});
if (values.db === undefined || values.gate === undefined) {
  process.stderr.write('usage: outbox-append-loop --db <file> --gate <gate uuid> [--count N]\n');
  process.exit(64);
}
const limit = values.count === undefined ? Number.POSITIVE_INFINITY : Number(values.count);
const store = new SqliteGateStore({
  filePath: values.db,
  outbox: { maxEvents: 10_000_000, retentionDays: 30, alertThreshold: 0.8 },
});
for (let written = 0; written < limit; written += 1) {
  const event = store.outbox.append({
    format: GATE_EVENT_FORMAT,
    eventId: randomUUID(),
    gateId: values.gate,
    type: 'alert',
    occurredAt: new Date().toISOString(),
    clockTrusted: true,
    bundleVersion: 0,
    decision: null,
    reason: 'durability-test',
    pass: null,
    passage: null,
    scanEventId: null,
    operator: null,
    detail: null,
  });
  // writeSync: the line is out of the process before the next append, so what the parent saw is what was committed.
  writeSync(1, `${event.sequence}\n`);
}
store.close();
