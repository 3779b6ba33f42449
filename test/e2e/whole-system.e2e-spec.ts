import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { campusDayOf, campusDayToIsoDate } from '@campuspass/pass-token';
import { freePort } from '../support/free-port.js';
import { post, staffSignIn, type HttpSession } from '../support/http-sessions.js';
import { openPtyPair, type PtyPair } from '../support/pty-pair.js';
import { decodeQrFromScreenshot, decodeQrPng } from '../support/qr-screenshot.js';
import { waitFor } from '../support/wait.js';
import { activeAlumnus, createStaff, signInStaff } from '../support/web-portal.js';
import { testPhoto } from '../support/web-media.js';
import {
  dropFrame,
  requestAsPage,
  startGateAgent,
  startRelayEmulator,
  startSplitWebPortal,
  type GateAgentProcess,
  type LoggedScan,
  type RelayEmulatorProcess,
  type SplitWebPortal,
} from '../support/whole-system.js';
import { createGateWithCli } from '../support/security-web.js';

/** Waits for every step (so none is still starting something when afterAll cleans up), then throws the first failure. */
async function allSettled(steps: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(steps)).find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/** LCUS-1 channel 1 frames (firmware-config/relay-boards/lcus-1.yaml). */
const RELAY_ON = 'a00101a2';
const RELAY_OFF = 'a00100a1';

interface GateEventRow {
  type: string;
  decision: string | null;
  reason: string | null;
  pass_id: string | null;
  pass_kind: string | null;
}

/**
 * The whole flow across processes: the portal's HTTP process and its worker, the gate agent, the relay-board
 * emulator on the far end of a socat pty, an SMTP server and one Chromium (the alumnus and the security officer, each
 * in a context of their own; the AAO admin acts through the admin API). A pass goes from the alumnus's screen (a screenshot of its QR element) to the
 * gate's frames folder; the gate decides offline, pulses the relay over the pty and drains the event through BullMQ to
 * PostgreSQL, and the worker's Redis feed puts it on the officer's dashboard.
 */
describe('Whole system: browser → QR screenshot → gate agent → relay pty → BullMQ → PostgreSQL → security dashboard', () => {
  let web: SplitWebPortal;
  let pty: PtyPair | undefined;
  let relay: RelayEmulatorProcess | undefined;
  let agent: GateAgentProcess | undefined;
  let db: pg.Client | undefined;
  let dataDir: string | undefined;
  let dashboard: Page;
  let alumnus: { page: Page; email: string; name: string };
  const gateName = `Whole System Gate ${randomUUID().slice(0, 4)}`;
  let adminSession: HttpSession;
  /** What the first and the last test share: the day pass and the screenshot of its QR the first one took. */
  let dayPass: { passId: string; qrText: string; png: Buffer } | undefined;
  let frameDroppedAt = 0;

  beforeAll(async () => {
    const started = Date.now();
    const timings: string[] = [];
    const timed = async (label: string, step: () => Promise<void>) => {
      const from = Date.now();
      await step();
      timings.push(`${label} ${((Date.now() - from) / 1000).toFixed(1)} s`);
    };
    // The portal (HTTP and worker processes) and the gate's relay board over a pty pair come up together.
    await allSettled([
      timed('portal + worker + Chromium', async () => {
        web = await startSplitWebPortal();
        db = new pg.Client({ connectionString: web.portal.database.url });
        await db.connect();
      }),
      timed('pty + relay emulator', async () => {
        pty = await openPtyPair();
        dataDir = await mkdtemp(join(tmpdir(), 'whole-system-'));
        await mkdir(join(dataDir, 'frames'));
        relay = await startRelayEmulator(pty.b, join(dataDir, 'relay.jsonl'));
      }),
    ]);
    // Then the gate enrolls (its one-time code from the CLI) while the officer opens the dashboard and the AAO admin
    // signs in (staff accounts from the CLI, each signed in by password and the emailed code).
    await allSettled([
      timed('gate agent enrolled with a bundle', async () => {
        const enrollmentCode = await createGateWithCli(web, gateName);
        agent = await startGateAgent({
          portalUrl: web.portal.baseUrl,
          enrollmentCode,
          dataDir: dataDir!,
          framesDir: join(dataDir!, 'frames'),
          relayPath: pty!.a,
          guardPort: await freePort(),
        });
      }),
      timed('officer on a live dashboard', async () => {
        const officer = { email: `guard-${randomUUID().slice(0, 8)}@example.edu`, password: '' };
        officer.password = await createStaff(web, { email: officer.email, name: 'Olive Officer', role: 'security-staff' });
        dashboard = await web.newPage({ width: 1600, height: 1000 });
        await signInStaff(web, dashboard, officer, '/security');
        await dashboard.getByRole('heading', { level: 1, name: 'Security dashboard' }).waitFor();
        await dashboard.locator('[data-testid="feed-status"][data-status="live"]').waitFor();
      }),
      timed('AAO admin signed in', async () => {
        const admin = { email: `aao-${randomUUID().slice(0, 8)}@example.edu`, password: '' };
        admin.password = await createStaff(web, { email: admin.email, name: 'Ada Admin', role: 'aao-admin' });
        // Through the API, as a client of it would: the admin pages have no revoke button.
        adminSession = await staffSignIn(web.portal.baseUrl, web.smtp, admin.email, admin.password);
      }),
    ]);
    console.info(`whole system ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${timings.join(', ')})`);
  });

  afterAll(async () => {
    await agent?.stop();
    await relay?.stop();
    await pty?.close();
    await db?.end();
    await web?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Drops the frame into the gate's folder and returns the agent's decision on it (from its log). */
  async function scanAtGate(name: string, png: Buffer): Promise<LoggedScan> {
    const before = agent!.scans().length;
    frameDroppedAt = Date.now();
    await dropFrame(agent!.framesDir, name, png);
    const scans = await waitFor(
      `the gate agent to decide ${name}`,
      () => agent!.scans(),
      (list) => list.length > before,
      15_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nagent output:\n${agent!.output().slice(-4000)}`);
    });
    expect(scans).toHaveLength(before + 1);
    return scans[before]!;
  }

  /** The scan's row in PostgreSQL once the worker stored it, and how many scan rows its pass has. */
  async function storedScan(eventId: string, passId: string): Promise<{ row: GateEventRow; scansOfPass: number }> {
    const rows = await waitFor(
      `event ${eventId} in gate_event`,
      async () =>
        (await db!.query<GateEventRow>('SELECT type, decision, reason, pass_id, pass_kind FROM gate_event WHERE event_id = $1', [eventId]))
          .rows,
      (list) => list.length > 0,
      20_000,
    );
    expect(rows).toHaveLength(1);
    const { rows: counted } = await db!.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM gate_event WHERE pass_id = $1 AND type = 'scan'",
      [passId],
    );
    return { row: rows[0]!, scansOfPass: counted[0]!.n };
  }

  /**
   * The entry on the officer's live feed (the page has stayed open since beforeAll: only the stream brings it): its
   * whole text, the holder's name and, for a guest, whose guest.
   */
  async function feedEntry(eventId: string): Promise<{ text: string; name: string; host: string | null }> {
    const entry = dashboard.locator(`[data-testid="feed-entry"][data-event-id="${eventId}"]`);
    await entry.waitFor({ timeout: 15_000 });
    const host = entry.locator('.sec-holder__host');
    return {
      text: (await entry.textContent()) ?? '',
      name: (await entry.locator('.sec-holder__name').textContent()) ?? '',
      host: (await host.count()) > 0 ? await host.textContent() : null,
    };
  }

  /**
   * Follows a decided scan to PostgreSQL and to the dashboard at once, and prints how long after the frame was
   * dropped each had it.
   */
  async function followScan(label: string, eventId: string, passId: string) {
    const since = (from: number) => `${Date.now() - from} ms`;
    const from = frameDroppedAt;
    const [stored, entry] = await Promise.all([
      storedScan(eventId, passId).then((result) => ({ ...result, after: since(from) })),
      feedEntry(eventId).then((result) => ({ ...result, after: since(from) })),
    ]);
    console.info(`whole system, ${label}: frame dropped → in gate_event after ${stored.after}, on the dashboard after ${entry.after}`);
    return { row: stored.row, scansOfPass: stored.scansOfPass, entry };
  }

  /** The holder's name as the portal shows it to staff: surname first (activeAlumnus gives it given name first). */
  const cardName = () => {
    const words = alumnus.name.split(' ');
    return `${words.at(-1)} ${words.slice(0, -1).join(' ')}`;
  };

  /** Waits until the emulated board saw `count` pulses (on frames) and the off that ends the last one. */
  async function pulsesSeen(count: number) {
    return waitFor(
      `the relay board to see ${count} pulse(s) and the off after the last`,
      () => relay!.records(),
      (records) => {
        const ons = records.flatMap((record, index) => (record.kind === 'switch' && record.bytes === RELAY_ON ? [index] : []));
        return ons.length >= count && records.slice(ons.at(-1)! + 1).some((record) => record.bytes === RELAY_OFF);
      },
      10_000,
    );
  }

  it('admits an alumnus by a screenshot of today’s QR: relay pulsed over the pty, event stored once and on the dashboard', async () => {
    const signInStarted = Date.now();
    alumnus = await activeAlumnus(web, await testPhoto(41, { width: 800, height: 1000 }));
    console.info(`whole system: alumnus registered, signed in by emailed code, eCard active in ${Date.now() - signInStarted} ms`);
    const { page } = alumnus;
    await page.getByRole('button', { name: 'Campus Access QR Code' }).click();
    const qr = page.getByTestId('day-pass-qr');
    const shown = await decodeQrFromScreenshot(qr);
    const today = await requestAsPage<{ passId: string; qrText: string }>(page, 'GET', '/api/passes/today');
    expect(shown.text).toBe(today.qrText);
    dayPass = { passId: today.passId, qrText: today.qrText, png: await qr.screenshot({ type: 'png' }) };

    const pulsesBefore = (await relay!.pulses()).length;
    const scan = await scanAtGate('alumnus-day-pass', dayPass.png);
    expect(scan).toMatchObject({ decision: 'granted', reason: null });
    const status = await agent!.status();
    expect(status.relay).toMatchObject({ kind: expect.stringMatching(/serial/), ok: true });

    const { row, scansOfPass, entry } = await followScan('alumnus', scan.eventId, dayPass.passId);
    expect(row).toEqual({ type: 'scan', decision: 'granted', reason: null, pass_id: dayPass.passId, pass_kind: 'alumni-day' });
    expect(scansOfPass).toBe(1);
    expect(entry.text).toContain('Granted');
    expect(entry.text).toContain(gateName);
    expect(entry).toMatchObject({ name: cardName(), host: null });

    const records = await pulsesSeen(pulsesBefore + 1);
    expect((await relay!.pulses()).map((pulse) => pulse.bytes)).toEqual(Array(pulsesBefore + 1).fill(RELAY_ON));
    expect(records.filter((record) => record.kind !== 'switch')).toEqual([]);
  });

  it('admits a guest by the QR in the email the alumnus shared: relay pulsed, stored once, shown as a guest', async () => {
    const { page } = alumnus;
    const guestName = 'Lee Siu Lung';
    await page.goto(web.url('/ecard/guests'));
    await page.getByRole('heading', { level: 1, name: 'Guest Access' }).waitFor();
    const policy = await requestAsPage<{ firstDate: string }>(page, 'GET', '/api/guest-passes/policy');
    // The gate admits on today's campus day only: the guest comes today (the form proposes tomorrow).
    expect(policy.firstDate).toBe(campusDayToIsoDate(campusDayOf(Date.now())));
    await page.getByRole('button', { name: 'New Campus Access' }).click();
    const form = page.getByRole('form', { name: 'New Campus Access' });
    await form.getByLabel('Access date').fill(policy.firstDate);
    await form.getByLabel('Purpose of visit').selectOption('Visit');
    await form.getByLabel('Guest 1 name').fill(guestName);
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/^Saved\. Your guests' QR codes for .+ are listed below\.$/).waitFor();
    const passes = await requestAsPage<Array<{ id: string; guestName: string; qrText: string; share: { link: string } }>>(
      page,
      'GET',
      '/api/guest-passes',
    );
    const guestPass = passes.find((pass) => pass.guestName === guestName)!;
    expect(guestPass).toBeDefined();

    const item = page.getByTestId('guest-pass').filter({ hasText: guestName });
    await item.getByRole('button', { name: 'Share' }).click();
    const share = item.getByTestId('guest-share');
    const guestEmail = `guest-${randomUUID().slice(0, 8)}@example.com`;
    const seen = web.smtp.messages.length;
    await share.getByLabel("Guest's email address").fill(guestEmail);
    await share.getByRole('button', { name: 'Send by email' }).click();
    await share.getByText(/^Sent to /).waitFor();

    // The guest's mail, as the worker sent it through SMTP: the link, and the QR as an inline PNG.
    const mail = await web.smtp.waitForMessage(guestEmail, 20_000, { after: seen });
    expect(mail.text).toContain(guestPass.share.link);
    const image = mail.attachments.find((attachment) => attachment.contentType === 'image/png');
    expect(image).toBeDefined();
    expect((await decodeQrPng(image!.content)).text).toBe(guestPass.qrText);

    const pulsesBefore = (await relay!.pulses()).length;
    const scan = await scanAtGate('guest-from-email', image!.content);
    expect(scan).toMatchObject({ decision: 'granted', reason: null });
    const { row, scansOfPass, entry } = await followScan('guest', scan.eventId, guestPass.id);
    expect(row).toEqual({ type: 'scan', decision: 'granted', reason: null, pass_id: guestPass.id, pass_kind: 'guest' });
    expect(scansOfPass).toBe(1);
    expect(entry.text).toContain('Granted');
    expect(entry.text).toContain(gateName);
    expect(entry).toMatchObject({ name: guestName, host: `Guest of ${cardName()}` });
    await pulsesSeen(pulsesBefore + 1);
  });

  it('denies the earlier QR once the AAO revoked the eCard and the gate pulled the next bundle: no pulse, shown as denied', async () => {
    expect(dayPass).toBeDefined();
    const { ecardId } = await requestAsPage<{ ecardId: number }>(alumnus.page, 'GET', '/api/ecard');
    // The AAO admin revokes the card through the admin API (signed in as staff in beforeAll).
    const revoked = await post(adminSession, `/api/admin/ecards/${ecardId}/revoke`, { reason: 'Reported lost by the holder' }).expect(200);
    expect(revoked.body).toMatchObject({ status: 'revoked' });

    // The bundle version that carries the revocation of the day pass; the gate learns of it at its next heartbeat.
    const { rows } = await db!.query<{ version: string | null }>(
      "SELECT max(version)::text AS version FROM bundle_change WHERE kind = 'pass-revoked' AND pass_id = $1",
      [dayPass!.passId],
    );
    const revocationVersion = Number(rows[0]!.version);
    expect(revocationVersion).toBeGreaterThan(0);
    const waited = Date.now();
    await waitFor(
      'the gate to hold the bundle with the revocation',
      () => agent!.status(),
      (status) => status.bundle.version >= revocationVersion,
      30_000,
    );
    console.info(`whole system: the gate held the revocation ${Date.now() - waited} ms after the AAO revoked the eCard`);

    const pulsesBefore = (await relay!.pulses()).length;
    const scan = await scanAtGate('revoked-day-pass', dayPass!.png);
    expect(scan).toMatchObject({ decision: 'denied', reason: 'revoked' });

    const { row, scansOfPass, entry } = await followScan('revoked eCard', scan.eventId, dayPass!.passId);
    expect(row).toEqual({ type: 'scan', decision: 'denied', reason: 'revoked', pass_id: dayPass!.passId, pass_kind: 'alumni-day' });
    expect(scansOfPass).toBe(2);
    expect(entry.text).toContain('Denied');
    expect(entry.text).toContain('Pass or eCard revoked');
    expect(entry).toMatchObject({ name: cardName(), host: null });
    // By now (decision, outbox drain, worker, feed) a wrongly granted pulse would long have reached the board.
    expect((await relay!.pulses()).length).toBe(pulsesBefore);
    expect((await agent!.status()).relay.state).toBe('off');
  });
});
