import { mkdir, mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { campusDayOf, campusDayToIsoDate } from '@campuspass/pass-token';
import QRCode from 'qrcode';
import type { GateEvent } from '@campuspass/contracts';
import type { Queue } from 'bullmq';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { GateAdminService } from '../../apps/portal/src/gates/gate-admin.service.js';
import { GatesService } from '../../apps/portal/src/gates/gates.service.js';
import { KeysService } from '../../apps/portal/src/keys/keys.service.js';
import { activateEcard, guestPassPurpose, seedRegistry } from './ecard-fixtures.js';
import { newGateKeyPair, type GateKeyPair } from './gate-client.js';
import { addGateEvents, gateEventJob } from './gate-events.js';
import { post, registerAndSignIn, type HttpSession, type RegistryPerson } from './http-sessions.js';
import { startTestPortal, type TestPortal } from './portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from './smtp.js';
import { waitFor } from './wait.js';

const DAY_MS = 86_400_000;

/**
 * Alice as the gate specs know her: her name in Latin letters, so a gate's decision shows "Chan Tai Man" (the
 * eCard fixtures' Alice is 陳大文).
 */
export const GATE_ALICE_ROW = '50000001A,Chan,Tai Man,1990-05-17,A123456(3),alice@example.com,BSc Computing,BSc,PolyU,2012';
export const GATE_ALICE: RegistryPerson = { surname: 'Chan', givenName: 'Tai Man', dateOfBirth: '1990-05-17', email: 'alice@example.com' };

/** A listening portal (with its workers) and Alice signed in with an active eCard, ready to issue passes to gates. */
export interface GatePortal {
  readonly portal: TestPortal;
  readonly smtp: TestSmtpServer;
  /** The portal's own address, `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  readonly alice: HttpSession;
  close(): Promise<void>;
}

/**
 * Starts SMTP and the portal (workers on, listening on 127.0.0.1), imports {@link GATE_ALICE_ROW}, rotates the keys
 * as of three days ago (so today's passes and bundles are signed by an established key), and signs Alice in with her
 * eCard activated. `env` adds portal configuration, e.g. GATE_REDIS_URL.
 */
export async function startPortalWithActiveAlumnus(env: NodeJS.ProcessEnv = {}): Promise<GatePortal> {
  const smtp = await startTestSmtpServer();
  let portal: TestPortal | undefined;
  try {
    portal = await startTestPortal({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://alumni.example.edu', ...env }, { workers: true });
    await portal.app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(portal.app.getHttpServer().address() as AddressInfo).port}`;
    await seedRegistry(portal, [GATE_ALICE_ROW]);
    await portal.app.get(KeysService).rotate({ now: new Date(Date.now() - 3 * DAY_MS) });
    const alice = await registerAndSignIn(portal.app.getHttpServer(), smtp, GATE_ALICE);
    await activateEcard(alice, 0);
    const started = portal;
    return {
      portal,
      smtp,
      baseUrl,
      alice,
      async close() {
        await started.close();
        await smtp.close();
      },
    };
  } catch (error) {
    await portal?.close();
    await smtp.close();
    throw error;
  }
}

/** An AAO-created gate and its one-time enrollment code, through the portal's own service. */
export async function createGate(portal: TestPortal, name: string): Promise<{ gateId: string; code: string }> {
  const { gate, code } = await portal.app.get(GateAdminService).createGate(name);
  return { gateId: gate.id, code };
}

/** A new temporary data directory for a gate, with an empty `frames` directory in it for the file input to watch. */
export async function newGateDataDir(prefix: string): Promise<{ dataDir: string; framesDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const framesDir = join(dataDir, 'frames');
  await mkdir(framesDir);
  return { dataDir, framesDir };
}

/**
 * The gate.yaml of an in-process agent on simulated hardware, watching `framesDir`, enrolled with `enrollmentCode`
 * at the test portal (parse it with gateConfigSchema). `passageSensor` says when the simulated person walks through
 * and when a passage times out.
 */
export function simulatedGateConfig(options: {
  readonly portalUrl: string;
  readonly enrollmentCode: string;
  readonly dataDir: string;
  readonly framesDir: string;
  readonly passageSensor: { readonly passAfterMs: number; readonly timeoutMs: number };
  readonly pulseMs?: number;
  readonly repeatHoldMs?: number;
}): Record<string, unknown> {
  return {
    portal: { url: options.portalUrl, enrollmentCode: options.enrollmentCode, requestTimeoutMs: 5000 },
    storage: { dataDir: options.dataDir },
    input: { type: 'file', path: options.framesDir },
    decoder: { engine: 'zxing-wasm' },
    ...(options.repeatHoldMs === undefined ? {} : { scan: { repeatHoldMs: options.repeatHoldMs } }),
    relay: { type: 'simulated', pulseMs: options.pulseMs ?? 200 },
    passageSensor: { type: 'simulated', ...options.passageSensor },
    indicator: { type: 'simulated' },
    clock: { trustNtp: false },
    sync: { backoff: { minSeconds: 1, maxSeconds: 2 }, heartbeatIntervalSeconds: 10 },
  };
}

/** What a camera would see: the pass's QR code (as the portal issued it) on a 640×480 white frame, as PNG. */
export async function qrFrame(qrText: string): Promise<Buffer> {
  const qr = await QRCode.toBuffer(qrText, { type: 'png', width: 400, margin: 2, errorCorrectionLevel: 'M' });
  return sharp({ create: { width: 640, height: 480, channels: 3, background: '#ffffff' } })
    .composite([{ input: qr, left: 120, top: 40 }])
    .png()
    .toBuffer();
}

/** Today's campus day (the day a gate admits on), as the guest pass form takes it. */
export function campusToday(): string {
  return campusDayToIsoDate(campusDayOf(Date.now()));
}

/** The signed-in alumnus invites these guests for `date` (by default today) with the policy's first purpose. */
export async function inviteGuests(
  session: HttpSession,
  guests: readonly string[],
  date: string = campusToday(),
): Promise<Array<{ id: string; qrText: string }>> {
  const purpose = await guestPassPurpose(session);
  return (await post(session, '/api/guest-passes', { date, purpose, guests }).expect(201)).body as Array<{ id: string; qrText: string }>;
}

/** A gate registered with a fresh identity key pair, as if enrolled, and the keys its events are signed with. */
export async function registeredGate(portal: TestPortal, name: string): Promise<{ id: string; keys: GateKeyPair }> {
  const keys = newGateKeyPair();
  const gate = await portal.app.get(GatesService).registerGate({ name, publicKey: keys.publicKey });
  return { id: gate.id, keys };
}

/** Adds the events to the gate-events queue as the gate does, each signed by it, and waits until PostgreSQL holds them all. */
export async function deliverGateEvents(
  portal: TestPortal,
  queue: Queue,
  gate: { id: string; keys: GateKeyPair },
  events: GateEvent[],
  timeoutMs = 30_000,
): Promise<void> {
  await addGateEvents(
    queue,
    events.map((event) => gateEventJob(event, gate.id, gate.keys.privateKey)),
  );
  const eventIds = events.map((event) => event.eventId);
  await waitFor(
    `${events.length} events stored`,
    async () =>
      (
        (await portal.app
          .get(DataSource)
          .query(`SELECT count(*)::int AS n FROM gate_event WHERE event_id = ANY($1::uuid[])`, [eventIds])) as Array<{ n: number }>
      )[0]!.n,
    (n) => n === events.length,
    timeoutMs,
  );
}
