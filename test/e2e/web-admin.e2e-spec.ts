import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Page, Route } from 'playwright-core';
import { createStaff, signInStaff, startWebPortal, type WebPortal } from '../support/web-portal.js';
import { screenshot } from '../support/web-media.js';
import { waitUntil } from '../support/wait.js';

const newEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.edu`;

interface KeyRow {
  readonly kid: string;
  readonly purpose: string;
  readonly status: string;
}

/** A page-side check (as text: it runs in the browser): the audit table shows rows, all of actions starting with `prefix`. */
/** Waits until the audit table lists entries, every one of them of the action family `prefix`. */
const onlyActions = (page: Page, prefix: string) =>
  waitUntil(`only ${prefix}* actions listed`, async () => {
    const actions = await page.getByTestId('audit-entry').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action') ?? ''));
    return actions.length > 0 && actions.every((action) => action.startsWith(prefix));
  });

/** An API answer read with the page's own session (cookies), as the page would. */
async function apiGet<T>(web: WebPortal, page: Page, pathname: string): Promise<T> {
  const response = await page.request.get(web.url(pathname), { headers: { accept: 'application/json' } });
  if (!response.ok()) throw new Error(`GET ${pathname} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

describe('AAO administration in Chromium against the real portal: gates, keys, staff and the audit log', () => {
  let web: WebPortal;
  let admin: { email: string; password: string; name: string };
  let page: Page;
  const gateName = `North Entrance, Turnstile ${randomUUID().slice(0, 4)}`;
  const member = { email: newEmail('new-guard'), name: 'Nora New' };

  beforeAll(async () => {
    web = await startWebPortal();
    admin = { email: newEmail('ada'), name: 'Ada Admin', password: '' };
    admin.password = await createStaff(web, { email: admin.email, name: admin.name, role: 'aao-admin' });
    page = await web.newPage({ width: 1280, height: 900 });
    await signInStaff(web, page, admin, '/admin/gates');
  });

  afterAll(async () => {
    await web?.close();
  });

  it('creates a gate and shows its one-time enrollment code, edits its policy, then revokes it', async () => {
    await page.getByRole('heading', { level: 1, name: 'Gates' }).waitFor();
    await page.getByRole('button', { name: 'Create gate' }).click();
    await page.getByText('Enter a name of 1 to 200 characters').waitFor();
    await page.getByLabel('Gate name').fill(gateName);
    await page.getByRole('button', { name: 'Create gate' }).click();

    const issued = page.getByTestId('enrollment-code');
    await issued.getByRole('heading', { name: `Enrollment code for ${gateName}` }).waitFor();
    const code = (await issued.getByLabel('Enrollment code').textContent())!.trim();
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(await issued.textContent()).toContain(`npm run gate -- --enroll ${code}`);
    expect(await issued.textContent()).toContain('This code is shown only now');
    await screenshot(page, 'admin-gates-code');
    await issued.getByRole('button', { name: 'I have copied it' }).click();
    await issued.waitFor({ state: 'detached' });

    const card = page.getByTestId('gate').filter({ hasText: gateName });
    await card.getByText('Waiting for enrollment').waitFor();
    await card.getByRole('button', { name: 'Edit policy' }).click();
    const form = card.getByRole('form', { name: `Policy of ${gateName}` });
    await form.getByLabel('Guest passes').uncheck();
    await form.getByLabel('Zone', { exact: true }).fill('16');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await form.getByText('Enter a whole number from 0 to 15.').waitFor();
    await form.getByLabel('Zone', { exact: true }).fill('3');
    await form.getByLabel('Re-entry window (seconds)').fill('120');
    await form.getByRole('button', { name: 'Add opening hours' }).click();
    await form.getByLabel('Opens').fill('07:30');
    await form.getByLabel('Closes').fill('21:00');
    await screenshot(page, 'admin-gates-policy');
    // A slow list after saving: the message waits for it, so what it announces is on the card when it shows.
    const slowList = async (route: Route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    };
    await page.route('**/api/admin/gates', slowList);
    await form.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText(`The policy of ${gateName} is saved.`).waitFor();
    await page.unroute('**/api/admin/gates', slowList);
    await expect(card.getByTestId('gate-policy').textContent()).resolves.toBe(
      'Alumni day passes · zone 3 · re-entry after 120 s · Mon Tue Wed Thu Fri 07:30–21:00',
    );
    const gates = await apiGet<Array<{ name: string; id: string; policy: unknown }>>(web, page, '/api/admin/gates');
    expect(gates.find((gate) => gate.name === gateName)!.policy).toEqual({
      passKinds: ['alumni-day'],
      zone: 3,
      hours: [{ weekdays: [1, 2, 3, 4, 5], open: '07:30', close: '21:00' }],
      reEntryWindowSeconds: 120,
    });

    await card.getByRole('button', { name: 'Revoke' }).click();
    await card.getByRole('button', { name: 'Revoke gate' }).click();
    await card.getByText('Give a reason of 3 to 500 characters').waitFor();
    await card.getByLabel('Reason (for the audit log)').fill('device stolen');
    await card.getByRole('button', { name: 'Revoke gate' }).click();
    await page.getByText(`${gateName} is revoked.`).waitFor();
    await card.locator('.admin-badge', { hasText: 'Revoked' }).waitFor();
    expect(await card.getByRole('button', { name: 'Edit policy' }).count()).toBe(0);
  });

  it('rotates the signing keys and shows the new next key', async () => {
    await page.goto(web.url('/admin/keys'));
    await page.getByRole('heading', { level: 1, name: 'Signing keys' }).waitFor();
    const before = await apiGet<KeyRow[]>(web, page, '/api/admin/keys');
    const nextBefore = before.find((key) => key.purpose === 'pass' && key.status === 'next')?.kid;

    await page.getByRole('button', { name: 'Rotate keys now' }).click();
    await page.getByText('Rotate now? Gates that have not synced').waitFor();
    await page.getByRole('button', { name: 'Yes, rotate now' }).click();
    await page.getByText(/New pass key [0-9a-f]{16} created\./).waitFor();

    await screenshot(page, 'admin-keys');
    const after = await apiGet<KeyRow[]>(web, page, '/api/admin/keys');
    const nextAfter = after.find((key) => key.purpose === 'pass' && key.status === 'next')!.kid;
    expect(nextAfter).not.toBe(nextBefore);
    const nextRow = page.locator('[data-testid="key"][data-status="next"][data-purpose="pass"]');
    await expect(nextRow.locator('code').textContent()).resolves.toBe(nextAfter);
    if (nextBefore) {
      // The old next key took over: it is the active one now.
      const activeRow = page.locator('[data-testid="key"][data-status="active"][data-purpose="pass"]');
      await expect(activeRow.locator('code').textContent()).resolves.toBe(nextBefore);
    }
    // The bundle key is pinned on gates: the page says why it cannot be retired rather than offering it.
    await page
      .locator('[data-testid="key"][data-purpose="bundle"][data-status="active"]')
      .getByText('every gate pins the bundle key')
      .waitFor();
  });

  it('revokes a compromised pass key after asking for a reason; the next key takes over', async () => {
    const before = await apiGet<KeyRow[]>(web, page, '/api/admin/keys');
    const active = before.find((key) => key.purpose === 'pass' && key.status === 'active')!.kid;
    const next = before.find((key) => key.purpose === 'pass' && key.status === 'next')!.kid;
    const row = page.locator('[data-testid="key"]').filter({ hasText: active });
    await row.getByRole('button', { name: `Revoke ${active}` }).click();
    await row.getByText(`Revoke the active key ${active} because it may be stolen?`).waitFor();
    await row.getByRole('button', { name: 'Yes, revoke it now' }).click();
    await row.getByText('Please say why the key is revoked').waitFor();
    await row.getByLabel('Reason (for the key list and the audit log)').fill('private key exposed in a backup');
    await row.getByRole('button', { name: 'Yes, revoke it now' }).click();
    await page.getByText(`The pass key ${active} is revoked: gates stop trusting it at their next bundle fetch.`).waitFor();
    const revokedRow = page.locator('[data-testid="key"][data-status="revoked"]').filter({ hasText: active });
    await expect(revokedRow.getByTestId('key-revoked').textContent()).resolves.toMatch(/^Revoked .+: private key exposed in a backup$/);
    const activeRow = page.locator('[data-testid="key"][data-status="active"][data-purpose="pass"]');
    await expect(activeRow.locator('code').textContent()).resolves.toBe(next);
    const after = await apiGet<KeyRow[]>(web, page, '/api/admin/keys');
    expect(after.find((key) => key.kid === active)!.status).toBe('revoked');
    expect(after.filter((key) => key.purpose === 'pass' && key.status === 'next')).toHaveLength(1);
    // The bundle key offers no revocation either: the page says why.
    const bundleRow = page.locator('[data-testid="key"][data-purpose="bundle"][data-status="active"]');
    await bundleRow.getByText('Cannot be revoked: gates pin it at enrollment.').waitFor();
    expect(await bundleRow.getByRole('button', { name: /^Revoke / }).count()).toBe(0);
  });

  it('creates a member of staff (who can sign in with the password shown once) and changes their role', async () => {
    await page.goto(web.url('/admin/staff'));
    await page.getByRole('heading', { level: 1, name: 'Staff accounts' }).waitFor();
    await page.getByLabel('Email address').fill(member.email);
    await page.getByLabel('Name', { exact: true }).fill(member.name);
    await page.getByLabel('Role', { exact: true }).selectOption('security-staff');
    await page.getByRole('button', { name: 'Add staff member' }).click();
    const created = page.getByTestId('created-staff');
    await created.getByRole('heading', { name: `${member.name} can now sign in` }).waitFor();
    const password = (await created.getByLabel('First password').textContent())!.trim();
    expect(password.length).toBeGreaterThanOrEqual(16);

    const row = page.locator(`[data-testid="staff-member"][data-email="${member.email}"]`);
    // The role cell (the row's role <select> lists every role's name, so the row's whole text would not do).
    await row.getByRole('cell', { name: 'Security staff', exact: true }).waitFor();
    // Ada's own row offers no changes.
    await page
      .locator(`[data-testid="staff-member"][data-email="${admin.email}"]`)
      .getByText('Another AAO admin can change your account.')
      .waitFor();

    await screenshot(page, 'admin-staff');
    const theirs = await web.newPage({ width: 1280, height: 900 });
    await signInStaff(web, theirs, { email: member.email, password }, '/security');

    await row.getByLabel(`New role for ${member.name}`).selectOption('auditor');
    await row.getByRole('button', { name: 'Change role' }).click();
    await page.getByText(`${member.name} is now Auditor; they sign in again to use it.`).waitFor();
    await row.getByRole('cell', { name: 'Auditor', exact: true }).waitFor();
    expect(await row.getByRole('cell', { name: 'Security staff', exact: true }).count()).toBe(0);

    // Their session ended with the change: the next page load asks them to sign in.
    await theirs.goto(web.url('/admin/audit'));
    await theirs.waitForURL('**/staff/sign-in?next=%2Fadmin%2Faudit');
  });

  it('filters the audit log to those actions and downloads them as CSV', async () => {
    await page.goto(web.url('/admin/audit'));
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByLabel('Action', { exact: true }).fill('gate.*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL('**/admin/audit?action=gate.*');
    const entries = page.getByTestId('audit-entry');
    await entries.first().waitFor();
    await onlyActions(page, 'gate.');
    const actions = await entries.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    expect(actions).toEqual(expect.arrayContaining(['gate.revoke', 'gate.policy', 'gate.create']));
    expect(await entries.filter({ hasText: 'gate.revoke' }).textContent()).toContain(`${admin.name} (${admin.email})`);

    await page.getByLabel('Action', { exact: true }).fill('staff.*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL('**/admin/audit?action=staff.*');
    await onlyActions(page, 'staff.');
    await entries.filter({ hasText: 'staff.role' }).waitFor();

    await screenshot(page, 'admin-audit');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^campuspass-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const records = parseCsv(await readFile((await download.path())!), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(records.every((record) => record.action!.startsWith('staff.'))).toBe(true);
    const roleChange = records.find((record) => record.action === 'staff.role')!;
    expect(roleChange).toMatchObject({ actor_type: 'staff', actor_email: admin.email, target_type: 'staff', outcome: 'success' });
    expect(JSON.parse(roleChange.details!)).toMatchObject({ from: 'security-staff', to: 'auditor' });
    expect(records.map((record) => record.action)).toContain('staff.create');

    // Times are typed and shown in Hong Kong time, whatever the device's zone: 08:00 in Hong Kong is 00:00 UTC.
    await page.getByLabel('From (Hong Kong time)').fill('2020-01-01T08:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('from') === '2020-01-01T00:00:00.000Z');
    expect(await page.getByLabel('From (Hong Kong time)').inputValue()).toBe('2020-01-01T08:00');
    await page.reload();
    expect(await page.getByLabel('From (Hong Kong time)').inputValue()).toBe('2020-01-01T08:00');
    await entries.first().waitFor();
    const shown = await entries.first().locator('td').first().textContent();
    const newest = (await apiGet<{ events: Array<{ occurredAt: string }> }>(web, page, '/api/admin/audit?action=staff.*&limit=1'))
      .events[0]!;
    expect(shown).toBe(
      new Date(newest.occurredAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Asia/Hong_Kong' }),
    );
  });

  it('shows an auditor the audit log, and no admin controls on the other admin pages', async () => {
    const auditor = { email: newEmail('al'), password: '' };
    auditor.password = await createStaff(web, { email: auditor.email, name: 'Al Auditor', role: 'auditor' });
    const theirs = await web.newPage({ width: 1280, height: 900 });
    await signInStaff(web, theirs, auditor, '/admin/audit');
    await theirs.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await theirs.getByLabel('Action', { exact: true }).fill('audit.export');
    await theirs.getByRole('button', { name: 'Apply filters' }).click();
    await theirs.getByTestId('audit-entry').filter({ hasText: admin.email }).first().waitFor();
    expect(await theirs.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toBe(
      '/api/admin/audit/export.csv?action=audit.export',
    );

    await theirs.goto(web.url('/admin/gates'));
    await theirs.getByTestId('gate').filter({ hasText: gateName }).waitFor();
    await theirs.getByText('You can read this page; only AAO admins can change it.').waitFor();
    for (const name of ['Create gate', 'Edit policy', 'Revoke', 'New enrollment code']) {
      expect(await theirs.getByRole('button', { name }).count()).toBe(0);
    }

    await theirs.goto(web.url('/admin/keys'));
    await theirs.getByTestId('keys').waitFor();
    expect(await theirs.getByRole('button', { name: 'Rotate keys now' }).count()).toBe(0);
    expect(await theirs.getByRole('button', { name: /^Retire / }).count()).toBe(0);
    expect(await theirs.getByRole('button', { name: /^Revoke / }).count()).toBe(0);

    await theirs.goto(web.url('/admin/staff'));
    await theirs.getByRole('alert').filter({ hasText: 'Your account is not allowed to use this page.' }).waitFor();
    expect(await theirs.getByRole('button', { name: 'Add staff member' }).count()).toBe(0);
  });
});
