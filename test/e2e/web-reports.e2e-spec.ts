import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { addDays, expectedSummary, isoDay, seedReportMonth, type SeededReportData } from '../support/report-fixtures.js';
import { extractCode } from '../support/smtp.js';
import { createStaff, startWebPortal, type WebPortal } from '../support/web-portal.js';
import { screenshot } from '../support/web-media.js';

const number = (value: number) => value.toLocaleString('en');

describe('Reports page, in Chromium against the built portal', () => {
  let web: WebPortal;
  let seeded: SeededReportData;
  /** Today in Hong Kong: the page's presets end today. */
  const today = isoDay(Date.now() + 8 * 3_600_000);

  beforeAll(async () => {
    web = await startWebPortal();
    const client = new pg.Client({ connectionString: web.portal.database.url });
    await client.connect();
    try {
      // The last 30 Hong Kong days (the page's default period), written as the ingestion worker stores entries.
      seeded = await seedReportMonth(async (sql, parameters) => (await client.query(sql, parameters)).rows, addDays(today, -29), 30);
    } finally {
      await client.end();
    }
  });

  afterAll(async () => {
    await web?.close();
  });

  /** A new staff member signed in through the page (password, then the mailed code), landing on the reports. */
  /** `prepare` runs on the new page before its first request (e.g. to route the context's requests). */
  async function signedInStaff(
    role: 'auditor' | 'security-staff',
    prepare?: (page: Page) => Promise<unknown>,
  ): Promise<{ page: Page; scripts: string[] }> {
    const email = `${role}-${Date.now().toString(36)}@example.com`;
    const password = await createStaff(web, { email, name: 'Report Reader', role });
    const page = await web.newPage({ width: 1280, height: 900 });
    await prepare?.(page);
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await page.goto(web.url('/reports'));
    await page.waitForURL('**/staff/sign-in?next=%2Freports');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    const seen = web.smtp.messages.length;
    await page.getByRole('button', { name: 'Continue' }).click();
    const code = extractCode(await web.smtp.waitForMessage(email, 15_000, { after: seen }));
    await page.getByLabel('6-digit code').fill(code);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // The page keeps its period in the address (?from=&to=), so it can be bookmarked.
    await page.waitForURL(/\/reports(\?|$)/);
    return { page, scripts };
  }

  async function expectTotals(page: Page, totals: ReturnType<typeof expectedSummary>['totals']): Promise<void> {
    const read = async (key: string) => (await page.getByTestId(`total-${key}`).locator('dd').textContent())?.trim();
    expect(await read('visits')).toBe(number(totals.visits));
    expect(await read('alumniVisits')).toBe(number(totals.alumniVisits));
    expect(await read('guestVisits')).toBe(number(totals.guestVisits));
    expect(await read('uniqueAlumni')).toBe(number(totals.uniqueAlumni));
    expect(await read('uniqueGuests')).toBe(number(totals.uniqueGuests));
    expect(await read('denied')).toBe(number(totals.denied));
  }

  it('shows the seeded month as figures and charts, follows the period and gate filters, and downloads the CSV', async () => {
    const { page, scripts } = await signedInStaff('auditor');
    const last30 = { from: addDays(today, -29), to: today };
    await page
      .getByRole('status')
      .filter({ hasText: `${last30.from} to ${last30.to} · All gates` })
      .waitFor();
    const month = expectedSummary(seeded, last30.from, last30.to);
    await expectTotals(page, month.totals);
    expect(month.totals.visits).toBeGreaterThan(100);

    // The charts (loaded on demand) draw real SVG bars, with titles, axis labels and the figures in a table.
    const perDay = page.getByTestId('chart-per-day');
    await perDay.locator('svg .recharts-bar-rectangle').first().waitFor();
    for (const chart of ['chart-per-day', 'chart-per-gate', 'chart-hours', 'chart-denials']) {
      expect(await page.getByTestId(chart).locator('svg .recharts-bar-rectangle').count()).toBeGreaterThan(0);
    }
    // recharts came in its own chunk, loaded for this page only (the alumni app's bundle does not carry it).
    expect(scripts.some((script) => /^\/assets\/report-charts-[\w-]+\.js$/.test(script))).toBe(true);
    await page.getByRole('heading', { name: 'Visits per day' }).waitFor();
    await page.getByRole('heading', { name: 'Peak hours' }).waitFor();
    await page.getByRole('heading', { name: 'Denials by reason' }).waitFor();
    await page.getByRole('heading', { name: 'Visits per gate' }).waitFor();
    expect(await perDay.locator('.reports-chart__plot').textContent()).toContain('Day (Hong Kong)');
    expect(await page.getByTestId('chart-hours').locator('.reports-chart__plot').textContent()).toContain('Hour of the day (Hong Kong)');
    // Reasons in words, not codes.
    expect(await page.getByTestId('chart-denials').locator('.reports-chart__plot').textContent()).toContain('Pass for another day');
    // The accessible tables hold the same numbers as the seed.
    const busiestHour = month.hours.reduce((best, hour) => (hour.visits > best.visits ? hour : best));
    const hourRow = page
      .getByTestId('chart-hours')
      .getByRole('row', { name: new RegExp(`^${String(busiestHour.hour).padStart(2, '0')}:00 `) });
    expect(await hourRow.locator('td').textContent()).toBe(String(busiestHour.visits));
    for (const day of month.days.slice(0, 5)) {
      const row = perDay.getByRole('row', { name: new RegExp(`^${day.date} `) });
      expect(await row.locator('td').allTextContents()).toEqual([String(day.alumni), String(day.guests), String(day.denied)]);
    }
    await screenshot(page, 'reports-last-30-days');

    // The last 7 days: other numbers.
    await page.getByLabel('Period', { exact: true }).selectOption({ label: 'Last 7 days' });
    const last7 = { from: addDays(today, -6), to: today };
    await page
      .getByRole('status')
      .filter({ hasText: `${last7.from} to ${last7.to} · All gates` })
      .waitFor();
    const week = expectedSummary(seeded, last7.from, last7.to);
    await expectTotals(page, week.totals);
    expect(week.totals.visits).toBeLessThan(month.totals.visits);
    expect(new URL(page.url()).searchParams.get('from')).toBe(last7.from);

    // One gate only.
    const gate = seeded.gates[1]!;
    await page.getByLabel('Gate', { exact: true }).selectOption({ label: gate.name });
    await page
      .getByRole('status')
      .filter({ hasText: `${last7.from} to ${last7.to} · ${gate.name}` })
      .waitFor();
    await expectTotals(page, expectedSummary(seeded, last7.from, last7.to, gate.id).totals);

    // Custom dates, checked before asking: reversed dates are explained, not sent.
    await page.getByLabel('Gate', { exact: true }).selectOption({ label: 'All gates' });
    await page.getByLabel('From', { exact: true }).fill(addDays(today, -3));
    await page.getByLabel('To', { exact: true }).fill(addDays(today, -10));
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.getByText('The last day is before the first day: swap them.').waitFor();
    await page.getByLabel('To', { exact: true }).fill(addDays(today, -2));
    await page.getByRole('button', { name: 'Show report' }).click();
    const custom = { from: addDays(today, -3), to: addDays(today, -2) };
    await page
      .getByRole('status')
      .filter({ hasText: `${custom.from} to ${custom.to} · All gates` })
      .waitFor();
    await expectTotals(page, expectedSummary(seeded, custom.from, custom.to).totals);

    // Back to the month, and download its entries.
    await page.getByLabel('Period', { exact: true }).selectOption({ label: 'Last 30 days' });
    await page
      .getByRole('status')
      .filter({ hasText: `${last30.from} to ${last30.to} · All gates` })
      .waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.reports-result__head').getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`campuspass-entries_${last30.from}_${last30.to}.csv`);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.toString('utf8'), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(month.entries.length);
    expect(rows.some((row) => row['holder_name'] === '陳大文')).toBe(true);
    // Every chart links the same export.
    expect(
      await page
        .getByTestId('chart-hours')
        .getByRole('link', { name: /Download CSV of every entry/ })
        .getAttribute('href'),
    ).toBe(`/api/reports/entries.csv?from=${last30.from}&to=${last30.to}`);
  });

  it('shows a period without entries as zeros; when the charts cannot load, the figures and navigation stay', async () => {
    // The charts' chunk is unreachable (offline, or replaced by a newer deploy) from the first request on: the
    // service worker precaches every asset when it installs, so a route set after sign-in could come too late.
    // Context routes also see the service worker's fetches.
    let refused = 0;
    const { page } = await signedInStaff('auditor', (fresh) =>
      fresh.context().route(/\/assets\/report-charts-[\w-]+\.js$/, (route) => {
        refused++;
        return route.abort('internetdisconnected');
      }),
    );
    const uncaught: string[] = [];
    page.on('pageerror', (error) => uncaught.push(error.message));
    const quiet = { from: addDays(today, -200), to: addDays(today, -198) };
    await page.goto(web.url(`/reports?from=${quiet.from}&to=${quiet.to}`));
    await page
      .getByRole('status')
      .filter({ hasText: `${quiet.from} to ${quiet.to} · All gates` })
      .waitFor();
    await expectTotals(page, { visits: 0, alumniVisits: 0, guestVisits: 0, denied: 0, uniqueAlumni: 0, uniqueGuests: 0 });
    await page.getByRole('alert').filter({ hasText: 'This part of the page could not be shown.' }).waitFor();
    expect(refused).toBeGreaterThan(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Reports', level: 1 }).isVisible()).toBe(true);
    expect(uncaught).toEqual([]);
  });

  it('tells security staff the reports are not for them', async () => {
    const { page, scripts } = await signedInStaff('security-staff');
    await page.getByRole('alert').filter({ hasText: 'Your account is not allowed to use this page.' }).waitFor();
    expect(await page.locator('.reports-totals').count()).toBe(0);
    expect(scripts.filter((script) => script.includes('report-charts'))).toEqual([]);
  });
});
