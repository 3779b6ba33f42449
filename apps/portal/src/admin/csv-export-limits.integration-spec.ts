import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { cookieHeader } from '../../../../test/support/event-stream.js';
import { createGate } from '../../../../test/support/gate-fixtures.js';
import type { HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AAO_ADMIN, AUDITOR, createStaffAndSignIn } from '../../../../test/support/staff-fixtures.js';
import { waitFor } from '../../../../test/support/wait.js';
import { CSV_EXPORT_LIMITS, CsvExportGuard } from '../core/http/csv-export-guard.js';

/** The pg pool behind TypeORM, to watch connections go out and come back. */
interface PgPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/** An export opened by a client that controls its socket: it reads nothing unless told to. */
interface OpenExport {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly response: IncomingMessage;
  readonly request: ClientRequest;
  /** The body when the answer is not a download (a refusal), parsed. */
  body(): Promise<{ code?: string; message?: string }>;
}

const AUDIT_EXPORT = '/api/admin/audit/export.csv?action=spec.bulk';
const ENTRIES_EXPORT = '/api/reports/entries.csv?from=2025-01-01&to=2025-12-31';

describe('CSV exports: same-origin only, one per staff member and a few in all, cut off when the reader stalls', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let admin: HttpSession;
  let auditor: HttpSession;
  let admin2: HttpSession;
  let baseUrl: string;
  let guard: CsvExportGuard;
  let pool: PgPool;
  const opened: OpenExport[] = [];
  const busyConnections = () => pool.totalCount - pool.idleCount;
  const exportsOnRecord = async () =>
    (
      (await portal.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM audit_event WHERE action IN ('audit.export', 'report.entries-export')`)) as Array<{
        n: number;
      }>
    )[0]!.n;

  /** Starts an export as `session` and stops at the answer's head, reading nothing of the body (a stalled reader). */
  function openExport(
    session: HttpSession,
    path: string,
    headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' },
  ): Promise<OpenExport> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${baseUrl}${path}`, { headers: { cookie: cookieHeader(session), ...headers } }, (response) => {
        response.pause();
        const open: OpenExport = {
          status: response.statusCode ?? 0,
          headers: response.headers,
          response,
          request,
          body: () =>
            new Promise((done) => {
              let text = '';
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => (text += chunk));
              response.on('end', () => done(JSON.parse(text) as { code?: string; message?: string }));
              response.resume();
            }),
        };
        opened.push(open);
        resolve(open);
      });
      request.once('error', reject);
      request.end();
    });
  }

  /** Reads a whole export (as a browser that keeps up), returning its status and size. */
  async function download(session: HttpSession, path: string, headers?: Record<string, string>) {
    const open = await openExport(session, path, headers);
    let bytes = 0;
    open.response.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await new Promise<void>((resolve) => {
      open.response.once('end', resolve);
      open.response.once('close', resolve);
      open.response.resume();
    });
    return { status: open.status, bytes };
  }

  const closeAll = () => {
    for (const open of opened.splice(0)) open.request.destroy();
  };

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    await portal.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(portal.app.getHttpServer().address() as AddressInfo).port}`;
    guard = portal.app.get(CsvExportGuard);
    const dataSource = portal.app.get(DataSource);
    pool = (dataSource.driver as unknown as { master: PgPool }).master;
    admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    auditor = await createStaffAndSignIn(portal, smtp, AUDITOR);
    admin2 = await createStaffAndSignIn(portal, smtp, { email: 'admin2@example.edu', name: 'Second Admin', role: 'aao-admin' });
    // Far more than socket buffers hold: 150,000 audit rows (about 45 MB of CSV) and 100,000 entries of 2025.
    await dataSource.query(
      `INSERT INTO audit_event (occurred_at, actor_type, actor_id, action, target_id, outcome, details)
       SELECT timestamptz '2025-01-01 00:00:00+00' + n * interval '3 minutes', 'system', 'bulk', 'spec.bulk', n::text, 'success',
              jsonb_build_object('n', n, 'pad', repeat('x', 200))
         FROM generate_series(1, 150000) AS n`,
    );
    // Statistics as autovacuum would have them after such a load (the planner then walks an index page by page).
    await dataSource.query('ANALYZE audit_event');
    const { gateId } = await createGate(portal, 'Export Gate');
    await dataSource.query(
      `INSERT INTO gate_event (event_id, gate_id, sequence, type, occurred_at, clock_trusted, bundle_version, decision, received_at, payload, signature)
       SELECT gen_random_uuid(), $1, n, 'scan', timestamptz '2025-01-01 00:00+08' + n * interval '5 minutes', true, 1, 'denied',
              now(), '{}', '\\x00'::bytea
         FROM generate_series(1, 100000) AS n`,
      [gateId],
    );
  }, 180_000);

  afterEach(async () => {
    closeAll();
    Object.assign(guard.limits, CSV_EXPORT_LIMITS);
    await waitFor(
      'every export slot given back',
      () => guard.active,
      (active) => active === 0,
      20_000,
    );
  });

  afterAll(async () => {
    closeAll();
    await portal?.close();
    await smtp?.close();
  });

  it('ten stalled downloads by one staff member do not starve the portal: one runs, the others get 429 with Retry-After', async () => {
    const first = await openExport(admin, AUDIT_EXPORT);
    expect(first.status).toBe(200);
    for (let i = 0; i < 9; i++) {
      const refused = await openExport(admin, i % 2 === 0 ? AUDIT_EXPORT : ENTRIES_EXPORT);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe(String(CSV_EXPORT_LIMITS.retryAfterSeconds));
      expect(await refused.body()).toMatchObject({ code: 'export-in-progress', message: expect.stringMatching(/still downloading/) });
    }
    // The portal answers everything else meanwhile (before the fix: 500 after waiting for a pool connection).
    await admin.agent.get('/api/staff/me').expect(200);
    await admin.agent.get('/api/admin/audit?limit=5').expect(200);
    expect(pool.waitingCount).toBe(0);
  });

  it('caps the exports of all staff together (429 exports-busy); a slot is free again when a reader leaves', async () => {
    const a = await openExport(admin, AUDIT_EXPORT);
    const b = await openExport(auditor, ENTRIES_EXPORT);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(CSV_EXPORT_LIMITS.global).toBe(2);
    const third = await openExport(admin2, AUDIT_EXPORT);
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe(String(CSV_EXPORT_LIMITS.retryAfterSeconds));
    expect(await third.body()).toMatchObject({ code: 'exports-busy', message: expect.stringMatching(/try again in 30 seconds/) });
    // The entries export holds one connection while it runs; the audit export (keyset pages) holds none between pages.
    expect(busyConnections()).toBeLessThanOrEqual(2);
    // The auditor gives up: the portal notices, closes the cursor, gives back the connection and the slot.
    b.request.destroy();
    await waitFor(
      'the slot given back',
      () => guard.active,
      (active) => active === 1,
      15_000,
    );
    await waitFor('no connection held by the entries export', busyConnections, (busy) => busy === 0, 15_000);
    const again = await openExport(admin2, ENTRIES_EXPORT);
    expect(again.status).toBe(200);
  });

  it.each([
    ['audit log', AUDIT_EXPORT],
    ['entries', ENTRIES_EXPORT],
  ])(
    'ends the %s export of a reader that stopped reading, giving back its connection and slot',
    async (_what, path) => {
      guard.limits.stallMs = 1_500;
      const stalled = await openExport(admin, path);
      expect(stalled.status).toBe(200);
      // It sends until the socket is full, then waits on the reader; after stallMs without progress it gives up.
      await waitFor(
        'the stalled export ended by the portal',
        () => guard.active,
        (active) => active === 0,
        30_000,
      );
      await waitFor('no connection held for it', busyConnections, (busy) => busy === 0, 15_000);
      // The same staff member may export again at once (and a reader that keeps up gets the whole file).
      guard.limits.stallMs = CSV_EXPORT_LIMITS.stallMs;
      const whole = await download(admin, path);
      expect(whole.status).toBe(200);
      expect(whole.bytes).toBeGreaterThan(5_000_000);
    },
    120_000,
  );

  it('refuses a cross-site request (a link or redirect on another site) before anything is recorded', async () => {
    const before = await exportsOnRecord();
    for (const path of [AUDIT_EXPORT, ENTRIES_EXPORT]) {
      for (const site of ['cross-site', 'same-site']) {
        const refused = await openExport(admin, path, { 'sec-fetch-site': site });
        expect(refused.status).toBe(403);
        expect(await refused.body()).toMatchObject({
          code: 'export-same-origin-required',
          message: expect.stringMatching(/Download CSV/),
        });
      }
      // No Sec-Fetch-Site (an old browser, a script): only with the session's CSRF token.
      const bare = await openExport(admin, path, {});
      expect(bare.status).toBe(403);
      expect(await bare.body()).toMatchObject({ code: 'export-same-origin-required', message: expect.stringMatching(/X-CSRF-Token/) });
      const wrong = await openExport(admin, path, { 'x-csrf-token': auditor.csrf });
      expect(wrong.status).toBe(403);
      await wrong.body();
    }
    expect(await exportsOnRecord()).toBe(before);
    // Typed in the address bar (none), from the portal's own page (same-origin), or a script with the token: allowed.
    const ranged = (path: string) => path.replace('from=2025-01-01&to=2025-12-31', 'from=2025-01-01&to=2025-01-01');
    expect((await download(admin, `${AUDIT_EXPORT}&from=2025-01-01&to=2025-01-01`, { 'sec-fetch-site': 'none' })).status).toBe(200);
    expect((await download(admin, ranged(ENTRIES_EXPORT), { 'x-csrf-token': admin.csrf })).status).toBe(200);
    expect((await download(admin, `${ranged(ENTRIES_EXPORT)}&csrf=${encodeURIComponent(admin.csrf)}`, {})).status).toBe(200);
    expect(await exportsOnRecord()).toBe(before + 3);
  });

  it('refuses NUL and control characters in the export filters with 400, not 500', async () => {
    for (const path of [
      '/api/admin/audit/export.csv?actor=x%00y',
      '/api/admin/audit/export.csv?subject=gate:%00',
      '/api/reports/entries.csv?from=2025-01-01%00&to=2025-01-02',
      '/api/reports/entries.csv?from=2025-01-01&to=2025-01-02&gateId=%00',
    ]) {
      const refused = await openExport(admin, path);
      expect({ path, status: refused.status }).toEqual({ path, status: 400 });
      await refused.body();
    }
    expect(guard.active).toBe(0);
  });
});
