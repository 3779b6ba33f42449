import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { ENTRY_CSV_COLUMNS, type ReportSummary } from '@campuspass/contracts';
import { AuditService } from '../../admin/audit.service.js';
import { BOB, REGISTRY_ROWS, seedRegistry } from '../../../../../test/support/ecard-fixtures.js';
import { registerAndSignIn, type HttpSession } from '../../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../../test/support/portal-app.js';
import {
  addDays,
  expectedSummary,
  GUEST_NAMES,
  hkInstant,
  seedReportMonth,
  type SeededReportData,
} from '../../../../../test/support/report-fixtures.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../../test/support/smtp.js';
import { AAO_ADMIN, AUDITOR, createStaffAndSignIn, SECURITY_GUARD } from '../../../../../test/support/staff-fixtures.js';
import { waitFor } from '../../../../../test/support/wait.js';

/** A month of September 2026 (30 days): Hong Kong has no daylight saving, so every midnight is 16:00 UTC. */
const FROM = '2026-09-01';
const DAYS = 30;
const TO = addDays(FROM, DAYS - 1);

/** The pg pool behind TypeORM, to watch connections go out and come back. */
interface PgPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

describe('Reports: figures per day, gate, hour and reason, and the streamed CSV export of entries', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let admin: HttpSession;
  let auditor: HttpSession;
  let guard: HttpSession;
  let alumnus: HttpSession;
  let seeded: SeededReportData;
  let baseUrl: string;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    await portal.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(portal.app.getHttpServer().address() as AddressInfo).port}`;
    const dataSource = portal.app.get(DataSource);
    seeded = await seedReportMonth((sql, parameters) => dataSource.query(sql, parameters), FROM, DAYS);
    await seedRegistry(portal, [REGISTRY_ROWS.bob]);
    admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    auditor = await createStaffAndSignIn(portal, smtp, AUDITOR);
    guard = await createStaffAndSignIn(portal, smtp, SECURITY_GUARD);
    alumnus = await registerAndSignIn(portal.app.getHttpServer(), smtp, BOB);
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  const summary = async (session: HttpSession, query: string) =>
    (await session.agent.get(`/api/reports/summary?${query}`).expect(200)).body as ReportSummary;

  it('counts a month exactly: visits per day (alumni, guests, denied), per gate, uniques, peak hours, denials, totals', async () => {
    const report = await summary(auditor, `from=${FROM}&to=${TO}`);
    const expected = expectedSummary(seeded, FROM, TO);
    expect(report.from).toBe(FROM);
    expect(report.to).toBe(TO);
    expect(report.gateId).toBeNull();
    expect(report.timeZone).toBe('Asia/Hong_Kong');
    expect(report.totals).toEqual(expected.totals);
    expect(report.days).toEqual(expected.days);
    expect(report.days).toHaveLength(30);
    expect(report.hours).toEqual(expected.hours);
    expect([...report.gates].sort((a, b) => a.gateName.localeCompare(b.gateName))).toEqual(
      [...expected.gates].sort((a, b) => a.gateName.localeCompare(b.gateName)),
    );
    expect([...report.denials].sort((a, b) => a.reason.localeCompare(b.reason))).toEqual(
      [...expected.denials].sort((a, b) => a.reason.localeCompare(b.reason)),
    );
    // Most frequent first.
    expect(report.denials.map((row) => row.count)).toEqual([...report.denials.map((row) => row.count)].sort((a, b) => b - a));

    // The same month, counted by hand from the seed's pattern (not by the oracle): 4 alumni on 2 of 3 days, the first
    // one twice on even days, 1–3 guests a day and a guest's re-entry every 5th day, 0–3 denials a day, and the four
    // visits placed on Hong Kong midnights inside the range.
    expect(report.totals.alumniVisits).toBe(80 + 10 + 4);
    expect(report.totals.guestVisits).toBe(60 + 6);
    expect(report.totals.visits).toBe(160);
    expect(report.totals.denied).toBe(43); // day % 4 denials on days 0–29
    expect(report.totals.uniqueAlumni).toBe(4);
    expect(report.totals.uniqueGuests).toBe(60);
    // Passage events follow every grant but are not visits.
    expect(expected.entries.filter((event) => event.type === 'passage')).toHaveLength(160);
  });

  it('puts a scan at 15:59:59.999 UTC on the Hong Kong day before and one at 16:00 UTC on the next, at hours 23 and 0', async () => {
    const middle = addDays(FROM, DAYS / 2);
    const before = addDays(middle, -1);
    const both = await summary(admin, `from=${before}&to=${middle}`);
    const expected = expectedSummary(seeded, before, middle);
    expect(both.days).toEqual(expected.days);
    expect(both.hours[23]!.visits).toBe(expected.hours[23]!.visits);
    expect(both.hours[0]!.visits).toBe(1);
    const dayBefore = await summary(admin, `from=${before}&to=${before}`);
    const dayAfter = await summary(admin, `from=${middle}&to=${middle}`);
    expect(dayBefore.totals.visits + dayAfter.totals.visits).toBe(both.totals.visits);
    expect(dayBefore.hours[0]!.visits).toBe(0);
    expect(dayAfter.hours[0]!.visits).toBe(1);
    expect(dayBefore.hours[23]!.visits).toBe(1);
    // Just outside the month: only what was seeded there (one grant and one denial each side).
    const outside = await summary(admin, `from=${addDays(FROM, -1)}&to=${addDays(FROM, -1)}`);
    expect(outside.totals).toMatchObject({ visits: 1, denied: 1 });
    expect(outside.hours[23]!.visits).toBe(1);
  });

  it('filters by gate', async () => {
    const gate = seeded.gates[1]!;
    const report = await summary(auditor, `from=${FROM}&to=${TO}&gateId=${gate.id}`);
    const expected = expectedSummary(seeded, FROM, TO, gate.id);
    expect(report.gateId).toBe(gate.id);
    expect(report.totals).toEqual(expected.totals);
    expect(report.days).toEqual(expected.days);
    expect(report.hours).toEqual(expected.hours);
    expect(report.gates).toEqual(expected.gates);
    expect(report.gates).toHaveLength(1);
    expect(report.totals.visits).toBeLessThan(160);
  });

  it('counts a range without a single scan as zeros, not nulls (the web page formats every total)', async () => {
    const empty = addDays(FROM, -40);
    const report = await summary(admin, `from=${empty}&to=${addDays(empty, 2)}`);
    expect(report.totals).toEqual({ visits: 0, alumniVisits: 0, guestVisits: 0, denied: 0, uniqueAlumni: 0, uniqueGuests: 0 });
    expect(report.days).toEqual([0, 1, 2].map((offset) => ({ date: addDays(empty, offset), alumni: 0, guests: 0, denied: 0 })));
    expect(report.hours.every((hour) => hour.visits === 0)).toBe(true);
    expect(report.gates).toEqual([]);
    expect(report.denials).toEqual([]);
  });

  it('lists the gates for the filter', async () => {
    const { body } = await admin.agent.get('/api/reports/gates').expect(200);
    expect((body.gates as Array<{ id: string }>).map((gate) => gate.id).sort()).toEqual(seeded.gates.map((gate) => gate.id).sort());
  });

  it('says what is wrong with a range and how to fix it', async () => {
    const problem = async (query: string, status = 400) => (await auditor.agent.get(`/api/reports/summary?${query}`).expect(status)).body;
    expect((await problem(`to=${TO}`)).message).toEqual(expect.arrayContaining([expect.stringMatching(/^from is required/)]));
    expect((await problem(`from=01/09/2026&to=${TO}`)).message).toEqual(['from must be a date as YYYY-MM-DD, e.g. 2026-09-01']);
    // NUL and other control characters: 400 with the form expected, not a server error.
    expect((await problem(`from=${FROM}%00&to=${TO}`)).message).toEqual(['from must be a date as YYYY-MM-DD, e.g. 2026-09-01']);
    expect((await problem(`from=${FROM}&to=${TO}&gateId=%00`)).message).toEqual([
      'gateId must be the id of a gate (a UUID); leave it out for every gate',
    ]);
    expect(await problem(`from=2026-02-30&to=${TO}`)).toMatchObject({
      code: 'report-range-invalid',
      message: 'from (2026-02-30) is not a calendar day: use YYYY-MM-DD.',
    });
    expect(await problem(`from=${TO}&to=${FROM}`)).toMatchObject({
      code: 'report-range-invalid',
      message: `to (${FROM}) is before from (${TO}): swap them.`,
    });
    expect(await problem('from=2025-01-01&to=2026-01-02')).toMatchObject({
      code: 'report-range-invalid',
      details: { days: 367, maxDays: 366 },
    });
    // A leap year is 366 days: allowed.
    await auditor.agent.get('/api/reports/summary?from=2028-01-01&to=2028-12-31').expect(200);
    expect((await problem(`from=${FROM}&to=${TO}&gateId=north`)).message).toEqual([
      'gateId must be the id of a gate (a UUID); leave it out for every gate',
    ]);
    expect(await problem(`from=${FROM}&to=${TO}&gateId=00000000-0000-4000-8000-000000000000`, 404)).toMatchObject({
      code: 'report-gate-not-found',
    });
    expect((await problem(`from=${FROM}&to=${TO}&limit=5`)).message).toEqual(['property limit should not exist']);
    // The export checks the same way, before it starts.
    expect((await auditor.agent.get(`/api/reports/entries.csv?from=${TO}&to=${FROM}`).expect(400)).body.code).toBe('report-range-invalid');
  });

  it('is for AAO admins and auditors only: security staff and alumni are refused, signed-out callers asked to sign in', async () => {
    for (const path of [
      `/api/reports/summary?from=${FROM}&to=${TO}`,
      `/api/reports/entries.csv?from=${FROM}&to=${TO}`,
      '/api/reports/gates',
    ]) {
      expect((await guard.agent.get(path).expect(403)).body.code).toBe('role-refused');
      expect((await alumnus.agent.get(path).expect(403)).body.code).toBe('role-refused');
      expect((await fetch(`${baseUrl}${path}`)).status).toBe(401);
    }
  });

  it('exports every entry of the range as CSV: BOM, header, exact rows, Chinese names intact, formulas neutralised; audited', async () => {
    const response = await admin.agent
      .get(`/api/reports/entries.csv?from=${FROM}&to=${TO}`)
      .set('Sec-Fetch-Site', 'same-origin')
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="campuspass-entries_${FROM}_${TO}.csv"`);
    const bytes = response.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    const rows = parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    const expected = expectedSummary(seeded, FROM, TO).entries;
    expect(Object.keys(rows[0]!)).toEqual([...ENTRY_CSV_COLUMNS]);
    expect(rows).toHaveLength(expected.length);
    // Time order, first and last instants of the range.
    expect(rows[0]!['time_utc']).toBe(hkInstant(FROM, 0).toISOString());
    expect(rows[0]!['time_hk']).toBe(`${FROM} 00:00:00`);
    expect(rows.at(-1)!['time_hk']).toBe(`${TO} 23:59:59`);
    expect(new Set(rows.map((row) => row['event_id']))).toEqual(new Set(expected.map((event) => event.eventId)));

    const byId = new Map(rows.map((row) => [row['event_id'], row]));
    for (const event of expected) {
      const row = byId.get(event.eventId)!;
      const name = /^[=+\-@]/.test(event.holderName) ? `'${event.holderName}` : event.holderName;
      expect(row['holder_name']).toBe(name);
      expect(row['type']).toBe(event.type);
      expect(row['decision']).toBe(event.decision ?? '');
      expect(row['gate']).toBe(seeded.gates.find((gate) => gate.id === event.gateId)!.name);
    }
    // Chinese names intact; every formula-looking name neutralised, and none left raw.
    expect(rows.some((row) => row['holder_name'] === '陳大文')).toBe(true);
    expect(rows.some((row) => row['holder_name'] === '陳小明')).toBe(true);
    expect(rows.some((row) => row['holder_name'] === `'=SUM(1+1) Evil`)).toBe(true);
    for (const guest of GUEST_NAMES.filter((name) => /^[=+\-@]/.test(name))) {
      expect(rows.some((row) => row['holder_name'] === `'${guest}`)).toBe(true);
    }
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@]/);
    expect(rows.some((row) => row['holder_name'] === 'Mary O"Brien, Jr.')).toBe(true);
    // Alumni numbers: the holder's on alumni passes, the host's on guest passes.
    const alumniRow = rows.find((row) => row['holder_name'] === '陳大文' && row['type'] === 'scan')!;
    expect(alumniRow['alumni_number']).toBe(seeded.alumni[0]!.alumniNumber);
    const guestRow = rows.find((row) => row['pass_kind'] === 'guest')!;
    expect(guestRow['alumni_number']).toBe('');
    expect(guestRow['host_alumni_number']).toMatch(/^A\d{8}$/);
    expect(rows.filter((row) => row['type'] === 'manual-open').every((row) => row['flags'] === 'manual-open')).toBe(true);

    const audit = await portal.app.get(AuditService).list({ action: 'report.entries-export' });
    expect(audit[0]).toMatchObject({ actorType: 'staff', outcome: 'success', details: { from: FROM, to: TO, gateId: null } });
  });

  it('exports one gate only, named in the file name', async () => {
    const gate = seeded.gates[2]!;
    const response = await auditor.agent
      .get(`/api/reports/entries.csv?from=${FROM}&to=${TO}&gateId=${gate.id}`)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(200);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="campuspass-entries_${FROM}_${TO}_gate-${gate.id.slice(0, 8)}.csv"`,
    );
    const rows = parse(response.text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(expectedSummary(seeded, FROM, TO, gate.id).entries.length);
    expect(new Set(rows.map((row) => row['gate']))).toEqual(new Set([gate.name]));
  });

  it('releases the database connection when the client goes away in the middle of a download', async () => {
    const dataSource = portal.app.get(DataSource);
    const pool = (dataSource.driver as unknown as { master: PgPool }).master;
    // 60,000 entries in 2025 (far more than socket buffers hold), written with generate_series.
    await dataSource.query(
      `INSERT INTO gate_event (event_id, gate_id, sequence, type, occurred_at, clock_trusted, bundle_version, decision, received_at, payload, signature)
       SELECT gen_random_uuid(), $1, 100000 + n, 'scan', timestamptz '2025-03-01 00:00+08' + n * interval '1 minute', true, 1, 'denied',
              now(), '{}', '\\x00'::bytea
         FROM generate_series(1, 60000) AS n`,
      [seeded.gates[0]!.id],
    );
    const busy = () => pool.totalCount - pool.idleCount;
    const before = busy();

    const cookie = await new Promise<string>((resolve) => {
      // The agent's session cookie, for a raw request whose socket the test controls.
      const jar = (admin.agent as unknown as { jar: { getCookies(access: unknown): Array<{ toValueString(): string }> } }).jar;
      resolve(
        jar
          .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
          .map((c) => c.toValueString())
          .join('; '),
      );
    });
    const request = http.get(`${baseUrl}/api/reports/entries.csv?from=2025-01-01&to=2025-12-31`, {
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    });
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      request.once('response', resolve);
      request.once('error', reject);
    });
    expect(response.statusCode).toBe(200);
    // Read one chunk, then stop reading: the portal's cursor waits on the socket (backpressure), holding its connection.
    await new Promise<void>((resolve) => response.once('data', () => resolve()));
    response.pause();
    await waitFor('a connection lent to the export', busy, (count) => count > before, 10_000);
    request.destroy();
    await waitFor('the export connection back in the pool', busy, (count) => count === before, 15_000);
    expect(pool.waitingCount).toBe(0);
    // The pool still serves: the next report works.
    await summary(admin, 'from=2025-03-01&to=2025-03-02');
  });
});
