import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startPortal } from '../support/portal-process.js';

describe('alumni home page', () => {
  let browser: Browser;
  let portal: Awaited<ReturnType<typeof startPortal>>;

  beforeAll(async () => {
    portal = await startPortal();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
  });

  async function open(locale: string, path = '/'): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(new URL(path, portal.baseUrl).href);
    return page;
  }

  it('shows the portal title, sign-in link and a healthy status in English', async () => {
    const page = await open('en-US');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Alumni Portal');
    expect(await page.title()).toBe('Alumni Portal · CampusPass');
    await page.locator('[data-testid="system-status"][data-state="ok"]').waitFor();
    expect(await page.getByTestId('system-status').textContent()).toContain('All systems running');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL('**/sign-in');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.context().close();
  });

  it('starts in Traditional Chinese for zh-HK and remembers a switch to English', async () => {
    const page = await open('zh-HK');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-Hant');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('校友網站');
    await page.locator('[data-testid="system-status"][data-state="ok"]').waitFor();
    expect(await page.getByTestId('system-status').textContent()).toContain('所有系統運作正常');

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Alumni Portal');
    await page.context().close();
  });

  it('tries the session check again when its answer is lost, and offers "Try again" when the portal stays away', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const networkError = page.getByText('Cannot reach the portal. Check your connection and try again.', { exact: true });
    let dropsLeft = 2;
    let checks = 0;
    await page.route('**/api/session', (route) => {
      checks++;
      if (dropsLeft > 0) {
        dropsLeft--;
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    // Two lost answers: the third try gets through and the signed-out visitor goes to sign in, never told of a fault.
    await page.goto(new URL('/profile', portal.baseUrl).href);
    await page.waitForURL('**/sign-in?next=%2Fprofile');
    expect(checks).toBe(3);
    expect(await networkError.count()).toBe(0);

    // Three lost answers in a row: the page says so, and its "Try again" asks once more.
    dropsLeft = 3;
    checks = 0;
    await page.goto(new URL('/profile', portal.baseUrl).href);
    await networkError.waitFor();
    expect(checks).toBe(3);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL('**/sign-in?next=%2Fprofile');
    expect(checks).toBe(4);
    await context.close();
  });

  it('serves client routes through the SPA fallback', async () => {
    const page = await open('en-US', '/sign-in');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.goto(new URL('/no-such-page', portal.baseUrl).href);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Page not found');
    await page.context().close();
  });
});

describe('alumni home page with Redis down', () => {
  it('names the queue as unavailable', async () => {
    const portal = await startPortal({ REDIS_URL: 'redis://127.0.0.1:1' }); // a closed port
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ locale: 'en-US' });
      await page.goto(portal.baseUrl);
      await page.locator('[data-testid="system-status"][data-state="degraded"]').waitFor();
      expect(await page.getByTestId('system-status').textContent()).toContain('Queue (Redis) unavailable');
    } finally {
      await browser.close();
      await portal.close();
    }
  });
});
