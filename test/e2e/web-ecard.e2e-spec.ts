import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { campusDayOf } from '@campuspass/pass-token';
import { decodeQrFromScreenshot, verifyPublished } from '../support/qr-screenshot.js';
import {
  createStaff,
  publishedPassKeys,
  registerByApi,
  seedRegistry,
  setContactByApi,
  signInStaff,
  signInWithCode,
  startWebPortal,
  uniqueGraduate,
  type WebPortal,
} from '../support/web-portal.js';
import { testPhoto, screenshot } from '../support/web-media.js';

const newEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

/** A real 800×1000 JPEG portrait-sized photo (smooth noise, so it is not a flat colour). */

/** The eCard photo on the page has actually loaded (from the network or the service worker's cache). */
const PHOTO_LOADED = `(() => {
  const image = document.querySelector('img.alumni-card__photo');
  return !!image && image.complete && image.naturalWidth > 0;
})()`;

async function photoLoaded(page: Page): Promise<boolean> {
  return (await page.evaluate(PHOTO_LOADED)) === true;
}

describe('Alumni eCard and the installable app, in Chromium against the real portal', () => {
  let web: WebPortal;
  let files: string;

  beforeAll(async () => {
    web = await startWebPortal();
    files = await mkdtemp(path.join(tmpdir(), 'campuspass-ecard-'));
  });

  afterAll(async () => {
    await web?.close();
    if (files) await rm(files, { recursive: true, force: true });
  });

  async function signedInAlumnus(): Promise<{ page: Page; name: string }> {
    const email = newEmail('ecard');
    const graduate = uniqueGraduate();
    await seedRegistry(web, [graduate]);
    await registerByApi(web, graduate, email);
    const page = await web.newPage();
    await signInWithCode(web, page, email);
    return { page, name: `${graduate.givenName} ${graduate.surname}` };
  }

  it('asks for the contact details first, then activates the eCard with a photo and shows the card', async () => {
    const { page, name } = await signedInAlumnus();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alumni eCard' }).click();
    await page.waitForURL('**/ecard');
    await page.getByRole('heading', { level: 1, name: 'Alumni eCard' }).waitFor();
    await page.getByText('Please update your contact information first').waitFor();
    expect(await page.getByRole('link', { name: 'Update contact information' }).getAttribute('href')).toBe('/profile#contact');
    expect(await page.getByLabel('Photo', { exact: true }).count()).toBe(0);

    await setContactByApi(page);
    await page.reload();
    const input = page.getByLabel('Photo', { exact: true });
    await input.waitFor();
    expect(await input.getAttribute('accept')).toBe('image/jpeg,image/png,image/webp');

    await page.getByRole('button', { name: 'Upload photo' }).click();
    await page.getByText('Please choose a photo.').waitFor();

    // Over 10 MB is refused in the browser, with the portal's words.
    const large = path.join(files, 'large.jpg');
    await writeFile(large, Buffer.alloc(10 * 1024 * 1024 + 1, 0xff));
    await input.setInputFiles(large);
    await page.getByText('The photo is larger than 10 MB. Upload a JPEG, PNG or WebP photo of at most 10 MB.').waitFor();

    const portrait = path.join(files, 'portrait.jpg');
    await writeFile(portrait, await testPhoto(1, { width: 800, height: 1000 }));
    await input.setInputFiles(portrait);
    await page.getByRole('img', { name: 'Preview of the photo you chose' }).waitFor();
    await page.getByRole('button', { name: 'Upload photo' }).click();

    await page.getByText('Your eCard is active. You can view it right away.').waitFor();
    const card = page.getByTestId('ecard');
    await expect(card.locator('.alumni-card__name').textContent()).resolves.toBe(name);
    expect(await card.locator('.alumni-card__number').textContent()).toMatch(/^A\d{8}$/);
    expect(await card.textContent()).toContain('Active');
    expect(await card.textContent()).toContain('Bachelor of Science');
    expect(await card.textContent()).toContain('(2012)');
    await expect(page.getByTestId('photo-status').textContent()).resolves.toContain('Photo waiting for review');
    await page.waitForFunction(PHOTO_LOADED);
    expect(await photoLoaded(page)).toBe(true);
    await page.getByRole('heading', { name: 'Alumni privileges' }).waitFor();

    // FAQ 20: today's one-day QR code, on demand.
    const showCode = page.getByRole('button', { name: 'Campus Access QR Code' });
    expect(await page.getByTestId('day-pass-qr').isVisible()).toBe(false);
    await showCode.click();
    const qr = page.getByTestId('day-pass-qr');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    await page.getByText(/^Valid on /).waitFor();
    await screenshot(page, 'ecard-en');

    // What the screen shows is today's signed pass: read it from a screenshot of the page (as a turnstile camera
    // would), decode it with libs/pass-token and verify it against the key the portal publishes.
    const shown = await decodeQrFromScreenshot(page);
    const dayPass = await page.request.get(web.url('/api/passes/today'), { headers: { accept: 'application/json' } });
    expect(shown.text).toBe(((await dayPass.json()) as { qrText: string }).qrText);
    const verified = verifyPublished(shown.text, await publishedPassKeys(web));
    expect(verified.fields.kind).toBe('alumni-day');
    expect(verified.fields.campusDay).toBe(campusDayOf(new Date()));

    await page.getByRole('button', { name: '繁體中文' }).click();
    await page.getByRole('heading', { level: 1, name: '校友電子證' }).waitFor();
    await page.getByText(/^有效日期：/).waitFor();
    await page.getByText('有效').first().waitFor();
    await screenshot(page, 'ecard-zh-Hant');
  });

  it('is installable (manifest, icons, service worker) and opens the eCard offline once loaded', async () => {
    const { page, name } = await signedInAlumnus();
    await setContactByApi(page);
    await page.goto(web.url('/ecard'));
    await page
      .getByLabel('Photo', { exact: true })
      .setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: await testPhoto(2, { width: 800, height: 1000 }) });
    await page.getByRole('button', { name: 'Upload photo' }).click();
    await page.getByTestId('ecard').waitFor();

    const manifestHref = (await page.evaluate(`document.querySelector('link[rel="manifest"]').href`)) as string;
    const manifest = (await (await page.request.get(manifestHref)).json()) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      name: 'CampusPass Alumni Portal',
      short_name: 'CampusPass',
      start_url: '/ecard',
      scope: '/',
      display: 'standalone',
    });
    const icons = manifest['icons'] as Array<{ src: string; sizes: string; type: string; purpose?: string }>;
    expect(icons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sizes: '192x192', type: 'image/png' }),
        expect.objectContaining({ sizes: '512x512', type: 'image/png' }),
      ]),
    );
    for (const icon of icons) expect((await page.request.get(new URL(icon.src, manifestHref).href)).status()).toBe(200);
    expect(await page.locator('link[rel="apple-touch-icon"]').getAttribute('href')).toBe('/icons/apple-touch-icon.png');
    expect(await page.locator('meta[name="apple-mobile-web-app-capable"]').getAttribute('content')).toBe('yes');

    const scope = await page.evaluate('navigator.serviceWorker.ready.then((registration) => registration.scope)');
    expect(scope).toBe(web.url('/'));
    await page.waitForFunction('navigator.serviceWorker.controller !== null');
    const worker = await (await page.request.get(web.url('/sw.js'))).text();
    expect(worker).toMatch(/const BUILD = \{"version":"[0-9a-f]{12}","precache":\["\/assets\//);

    // Online once under the worker's control (the card and photo pass through it), then offline.
    await page.reload();
    await page.getByTestId('ecard').waitFor();
    await page.waitForFunction(PHOTO_LOADED);
    // Today's pass is fetched on its own; its button shows once it arrived (and the worker kept it).
    await page.getByRole('button', { name: 'Campus Access QR Code' }).waitFor();
    await page.context().setOffline(true);
    try {
      await page.reload();
      await page.getByText('You are offline. This is the eCard saved on this device.').waitFor();
      const card = page.getByTestId('ecard');
      await expect(card.locator('.alumni-card__name').textContent()).resolves.toBe(name);
      await page.waitForFunction(PHOTO_LOADED);
      expect(await photoLoaded(page)).toBe(true);
      await page.getByRole('button', { name: 'Campus Access QR Code' }).click();
      await page.getByTestId('day-pass-qr').waitFor();
      await page.getByText(/^Valid on /).waitFor();
      // Other API answers are never cached: the profile is not there offline.
      const profileOffline = await page.evaluate(() =>
        fetch('/api/profile').then(
          (response) => response.status,
          () => 'failed',
        ),
      );
      expect(profileOffline).toBe('failed');
    } finally {
      await page.context().setOffline(false);
    }

    // Signing out forgets the cached card.
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in?signedOut=1');
    const dataCaches = await page.evaluate("caches.keys().then((keys) => keys.filter((key) => key.startsWith('campuspass-data-')))");
    expect(dataCaches).toEqual([]);
  });

  it('lets the AAO reject a photo with a reason (the alumnus sees it and uploads again), approve it, and review a change', async () => {
    const { page: alumnus, name } = await signedInAlumnus();
    await setContactByApi(alumnus);
    await alumnus.goto(web.url('/ecard'));
    await alumnus
      .getByLabel('Photo', { exact: true })
      .setInputFiles({ name: 'first.jpg', mimeType: 'image/jpeg', buffer: await testPhoto(3, { width: 800, height: 1000 }) });
    await alumnus.getByRole('button', { name: 'Upload photo' }).click();
    await alumnus.getByTestId('ecard').waitFor();

    const email = newEmail('aao-review');
    const password = await createStaff(web, { email, name: 'Ada Wong', role: 'aao-admin' });
    const admin = await web.newPage({ width: 1280, height: 800 });
    await signInStaff(web, admin, { email, password }, '/admin/ecard-reviews');
    const itemOf = () => admin.getByTestId('review-item').filter({ hasText: name });

    // Reject the new photo: a reason is required.
    let item = itemOf();
    await item.waitFor();
    expect(await item.textContent()).toContain('New');
    expect(await item.getByRole('link', { name: 'Open full photo', exact: true }).getAttribute('href')).toMatch(
      /^\/api\/admin\/ecard\/reviews\/[0-9a-f-]{36}\/photo$/,
    );
    await item.getByRole('button', { name: 'Reject' }).click();
    await item.getByRole('button', { name: 'Reject photo' }).click();
    await item.getByText('Please give a reason (at least 3 characters).').waitFor();
    await item.getByLabel('Reason').fill('Your face is not clearly visible.');
    await item.getByRole('button', { name: 'Reject photo' }).click();
    await admin.getByText(`Rejected the photo of ${name}.`).waitFor();
    expect(await itemOf().count()).toBe(0);

    await alumnus.reload();
    const status = alumnus.getByTestId('photo-status');
    await status.getByText('Photo not accepted').waitFor();
    expect(await status.textContent()).toContain('Reason: Your face is not clearly visible.');
    await alumnus.getByRole('heading', { name: 'Upload another photo' }).waitFor();
    await alumnus
      .getByLabel('Photo', { exact: true })
      .setInputFiles({ name: 'second.jpg', mimeType: 'image/jpeg', buffer: await testPhoto(4, { width: 800, height: 1000 }) });
    await alumnus.getByRole('button', { name: 'Upload photo' }).click();
    await status.getByText('Photo waiting for review').waitFor();

    // Approve the new upload.
    await admin.getByRole('button', { name: 'Refresh' }).click();
    item = itemOf();
    await item.waitFor();
    await item.getByRole('button', { name: 'Approve' }).click();
    await admin.getByText(`Approved the photo of ${name}.`).waitFor();
    await alumnus.reload();
    await status.getByText('Photo approved').waitFor();

    // A change of an approved photo is reviewed beside the previous one.
    await alumnus.locator('summary', { hasText: 'Change my photo' }).click();
    await alumnus
      .getByLabel('Photo', { exact: true })
      .setInputFiles({ name: 'third.jpg', mimeType: 'image/jpeg', buffer: await testPhoto(5, { width: 800, height: 1000 }) });
    await alumnus.getByRole('button', { name: 'Upload photo' }).click();
    await alumnus.getByText('Your new photo is uploaded. Your eCard stays active while the Alumni Affairs Office checks it.').waitFor();
    await status.getByText('Photo waiting for review').waitFor();

    await admin.getByRole('button', { name: 'Refresh' }).click();
    item = itemOf();
    await item.waitFor();
    expect(await item.textContent()).toContain('Changed');
    await item.getByRole('img', { name: 'Previous photo' }).waitFor();
    await item.getByRole('button', { name: 'Approve' }).click();
    await admin.getByText(`Approved the photo of ${name}.`).waitFor();

    // Privileges: the AAO adds one in both languages, edits and deletes it; the alumnus sees it in their language.
    const tag = randomUUID().slice(0, 6);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alumni privileges' }).click();
    await admin.waitForURL('**/admin/privileges');
    await admin.getByRole('button', { name: 'Add a privilege' }).click();
    await admin.getByRole('button', { name: 'Save' }).click();
    expect(await admin.getByText('Please fill this in.').count()).toBe(2);
    await admin.getByLabel('Title (English)').fill(`Hotel ICON dining ${tag}`);
    await admin.getByLabel('Title (Traditional Chinese)').fill(`唯港薈餐飲 ${tag}`);
    await admin.getByLabel('Description (English)').fill('15% off food and beverages.');
    await admin.getByLabel('Description (Traditional Chinese)').fill('餐飲八五折。');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText(`Saved “Hotel ICON dining ${tag}”.`).waitFor();
    const privilege = admin.getByTestId('privilege').filter({ hasText: tag });
    await privilege.getByRole('button', { name: 'Edit' }).click();
    await admin.getByLabel('Description (English)').fill('20% off food and beverages.');
    await admin.getByRole('button', { name: 'Save' }).click();
    await privilege.getByText('20% off food and beverages.').waitFor();

    await alumnus.reload();
    const privileges = alumnus.getByRole('region', { name: 'Alumni privileges' });
    await privileges.getByRole('heading', { name: `Hotel ICON dining ${tag}` }).waitFor();
    await privileges.getByText('20% off food and beverages.').waitFor();
    await alumnus.getByRole('button', { name: '繁體中文' }).click();
    await alumnus
      .getByRole('region', { name: '校友優惠' })
      .getByRole('heading', { name: `唯港薈餐飲 ${tag}` })
      .waitFor();

    admin.once('dialog', (dialog) => void dialog.accept());
    await privilege.getByRole('button', { name: 'Delete' }).click();
    await admin.getByText(`Deleted “Hotel ICON dining ${tag}”.`).waitFor();
    // The list reloads after the confirmation appears: wait for the row to go, then check it stays gone.
    await admin.getByTestId('privilege').filter({ hasText: tag }).waitFor({ state: 'detached' });
    expect(await admin.getByTestId('privilege').filter({ hasText: tag }).count()).toBe(0);
  });
});
