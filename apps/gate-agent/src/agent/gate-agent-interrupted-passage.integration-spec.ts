import { rm } from 'node:fs/promises';
import type { GateEvent } from '@campuspass/contracts';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import {
  createGate,
  inviteGuests,
  newGateDataDir,
  simulatedGateConfig,
  startPortalWithActiveAlumnus,
  type GatePortal,
} from '../../../../test/support/gate-fixtures.js';
import type { TestPortal } from '../../../../test/support/portal-app.js';
import * as wait from '../../../../test/support/wait.js';
import { SimulatedNtpStatus } from '../clock/simulated-ntp-status.adapter.js';
import { gateConfigSchema, type GateConfig } from '../config/gate-config.schema.js';
import { gateDatabasePath } from '../store/sqlite/sqlite-gate-store.js';
import type { SyncLog } from '../sync/sync-log.js';
import { GateAgent } from './gate-agent.js';

const waitFor = <T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 20_000) =>
  wait.waitFor(what, read, done, timeoutMs);

const logLines: Array<{ message: string; [key: string]: unknown }> = [];
const capturingLog: SyncLog = {
  debug: (details, message) => logLines.push({ message, ...details }),
  info: (details, message) => logLines.push({ message, ...details }),
  warn: (details, message) => logLines.push({ message, ...details }),
  error: (details, message) => logLines.push({ message, ...details }),
};

describe('Gate agent cut short between a grant and its passage (restart on the same data dir)', () => {
  let gatePortal: GatePortal;
  let portal: TestPortal;
  let dataDir: string;
  let config: GateConfig;
  let dayPassQr: string;
  let dayPassId: string;
  const agents: GateAgent[] = [];
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;

  /** Every event in the gate's SQLite outbox, delivered or not, read past the agent. */
  function outboxEvents(): GateEvent[] {
    const db = new Database(gateDatabasePath(dataDir), { readonly: true });
    try {
      return db
        .prepare<[], { event_json: string }>('SELECT event_json FROM outbox ORDER BY sequence')
        .all()
        .map((row) => JSON.parse(row.event_json) as GateEvent);
    } finally {
      db.close();
    }
  }

  async function startAgent(): Promise<GateAgent> {
    const agent = new GateAgent(config, { log: capturingLog, ntp: new SimulatedNtpStatus(false) });
    agents.push(agent);
    await agent.start();
    await waitFor(
      'the bundle and a trusted clock',
      () => agent.status(),
      (status) => status.bundle.version > 0 && status.clock.trusted,
    );
    return agent;
  }

  beforeAll(async () => {
    gatePortal = await startPortalWithActiveAlumnus();
    portal = gatePortal.portal;
    const dayPass = (await gatePortal.alice.agent.get('/api/passes/today').expect(200)).body as { passId: string; qrText: string };
    dayPassQr = dayPass.qrText;
    dayPassId = dayPass.passId.replaceAll('-', '');
    let framesDir: string;
    ({ dataDir, framesDir } = await newGateDataDir('gate-agent-interrupted-'));
    const { code } = await createGate(portal, 'Interrupted gate');
    config = gateConfigSchema.parse(
      simulatedGateConfig({
        portalUrl: gatePortal.baseUrl,
        enrollmentCode: code,
        dataDir,
        framesDir,
        // Nobody walks through and the timeout is far off: the passage is still open when the agent dies.
        passageSensor: { passAfterMs: 120_000, timeoutMs: 120_000 },
      }),
    );
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await gatePortal?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('records exactly one interrupted passage for the grant after the restart, syncs it, and leaves the pass unused', async () => {
    const first = await startAgent();
    const view = first.handleScan({ text: dayPassQr, via: 'camera' });
    expect(view).toMatchObject({ decision: 'granted' });
    const scanEventId = view.eventId!;
    await waitFor(
      'the relay pulsed and the passage waiting for the sensor',
      () => first.status(),
      (status) => status.passagesOpen === 1 && status.relay.state === 'off',
    );
    await first.stopAbruptly();
    // As after SIGKILL: the grant is on disk, its passage is not.
    expect(outboxEvents().filter((event) => event.scanEventId === scanEventId)).toEqual([]);

    const second = await startAgent();
    const passages = outboxEvents().filter((event) => event.type === 'passage' && event.scanEventId === scanEventId);
    expect(passages).toEqual([
      expect.objectContaining({
        passage: 'interrupted',
        pass: expect.objectContaining({ passId: dayPassId }),
        detail: expect.stringMatching(/^the gate agent stopped before this passage ended \(restarted at \d{4}-\d\d-\d\dT[\d:.]+Z\)$/),
      }),
    ]);
    expect(logLines).toContainEqual(
      expect.objectContaining({ message: 'open grants left by the last stop recorded as interrupted passages', count: 1 }),
    );
    // Fail secure: the person may have gone through, so the pass counts as used at its grant time.
    expect(second.store.usage.get(dayPassId)).toMatchObject({ passages: 1 });

    const rows = await waitFor(
      'the interrupted passage in gate_event',
      () =>
        query<Array<{ event_id: string; passage: string; pass_id: string | null }>>(
          `SELECT event_id, passage, replace(pass_id::text, '-', '') AS pass_id FROM gate_event
            WHERE gate_id = $1 AND type = 'passage' AND scan_event_id = $2`,
          [second.gateId, scanEventId],
        ),
      (list) => list.length > 0,
    );
    expect(rows).toEqual([{ event_id: passages[0]!.eventId, passage: 'interrupted', pass_id: dayPassId }]);
    await waitFor(
      'the outbox drained',
      () => second.status().outbox.pending,
      (pending) => pending === 0,
    );

    // The day pass is not admitted again inside its re-entry window.
    expect(second.handleScan({ text: dayPassQr, via: 'camera' })).toMatchObject({ decision: 'denied', reason: 're-entry-window' });
    // A graceful stop ends an open passage as not passed: the next start has nothing to record.
    const [guest] = await inviteGuests(gatePortal.alice, ['Yip Man Kit']);
    const again = second.handleScan({ text: guest!.qrText, via: 'camera' });
    expect(again).toMatchObject({ decision: 'granted' });
    await second.stop();
    const third = await startAgent();
    const forScans = outboxEvents().filter((event) => event.type === 'passage');
    expect(forScans.map((event) => [event.scanEventId, event.passage])).toEqual([
      [scanEventId, 'interrupted'],
      [again.eventId, 'not-passed'],
    ]);
    expect(third.store.outbox.openGrants()).toEqual([]);
  });
});
