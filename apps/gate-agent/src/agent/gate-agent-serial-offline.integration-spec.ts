import { rename, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { freePort } from '../../../../test/support/free-port.js';
import {
  createGate,
  inviteGuests,
  newGateDataDir,
  qrFrame as plainQrFrame,
  startPortalWithActiveAlumnus,
  type GatePortal,
} from '../../../../test/support/gate-fixtures.js';
import type { HttpSession } from '../../../../test/support/http-sessions.js';
import type { TestPortal } from '../../../../test/support/portal-app.js';
import { openPtyPair, type PtyPair } from '../../../../test/support/pty-pair.js';
import * as wait from '../../../../test/support/wait.js';
import { DEFAULT_GATE_POLICY, GatesService } from '../../../portal/src/gates/gates.service.js';
import { SimulatedNtpStatus } from '../clock/simulated-ntp-status.adapter.js';
import { gateConfigSchema } from '../config/gate-config.schema.js';
import { DEFAULT_RELAY_BOARDS_DIR, loadRelayBoardTable } from '../hardware/serial-relay/relay-board-table.js';
import { silentSyncLog } from '../sync/sync-log.js';
import { RelayBoardEmulator, type EmulatorRecord } from '../tools/relay-emulator/relay-board-emulator.js';
import { GateAgent } from './gate-agent.js';
import type { ScanView } from './gate-agent.types.js';

// The "Tests that must exist", end to end in one process: passes issued by the real portal, rendered with
// qrcode into camera-like frames (also rotated, scaled down, low contrast, JPEG-compressed), read by the file source,
// decided, and driving the SERIAL relay adapter over a real socat pty pair to the relay-board emulator, which checks
// the bytes (LCUS-1 frames with their checksum). Then offline: the portal and the gates' Redis cut off (TCP proxies
// closed), the gate still admits from its cached bundle and the outbox fills; once both come back every event lands
// in gate_event exactly once.

const PULSE_MS = 400;

type FrameVariant = 'plain' | 'rotated' | 'scaled-down' | 'low-contrast' | 'jpeg';

/** What a camera would see of the pass: its QR code on a 640×480 frame, in one of the ways a camera degrades it. */
async function qrFrame(qrText: string, variant: FrameVariant): Promise<{ bytes: Buffer; extension: string }> {
  const canvas = (background: string) => sharp({ create: { width: 640, height: 480, channels: 3, background } });
  switch (variant) {
    case 'plain':
      return { bytes: await plainQrFrame(qrText), extension: 'png' };
    case 'jpeg':
      // The plain frame as a heavily compressed JPEG, as a cheap webcam's MJPEG stream delivers.
      return {
        bytes: await sharp(await plainQrFrame(qrText))
          .jpeg({ quality: 30 })
          .toBuffer(),
        extension: 'jpg',
      };
    case 'rotated': {
      const qr = await QRCode.toBuffer(qrText, { type: 'png', width: 320, margin: 2, errorCorrectionLevel: 'M' });
      const tilted = await sharp(qr).rotate(23, { background: '#ffffff' }).resize(440, 440, { fit: 'inside' }).png().toBuffer();
      const { width = 0, height = 0 } = await sharp(tilted).metadata();
      const frame = canvas('#ffffff').composite([
        { input: tilted, left: Math.round((640 - width) / 2), top: Math.round((480 - height) / 2) },
      ]);
      return { bytes: await frame.png().toBuffer(), extension: 'png' };
    }
    case 'scaled-down': {
      // Held far from the camera: the code fills about a third of the frame's height.
      const qr = await QRCode.toBuffer(qrText, { type: 'png', width: 400, margin: 2, errorCorrectionLevel: 'M' });
      const small = await sharp(qr).resize(170, 170).png().toBuffer();
      return {
        bytes: await canvas('#ffffff')
          .composite([{ input: small, left: 400, top: 250 }])
          .png()
          .toBuffer(),
        extension: 'png',
      };
    }
    case 'low-contrast': {
      // A phone screen turned down in daylight: dark grey on light grey, 40 levels apart.
      const qr = await QRCode.toBuffer(qrText, {
        type: 'png',
        width: 400,
        margin: 2,
        errorCorrectionLevel: 'M',
        color: { dark: '#6e6e6eff', light: '#969696ff' },
      });
      return {
        bytes: await canvas('#969696')
          .composite([{ input: qr, left: 120, top: 40 }])
          .png()
          .toBuffer(),
        extension: 'png',
      };
    }
  }
}

/** This spec's waits give up after 20 s unless one says otherwise (the shared helper's default is 15 s). */
const waitFor = <T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 20_000) =>
  wait.waitFor(what, read, done, timeoutMs);

/**
 * A TCP forwarder on a fixed 127.0.0.1 port to `target`: cut() closes the listener and every connection (the far
 * side is unreachable: connection refused), restore() listens again on the same port.
 */
class TcpCable {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async restore(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const switchesOf = (records: readonly EmulatorRecord[]) => records.flatMap((record) => (record.kind === 'switch' ? [record] : []));

/**
 * The relay's changes of state as the board saw them, with the frame that made each. The adapter also sends an idle
 * "off" every couple of seconds as its heartbeat (LCUS-1 has no status query); those change nothing and are left out,
 * so a grant is exactly [on, off] and a denial is [].
 */
function transitions(records: readonly EmulatorRecord[], wasOn = false): Array<{ on: boolean; bytes: string }> {
  const changes: Array<{ on: boolean; bytes: string }> = [];
  let on = wasOn;
  for (const record of switchesOf(records)) {
    if (record.on === on) continue;
    on = record.on;
    changes.push({ on: record.on, bytes: record.bytes });
  }
  return changes;
}

describe('Gate agent: rendered passes → file source → decision → serial relay over a pty to the board emulator; offline', () => {
  let gatePortal: GatePortal;
  let portal: TestPortal;
  let alice: HttpSession;
  let portalCable: TcpCable;
  let redisCable: TcpCable;
  let pty: PtyPair;
  let emulator: RelayBoardEmulator;
  let dataDir: string;
  let framesDir: string;
  let agent: GateAgent;
  let dayPassQr: string;
  const scans: ScanView[] = [];
  let frameNumber = 0;
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;

  /** Drops a frame into the watched directory (written aside, then renamed in: the source never sees half a file). */
  async function dropFrame(frame: { bytes: Buffer; extension: string }): Promise<void> {
    frameNumber += 1;
    const name = `frame-${String(frameNumber).padStart(4, '0')}.${frame.extension}`;
    const staging = join(dataDir, `staging-${name}`);
    await writeFile(staging, frame.bytes);
    await rename(staging, join(framesDir, name));
  }

  /** Drops the frame and waits for its one decision. */
  async function scanFrame(frame: { bytes: Buffer; extension: string }): Promise<ScanView> {
    const before = scans.length;
    await dropFrame(frame);
    const [view] = await waitFor(
      `the decision on frame ${frameNumber}`,
      () => scans.slice(before),
      (list) => list.length >= 1,
    );
    return view!;
  }

  /**
   * The board's relay changes since record `from`, once it has seen `grants` pulses end (or 5 s passed), plus a
   * moment for anything extra to show up.
   */
  async function transitionsSince(from: number, grants: number): Promise<Array<{ on: boolean; bytes: string }>> {
    await waitFor(
      `the board to see ${grants} pulse(s) end`,
      () => transitions(emulator.records.slice(from)),
      (changes) => changes.filter((change) => !change.on).length >= grants,
      5000,
    ).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, PULSE_MS * 2));
    return transitions(emulator.records.slice(from));
  }

  beforeAll(async () => {
    const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    redisCable = new TcpCable(await freePort(), { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    await redisCable.restore();
    const gateRedisUrl = new URL(redisUrl);
    gateRedisUrl.hostname = '127.0.0.1';
    gateRedisUrl.port = String(redisCable.port);
    // The gates are told (at enrollment) to reach Redis through the cable; the portal itself uses REDIS_URL directly.
    gatePortal = await startPortalWithActiveAlumnus({ GATE_REDIS_URL: gateRedisUrl.toString() });
    ({ portal, alice } = gatePortal);
    portalCable = new TcpCable(await freePort(), {
      host: '127.0.0.1',
      port: (portal.app.getHttpServer().address() as AddressInfo).port,
    });
    await portalCable.restore();
    dayPassQr = ((await alice.agent.get('/api/passes/today').expect(200)).body as { qrText: string }).qrText;

    pty = await openPtyPair();
    emulator = new RelayBoardEmulator({ path: pty.b, table: loadRelayBoardTable('lcus-1', DEFAULT_RELAY_BOARDS_DIR) });
    await emulator.open();

    ({ dataDir, framesDir } = await newGateDataDir('gate-agent-serial-'));
    const { code, gateId } = await createGate(portal, 'Serial relay gate');
    // The same day pass is admitted again and again (each rendering of it): no re-entry wait at this gate (the
    // longer of the bundle's and the local window applies, so both are 0).
    await portal.app.get(GatesService).setPolicy(gateId, { ...DEFAULT_GATE_POLICY, reEntryWindowSeconds: 0 });
    const config = gateConfigSchema.parse({
      portal: { url: `http://127.0.0.1:${portalCable.port}`, enrollmentCode: code, requestTimeoutMs: 2000 },
      storage: { dataDir },
      input: { type: 'file', path: framesDir },
      decoder: { engine: 'zxing-wasm' },
      scan: { repeatHoldMs: 0 },
      relay: { type: 'serial', path: pty.a, board: 'lcus-1', channel: 1, baudRate: 9600, pulseMs: PULSE_MS },
      passageSensor: { type: 'none' },
      indicator: { type: 'none' },
      policy: { reEntryWindowSeconds: 0 },
      clock: { trustNtp: false },
      sync: { backoff: { minSeconds: 1, maxSeconds: 2 }, heartbeatIntervalSeconds: 10, bundleIntervalSeconds: 60 },
    });
    agent = new GateAgent(config, { log: silentSyncLog, ntp: new SimulatedNtpStatus(false) });
    agent.events.on('scan', (view) => scans.push(view));
    await agent.start();
    await waitFor(
      'the first bundle and a trusted clock',
      () => agent.status(),
      (status) => status.bundle.version > 0 && status.clock.trusted,
    );
  });

  afterAll(async () => {
    await agent?.stop();
    await emulator?.close();
    await pty?.close();
    await portalCable?.cut();
    await redisCable?.cut();
    await gatePortal?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('drove the relay off at start: the board saw only well-formed off frames (A0 01 00 A1)', () => {
    const seen = switchesOf(emulator.records);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen[0]).toMatchObject({ on: false, bytes: 'a00100a1', cause: 'command' });
    expect(transitions(emulator.records)).toEqual([]);
    expect(emulator.records.filter((record) => record.kind !== 'switch')).toEqual([]);
  });

  it.each<FrameVariant>(['plain', 'rotated', 'scaled-down', 'low-contrast', 'jpeg'])(
    'admits the issued pass from a %s frame: the board sees on (A0 01 01 A2) then off',
    async (variant) => {
      const from = emulator.records.length;
      const view = await scanFrame(await qrFrame(dayPassQr, variant));
      expect(view).toMatchObject({ decision: 'granted', reason: null, via: 'camera', passKind: 'alumni-day', name: 'Chan Tai Man' });
      expect(await transitionsSince(from, 1)).toEqual([
        { on: true, bytes: 'a00101a2' },
        { on: false, bytes: 'a00100a1' },
      ]);
      const since = switchesOf(emulator.records.slice(from));
      const onIndex = since.findIndex((record) => record.on);
      const [on, off] = [since[onIndex], since[onIndex + 1]];
      // A bounded pulse: off follows on after relay.pulseMs, and it is never held open. Both times are when the
      // emulator read the frame through socat: on a busy machine the on can be read ~100 ms late (seen in CI), so the
      // lower bound only shows the relay was held rather than switched straight off.
      expect(off!.monotonicMs - on!.monotonicMs).toBeGreaterThanOrEqual(PULSE_MS / 2);
      expect(off!.monotonicMs - on!.monotonicMs).toBeLessThan(PULSE_MS + 1000);
      expect(emulator.records.filter((record) => record.kind === 'bad-checksum' || record.kind === 'unknown-bytes')).toEqual([]);
    },
  );

  it('sends the board nothing for denials: a code that is not a pass, and a cancelled guest pass', async () => {
    const [guest] = await inviteGuests(alice, ['Lee Siu Lung']);
    await alice.agent.post(`/api/guest-passes/${guest!.id}/cancel`).set('X-CSRF-Token', alice.csrf).expect(200);
    await agent.sync!.puller.pullOnce();
    const from = emulator.records.length;

    expect(await scanFrame(await qrFrame('HELLO CAMPUS', 'plain'))).toMatchObject({ decision: 'denied', reason: 'malformed' });
    expect(await scanFrame(await qrFrame(guest!.qrText, 'rotated'))).toMatchObject({
      decision: 'denied',
      reason: 'revoked',
      passKind: 'guest',
    });
    await new Promise((resolve) => setTimeout(resolve, PULSE_MS * 3));
    const seen = switchesOf(emulator.records.slice(from));
    expect(seen.filter((record) => record.on)).toEqual([]);
    expect(transitions(emulator.records.slice(from))).toEqual([]);
    expect(agent.hardware.relay.state()).toBe('off');
  });

  it('offline (portal and Redis unreachable) still admits from the cached bundle and fills the outbox; back online, each event lands once', async () => {
    await waitFor(
      'the outbox drained before the outage',
      () => agent.status().outbox.pending,
      (pending) => pending === 0,
    );
    await portalCable.cut();
    await redisCable.cut();
    const scansBefore = scans.length;
    const from = emulator.records.length;

    const offline: ScanView[] = [];
    for (const variant of ['plain', 'jpeg', 'low-contrast'] as const) offline.push(await scanFrame(await qrFrame(dayPassQr, variant)));
    expect(offline.map((view) => view.decision)).toEqual(['granted', 'granted', 'granted']);
    expect(await transitionsSince(from, 3)).toEqual([
      { on: true, bytes: 'a00101a2' },
      { on: false, bytes: 'a00100a1' },
      { on: true, bytes: 'a00101a2' },
      { on: false, bytes: 'a00100a1' },
      { on: true, bytes: 'a00101a2' },
      { on: false, bytes: 'a00100a1' },
    ]);
    // Scans and their passage outcomes wait in the outbox while the drain keeps failing (it retries with backoff).
    const stuck = await waitFor(
      'the outbox to hold the offline events',
      () => agent.status(),
      (status) => status.outbox.pending >= 6 && status.outbox.lastError !== null,
    );
    expect(stuck.outbox.oldestPendingAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(agent.status().outbox.pending).toBeGreaterThanOrEqual(6);
    const offlineIds = scans.slice(scansBefore).map((view) => view.eventId!);
    const countIn = async () =>
      query<Array<{ event_id: string; copies: number }>>(
        'SELECT event_id, count(*)::int AS copies FROM gate_event WHERE event_id = ANY($1::uuid[]) GROUP BY event_id',
        [offlineIds],
      );
    expect(await countIn()).toEqual([]);

    await redisCable.restore();
    await portalCable.restore();
    await waitFor(
      'the outbox drained after the outage',
      () => agent.status().outbox.pending,
      (pending) => pending === 0,
      30_000,
    );
    const landed = await waitFor('the offline scans in gate_event', countIn, (rows) => rows.length === offlineIds.length);
    expect(landed.every((row) => row.copies === 1)).toBe(true);
    // Every event this gate ever recorded is in gate_event exactly once (the passages of the offline grants too).
    const duplicates = await query<Array<{ event_id: string }>>(
      'SELECT event_id FROM gate_event WHERE gate_id = $1 GROUP BY event_id HAVING count(*) > 1',
      [agent.gateId],
    );
    expect(duplicates).toEqual([]);
    const passagesOffline = await query<Array<{ scan_event_id: string }>>(
      "SELECT scan_event_id FROM gate_event WHERE gate_id = $1 AND type = 'passage' AND scan_event_id = ANY($2::uuid[])",
      [agent.gateId, offlineIds],
    );
    expect(passagesOffline).toHaveLength(offlineIds.length);
    await waitFor(
      'the gate online again',
      () => agent.status().online,
      (online) => online,
      30_000,
    );
  });
});
