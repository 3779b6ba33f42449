import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  createGate,
  inviteGuests,
  newGateDataDir,
  qrFrame,
  startPortalWithActiveAlumnus,
  simulatedGateConfig,
  type GatePortal,
} from '../../../../test/support/gate-fixtures.js';
import type { HttpSession } from '../../../../test/support/http-sessions.js';
import type { TestPortal } from '../../../../test/support/portal-app.js';
import * as wait from '../../../../test/support/wait.js';
import { SimulatedNtpStatus } from '../clock/simulated-ntp-status.adapter.js';
import { gateConfigSchema } from '../config/gate-config.schema.js';
import type { SimulatedPassageSensor } from '../hardware/simulated/simulated-passage-sensor.adapter.js';
import type { SimulatedRelay } from '../hardware/simulated/simulated-relay.adapter.js';
import { GuardPageServer, MANUAL_OPEN_DISABLED_MESSAGE } from '../guard-page/guard-page.server.js';
import { hashGuardPin } from '../guard-page/guard-pin.js';
import type { SyncLog } from '../sync/sync-log.js';
import { GateAgent } from './gate-agent.js';
import type { PassageView, ScanView } from './gate-agent.types.js';

/** This spec's waits give up after 20 s unless one says otherwise (the shared helper's default is 15 s). */
const waitFor = <T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 20_000) =>
  wait.waitFor(what, read, done, timeoutMs);

/** Every line the agent and the guard page log, as JSON text (to prove the PIN is never in it). */
const logLines: string[] = [];
const capturingLog: SyncLog = {
  debug: (details, message) => logLines.push(JSON.stringify({ message, ...details })),
  info: (details, message) => logLines.push(JSON.stringify({ message, ...details })),
  warn: (details, message) => logLines.push(JSON.stringify({ message, ...details })),
  error: (details, message) => logLines.push(JSON.stringify({ message, ...details })),
};

interface GateEventRow {
  event_id: string;
  type: string;
  decision: string | null;
  reason: string | null;
  pass_id: string | null;
  passage: string | null;
  scan_event_id: string | null;
}

describe('Gate agent, whole, in one process: simulated hardware, file frames, real portal', () => {
  let gatePortal: GatePortal;
  let portal: TestPortal;
  let alice: HttpSession;
  let dataDir: string;
  let framesDir: string;
  let agent: GateAgent;
  let dayPassQr: string;
  let dayPassId: string;
  const scans: ScanView[] = [];
  const passages: PassageView[] = [];
  let frameNumber = 0;
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;
  const relay = () => agent.hardware.relay as SimulatedRelay;
  const pulses = () => relay().switches.filter((entry) => entry.on).length;
  const portalEvents = (gateId: string) =>
    query<GateEventRow[]>(
      `SELECT event_id, type, decision, reason, replace(pass_id::text, '-', '') AS pass_id, passage, scan_event_id
         FROM gate_event WHERE gate_id = $1 ORDER BY sequence`,
      [gateId],
    );

  /** Drops a frame into the watched directory, as the demo's "drop a screenshot here" does. */
  async function dropFrame(png: Buffer): Promise<void> {
    frameNumber += 1;
    await writeFile(join(framesDir, `frame-${String(frameNumber).padStart(4, '0')}.png`), png);
  }

  beforeAll(async () => {
    gatePortal = await startPortalWithActiveAlumnus();
    ({ portal, alice } = gatePortal);
    const dayPass = (await alice.agent.get('/api/passes/today').expect(200)).body as { passId: string; qrText: string };
    dayPassQr = dayPass.qrText;
    dayPassId = dayPass.passId.replaceAll('-', '');

    ({ dataDir, framesDir } = await newGateDataDir('gate-agent-'));
    const { code } = await createGate(portal, 'Integration gate');
    const config = gateConfigSchema.parse(
      simulatedGateConfig({
        portalUrl: gatePortal.baseUrl,
        enrollmentCode: code,
        dataDir,
        framesDir,
        repeatHoldMs: 3000,
        passageSensor: { passAfterMs: 300, timeoutMs: 3000 },
      }),
    );
    agent = new GateAgent(config, { log: capturingLog, ntp: new SimulatedNtpStatus(false) });
    agent.events.on('scan', (view) => scans.push(view));
    agent.events.on('passage', (view) => passages.push(view));
  });

  afterAll(async () => {
    await agent?.stop();
    await gatePortal?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts with the relay forced off, enrolls, pulls the bundle and trusts the signed portal time', async () => {
    // The first heartbeat goes out as the phase turns to running, before the folder input has opened: still no fault.
    const inputAtRunning: string[] = [];
    agent.events.on('phase', (phase) => {
      if (phase === 'running') inputAtRunning.push(agent.heartbeatHealth().input);
    });
    await agent.start();
    const startedAt = Date.now();
    expect(inputAtRunning).toEqual(['ok']);
    expect(agent.heartbeatHealth()).toMatchObject({ input: 'ok', relay: 'ok', passageSensor: 'ok', fireInput: 'absent' });
    expect(relay().switches[0]).toMatchObject({ on: false });
    expect(agent.status()).toMatchObject({ phase: 'running', relay: { state: 'off', ok: true }, fireInput: 'absent' });
    const status = await waitFor(
      'the first bundle',
      () => agent.status(),
      (value) => value.bundle.version > 0 && value.clock.trusted,
    );
    expect(status).toMatchObject({ gate: { name: 'Integration gate' }, clock: { source: 'portal' }, bundle: { stale: false } });
    // The portal hears of the bundle and the trusted clock at once (a heartbeat on the change), not a 10 s interval
    // later: the dashboard's tile must not keep the start-up state (version 0, clock not trusted).
    const [heartbeat] = await waitFor(
      'the heartbeat with the bundle and the trusted clock',
      () =>
        query<Array<{ bundle_version: string; clock_trusted: boolean; input: string }>>(
          'SELECT bundle_version, clock_trusted, input FROM gate_status WHERE gate_id = $1',
          [agent.gateId!],
        ),
      (rows) => Number(rows[0]?.bundle_version) === status.bundle.version && rows[0]?.clock_trusted === true,
      8000,
    );
    expect(heartbeat).toMatchObject({ input: 'ok' });
    expect(Date.now() - startedAt).toBeLessThan(8000);
    // The clock's alert became an `alert` event, synced like every other.
    await waitFor(
      'the clock-trusted alert in gate_event',
      () => portalEvents(agent.gateId!),
      (rows) => rows.some((row) => row.type === 'alert' && row.reason === 'clock-trusted'),
    );
  });

  it('admits a real issued pass read from a frame: granted → pulsed → passed, usage recorded, events in gate_event', async () => {
    await dropFrame(await qrFrame(dayPassQr));
    const scan = await waitFor(
      'the scan',
      () => scans,
      (list) => list.length === 1,
    );
    expect(scan[0]).toMatchObject({ decision: 'granted', reason: null, via: 'camera', passKind: 'alumni-day', name: 'Chan Tai Man' });
    expect(scan[0]!.photo).toMatch(/^data:image\/jpeg;base64,/);
    const scanEventId = scan[0]!.eventId!;
    const [passage] = await waitFor(
      'the passage',
      () => passages,
      (list) => list.length === 1,
    );
    expect(passage).toMatchObject({ scanEventId, outcome: 'passed' });
    // The relay went on once and off again (bounded pulse); the usage changed only on the passage.
    await waitFor(
      'the relay off',
      () => relay().state(),
      (state) => state === 'off',
    );
    expect(relay().switches.map((entry) => entry.on)).toEqual([false, true, false]);
    expect(agent.store.usage.get(dayPassId)).toMatchObject({ passages: 1 });

    const rows = await waitFor(
      'scan and passage in gate_event',
      () => portalEvents(agent.gateId!),
      (list) => list.filter((row) => row.type === 'scan' || row.type === 'passage').length >= 2,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event_id: scanEventId, type: 'scan', decision: 'granted', reason: null, pass_id: dayPassId }),
        expect.objectContaining({ type: 'passage', passage: 'passed', scan_event_id: scanEventId, pass_id: dayPassId }),
      ]),
    );
    expect(agent.status().outbox.pending).toBe(0);
  });

  it('denies a revoked (cancelled) guest pass with reason revoked and never moves the relay', async () => {
    const [guest] = await inviteGuests(alice, ['Lee Siu Lung']);
    await alice.agent.post(`/api/guest-passes/${guest!.id}/cancel`).set('X-CSRF-Token', alice.csrf).expect(200);
    await agent.sync!.puller.pullOnce();
    expect(agent.sync!.holder.current()!.isRevoked(guest!.id.replaceAll('-', ''))).toBe(true);
    const pulsesBefore = pulses();
    const scansBefore = scans.length;

    await dropFrame(await qrFrame(guest!.qrText));
    const [denied] = (
      await waitFor(
        'the denial',
        () => scans.slice(scansBefore),
        (list) => list.length === 1,
      )
    ).slice(-1);
    expect(denied).toMatchObject({ decision: 'denied', reason: 'revoked', passKind: 'guest' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pulses()).toBe(pulsesBefore);
    const rows = await waitFor(
      'the denial in gate_event',
      () => portalEvents(agent.gateId!),
      (list) => list.some((row) => row.event_id === denied!.eventId),
    );
    expect(rows.find((row) => row.event_id === denied!.eventId)).toMatchObject({ type: 'scan', decision: 'denied', reason: 'revoked' });
  });

  it('decides the same QR held in front of the camera for 30 frames once', async () => {
    const [guest] = await inviteGuests(alice, ['Wong Ka Yan']);
    await agent.sync!.puller.pullOnce();
    const frame = await qrFrame(guest!.qrText);
    const scansBefore = scans.length;
    const pulsesBefore = pulses();
    const framesBefore = agentFrames();
    for (let index = 0; index < 30; index++) {
      await dropFrame(frame);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await waitFor('30 frames read', agentFrames, (count) => count >= framesBefore + 30);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const decided = scans.slice(scansBefore);
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({ decision: 'granted', passKind: 'guest', name: 'Wong Ka Yan', hostName: 'Chan Tai Man' });
    expect(pulses()).toBe(pulsesBefore + 1);
    const rows = await waitFor(
      'the one scan in gate_event',
      () => portalEvents(agent.gateId!),
      (list) => list.some((row) => row.event_id === decided[0]!.eventId),
    );
    expect(rows.filter((row) => row.type === 'scan' && row.pass_id === guest!.id.replaceAll('-', ''))).toHaveLength(1);
  });

  it('records a manual open with the guard’s name, and a forced passage as an alarm', async () => {
    const { eventId } = agent.manualOpen('Guard Lam');
    await waitFor(
      'the manual open passage',
      () => passages,
      (list) => list.some((view) => view.scanEventId === eventId && view.outcome === 'passed'),
    );
    // No grant is open now: a rotation is someone pushing through.
    await waitFor(
      'no open passage',
      () => agent.status().passagesOpen,
      (open) => open === 0,
    );
    (agent.hardware.sensor as SimulatedPassageSensor).rotate();
    const rows = await waitFor(
      'manual-open and forced-passage in gate_event',
      () =>
        query<Array<{ type: string; operator: string | null }>>('SELECT type, operator FROM gate_event WHERE gate_id = $1', [agent.gateId]),
      (list) => list.some((row) => row.type === 'forced-passage') && list.some((row) => row.type === 'manual-open'),
    );
    expect(rows.find((row) => row.type === 'manual-open')).toMatchObject({ operator: 'Guard Lam' });
  });

  it('guard page: manual open needs the guard PIN; a wrong one is a manual-open-refused alert, rate limited; never logged', async () => {
    const PIN = '739146';
    const disabled = new GuardPageServer({ host: '127.0.0.1', port: 0, agent, log: capturingLog });
    const guard = new GuardPageServer({
      host: '127.0.0.1',
      port: 0,
      agent,
      log: capturingLog,
      manualOpenPinHash: await hashGuardPin(PIN, { N: 1024, r: 8, p: 1 }),
      pinAttemptLimits: { maxFailures: 3, windowMs: 60_000, lockoutMs: 60_000 },
    });
    const disabledUrl = await disabled.start();
    const url = await guard.start();
    const open = (base: string, body: unknown) =>
      fetch(`${base}api/manual-open`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    try {
      // No hash configured: the page is told, and the server refuses even the right PIN.
      await expect((await fetch(`${disabledUrl}api/manual-open`)).json()).resolves.toEqual({
        enabled: false,
        lockedForSeconds: 0,
        message: MANUAL_OPEN_DISABLED_MESSAGE,
      });
      const refusedDisabled = await open(disabledUrl, { operator: 'Guard Lam', pin: PIN });
      expect(refusedDisabled.status).toBe(403);
      expect(((await refusedDisabled.json()) as { message: string }).message).toMatch(/no guard PIN is configured.*manualOpenPinHash/);
      await expect((await fetch(`${url}api/manual-open`)).json()).resolves.toMatchObject({ enabled: true, lockedForSeconds: 0 });

      // A missing PIN is a usage mistake (400, not counted); a wrong one is refused and recorded.
      const noPin = await open(url, { operator: 'Guard Lam' });
      expect(noPin.status).toBe(400);
      expect(((await noPin.json()) as { message: string }).message).toMatch(/expected pin/);
      // A name that would display as something else on the security pages is a usage mistake too.
      for (const operator of ['Guard \u202Emal', 'Guard\u200BLam', 'Guard\u2028Lam']) {
        const disguised = await open(url, { operator, pin: PIN });
        expect([operator, disguised.status]).toEqual([operator, 400]);
        expect(((await disguised.json()) as { message: string }).message).toMatch(/without control characters/);
      }
      const pulsesBefore = pulses();
      const wrong = await open(url, { operator: 'Guard Chow', pin: '000000' });
      expect(wrong.status).toBe(403);
      expect(((await wrong.json()) as { message: string }).message).toBe('wrong PIN; the gate stays shut');

      // The right PIN opens, recorded with the name.
      const right = await open(url, { operator: 'Guard Lam', pin: PIN });
      expect(right.status).toBe(201);
      const { eventId } = (await right.json()) as { eventId: string };
      await waitFor(
        'the PIN-checked manual open passage',
        () => passages,
        (list) => list.some((view) => view.scanEventId === eventId && view.outcome === 'passed'),
      );
      expect(pulses()).toBe(pulsesBefore + 1);

      // Three wrong PINs within the minute lock manual open: even the right PIN is refused, unchecked.
      expect((await open(url, { operator: 'Guard Chow', pin: '111111' })).status).toBe(403);
      expect((await open(url, { operator: 'Guard Chow', pin: '222222' })).status).toBe(403);
      const lockingOne = await open(url, { operator: 'Guard Chow', pin: '333333' });
      expect(((await lockingOne.json()) as { message: string }).message).toMatch(
        /too many wrong PINs: manual open is refused for 60 seconds/,
      );
      const locked = await open(url, { operator: 'Guard Lam', pin: PIN });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
      expect(pulses()).toBe(pulsesBefore + 1);

      const rows = await waitFor(
        'the refusals and the manual open in gate_event',
        () =>
          query<Array<{ event_id: string; type: string; reason: string | null; operator: string | null; detail: string | null }>>(
            `SELECT event_id, type, reason, operator, detail FROM gate_event
              WHERE gate_id = $1 AND (reason = 'manual-open-refused' OR event_id = $2) ORDER BY sequence`,
            [agent.gateId, eventId],
          ),
        (list) => list.length === 5,
      );
      expect(rows.map((row) => [row.type, row.reason, row.operator])).toEqual([
        ['alert', 'manual-open-refused', 'Guard Chow'],
        ['manual-open', null, 'Guard Lam'],
        ['alert', 'manual-open-refused', 'Guard Chow'],
        ['alert', 'manual-open-refused', 'Guard Chow'],
        ['alert', 'manual-open-refused', 'Guard Chow'],
      ]);
      expect(rows[4]!.detail).toMatch(/manual open locked/);
      // Neither the right PIN nor the wrong ones are in any event or log line.
      for (const secret of [PIN, '000000', '111111', '222222', '333333']) {
        expect(JSON.stringify(rows)).not.toContain(secret);
        expect(logLines.join('\n')).not.toContain(secret);
      }
      expect(logLines.join('\n')).toContain('manual open refused');
    } finally {
      await guard.stop();
      await disabled.stop();
    }
  });

  function agentFrames(): number {
    return Number(/(\d+) frames/.exec(agent.status().input.detail)?.[1] ?? 0);
  }
});
