import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import {
  createStaff,
  registerByApi,
  seedRegistry,
  signInStaff,
  signInWithCode,
  startWebPortal,
  uniqueGraduate,
  type WebPortal,
} from '../support/web-portal.js';

type PageRole = 'alumnus' | 'aao-admin' | 'security-staff' | 'auditor';

/** Every signed-in page and the roles it is for (the pages' RequireSession and the portal's @Roles agree). */
const PAGES: ReadonlyArray<{ path: string; roles: readonly PageRole[] }> = [
  { path: '/ecard', roles: ['alumnus'] },
  { path: '/profile', roles: ['alumnus'] },
  { path: '/ecard/guests', roles: ['alumnus'] },
  { path: '/security', roles: ['security-staff'] },
  { path: '/security/handheld', roles: ['security-staff'] },
  { path: '/admin/alumni', roles: ['aao-admin', 'auditor'] },
  { path: '/admin/ecard-reviews', roles: ['aao-admin'] },
  { path: '/admin/privileges', roles: ['aao-admin'] },
  { path: '/admin/guest-policy', roles: ['aao-admin', 'auditor'] },
  { path: '/admin/gates', roles: ['aao-admin', 'auditor'] },
  { path: '/admin/keys', roles: ['aao-admin', 'auditor'] },
  { path: '/admin/staff', roles: ['aao-admin'] },
  { path: '/admin/registry', roles: ['aao-admin'] },
  { path: '/admin/audit', roles: ['aao-admin', 'auditor'] },
  { path: '/reports', roles: ['aao-admin', 'auditor'] },
];

const REFUSED = 'Your account is not allowed to use this page.';

const NETWORK_ERROR = 'Cannot reach the portal. Check your connection and try again.';

/**
 * Waits for the main navigation, which appears once the session has loaded. Under a loaded CI machine the session
 * request can fail (the page then says the portal cannot be reached and offers "Try again"): a person would press it,
 * and so does this, once; the navigation must then appear.
 */
async function sessionLoaded(page: Page, path: string, errors: readonly string[]): Promise<void> {
  const navigation = page.getByRole('navigation', { name: 'Main' });
  const networkError = page.getByText(NETWORK_ERROR, { exact: true });
  await navigation.or(networkError).first().waitFor();
  if (!(await navigation.isVisible())) await page.getByRole('button', { name: 'Try again' }).click();
  await navigation.waitFor().catch(async (error: unknown) => {
    const text = (
      await page
        .locator('main')
        .innerText()
        .catch(() => '(no main)')
    ).slice(0, 300);
    throw new Error(`${path}: no navigation (${page.url()}): ${text}\nbrowser errors: ${errors.join('\n') || 'none'}\n${String(error)}`);
  });
}

/**
 * Opens each page in the signed-in browser: the page's own content for its roles, the refusal for everyone else. The
 * main navigation (shown once the session is known) offers exactly the pages of the role.
 */
async function visitEveryPage(web: WebPortal, page: Page, role: PageRole): Promise<string[]> {
  const wrong: string[] = [];
  // Uncaught errors are defects of the page (they can blank the app); console errors only explain a failure.
  const errors: string[] = [];
  page.on('pageerror', (error) => {
    errors.push(`uncaught on ${page.url()}: ${error.stack ?? error.message}`);
    wrong.push(`uncaught error on ${new URL(page.url()).pathname}: ${error.message}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console on ${page.url()}: ${message.text()}`);
  });
  for (const { path, roles } of PAGES) {
    await page.goto(web.url(path));
    // The navigation appears when the session has loaded; the page then shows its content or the refusal at once.
    await sessionLoaded(page, path, errors);
    const refused = (await page.getByText(REFUSED, { exact: true }).count()) > 0;
    if (refused === roles.includes(role)) wrong.push(`${path}: ${refused ? 'refused' : 'shown'}`);
  }
  const linked = await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
  const expected = PAGES.filter((candidate) => candidate.roles.includes(role)).map((candidate) => candidate.path);
  const unexpected = linked.filter((path) => !expected.includes(path));
  if (unexpected.length > 0) wrong.push(`navigation offers ${unexpected.join(', ')}`);
  return wrong;
}

describe('each role reaches only its pages (Debian chromium against the real portal)', () => {
  let web: WebPortal;

  beforeAll(async () => {
    web = await startWebPortal();
  }, 120_000);

  afterAll(async () => {
    await web?.close();
  });

  it.each(['aao-admin', 'security-staff', 'auditor'] as const)(
    'signed in as %s: its own pages, the refusal on the others, and only its pages in the navigation',
    async (role) => {
      const email = `${role}-${randomUUID().slice(0, 8)}@example.edu`;
      const password = await createStaff(web, { email, name: `Test ${role}`, role });
      const page = await web.newPage({ width: 1280, height: 900 });
      const first = PAGES.find((candidate) => candidate.roles.includes(role))!.path;
      await signInStaff(web, page, { email, password }, first);
      expect(await visitEveryPage(web, page, role)).toEqual([]);
    },
    180_000,
  );

  it('an alumnus sees the alumni pages and is refused every staff page', async () => {
    const graduate = uniqueGraduate();
    await seedRegistry(web, [graduate]);
    const email = `alumnus-${randomUUID().slice(0, 8)}@example.com`;
    await registerByApi(web, graduate, email);
    const page = await web.newPage({ width: 1280, height: 900 });
    await signInWithCode(web, page, email);
    expect(await visitEveryPage(web, page, 'alumnus')).toEqual([]);
  }, 180_000);
});
