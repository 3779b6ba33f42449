import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { decodeQrFromScreenshot, verifyPublished } from '../support/qr-screenshot.js';
import { activeAlumnus, publishedPassKeys, startWebPortal, type PublishedPassKey, type WebPortal } from '../support/web-portal.js';
import { testPhoto, screenshot } from '../support/web-media.js';

/** A real JPEG photo for the eCard (smooth noise, not a flat colour). */

interface GuestPassJson {
  id: string;
  guestName: string;
  purpose: string;
  date: string;
  dateInWords: { en: string; 'zh-Hant': string };
  status: string;
  qrText?: string;
  share?: { link: string; whatsappUrl: string };
}

interface PolicyJson {
  maxGuestsPerDay: number;
  firstDate: string;
  lastDate: string;
}

async function apiGet<T>(page: Page, web: WebPortal, pathname: string): Promise<T> {
  const response = await page.request.get(web.url(pathname), { headers: { accept: 'application/json' } });
  if (!response.ok()) throw new Error(`GET ${pathname} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('Guest Access and the public guest page, in Chromium against the real portal', () => {
  let web: WebPortal;
  let keys: PublishedPassKey[];

  beforeAll(async () => {
    web = await startWebPortal();
    keys = await publishedPassKeys(web);
  });

  afterAll(async () => {
    await web?.close();
  });

  it('creates two guests for tomorrow, lists and shares them, shows the guest page with a verifiable QR, and cancels one', async () => {
    const { page } = await activeAlumnus(web, await testPhoto(11));
    const guestA = 'Wong Siu Ling';
    const guestB = 'Lee Ka Ho';

    // From the eCard page to Guest Access.
    await page.getByRole('link', { name: 'Guest Access' }).click();
    await page.waitForURL('**/ecard/guests');
    await page.getByRole('heading', { level: 1, name: 'Guest Access' }).waitFor();
    await page.getByText('You have no guest passes yet.').waitFor();

    // New Campus Access: the date picker spans today … the policy limit, starting at tomorrow; the limit is shown.
    const policy = await apiGet<PolicyJson>(page, web, '/api/guest-passes/policy');
    const tomorrow = dayAfter(policy.firstDate);
    await page.getByRole('button', { name: 'New Campus Access' }).click();
    const form = page.getByRole('form', { name: 'New Campus Access' });
    const date = form.getByLabel('Access date');
    expect(await date.getAttribute('min')).toBe(policy.firstDate);
    expect(await date.getAttribute('max')).toBe(policy.lastDate);
    expect(await date.inputValue()).toBe(tomorrow);
    await form.getByText(`From ${policy.firstDate} to ${policy.lastDate}.`).waitFor();
    await form.getByText(`Up to ${policy.maxGuestsPerDay} guests per day`).waitFor();

    // Nothing filled in: each field says what it needs.
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Please choose the purpose of the visit.').waitFor();
    await form.getByText('Please enter at least one guest name.').waitFor();
    await screenshot(page, 'guests-form-errors');

    // Two guests (a third row added and removed again).
    await form.getByLabel('Purpose of visit').selectOption('Visit');
    await form.getByLabel('Guest 1 name').fill(guestA);
    await form.getByRole('button', { name: 'Add another guest' }).click();
    await form.getByLabel('Guest 2 name').fill(guestB);
    await form.getByRole('button', { name: 'Add another guest' }).click();
    await form.getByLabel('Guest 3 name').fill('Someone Else');
    await form.getByRole('button', { name: 'Remove guest 3' }).click();
    expect(await form.getByLabel('Guest 3 name').count()).toBe(0);
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/^Saved\. Your guests' QR codes for .+ are listed below\.$/).waitFor();

    const passes = await apiGet<GuestPassJson[]>(page, web, '/api/guest-passes');
    expect(passes.map((pass) => pass.guestName).sort()).toEqual([guestB, guestA].sort());
    const words = passes[0]!.dateInWords.en;
    await page.getByText(`Saved. Your guests' QR codes for ${words} are listed below.`).waitFor();
    const itemOf = (name: string) => page.getByTestId('guest-pass').filter({ hasText: name });
    for (const name of [guestA, guestB]) {
      const text = await itemOf(name).textContent();
      expect(text).toContain('Valid');
      expect(text).toContain(words);
      expect(text).toContain('Visit');
    }

    // The portal's limit per day, shown beside the guest names: 2 already booked, 4 more is too many, nothing stored.
    await page.getByRole('button', { name: 'New Campus Access' }).click();
    await form.getByLabel('Purpose of visit').selectOption('Meeting');
    for (let index = 1; index <= 4; index++) {
      if (index > 1) await form.getByRole('button', { name: 'Add another guest' }).click();
      await form.getByLabel(`Guest ${index} name`).fill(`Extra Guest ${index}`);
    }
    await form.getByRole('button', { name: 'Save' }).click();
    const guestsError = form.getByRole('group', { name: 'Guest names' }).locator('.field__error');
    await guestsError.waitFor();
    expect(await guestsError.textContent()).toBe(
      `You can invite at most ${policy.maxGuestsPerDay} guests per day and already have 2 for this date: ${policy.maxGuestsPerDay - 2} more can be added. Nothing was saved.`,
    );
    expect(await form.getByLabel('Guest 1 name').getAttribute('aria-invalid')).toBe('true');
    expect((await apiGet<GuestPassJson[]>(page, web, '/api/guest-passes')).length).toBe(2);
    await screenshot(page, 'guests-form-server-error');
    await form.getByRole('button', { name: 'Close' }).click();

    // Share guest A: the QR, the link, WhatsApp, copy link (with a visible "copied" state) and email.
    const passA = passes.find((pass) => pass.guestName === guestA)!;
    const passB = passes.find((pass) => pass.guestName === guestB)!;
    await itemOf(guestA).getByRole('button', { name: 'Share' }).click();
    const share = itemOf(guestA).getByTestId('guest-share');
    const sharedQr = await decodeQrFromScreenshot(share.getByTestId('guest-qr'));
    expect(sharedQr.text).toBe(passA.qrText);
    const link = await share.getByLabel(`Link for ${guestA}`).inputValue();
    expect(link).toBe(passA.share!.link);
    expect(link).toMatch(/\/g\/[A-Za-z0-9_-]{43}$/);
    const whatsapp = (await share.getByRole('link', { name: 'Share on WhatsApp' }).getAttribute('href'))!;
    expect(whatsapp.startsWith('https://wa.me/?text=')).toBe(true);
    expect(new URL(whatsapp).searchParams.get('text')).toBe(
      `Hello ${guestA}, here is your PolyU campus access QR code for ${words}: ${link}`,
    );

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.url('/').replace(/\/$/, '') });
    await share.getByRole('button', { name: 'Copy link' }).click();
    await share.getByRole('button', { name: '✓ Link copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(link);

    const email = share.getByLabel("Guest's email address");
    await email.fill('not-an-email');
    await share.getByRole('button', { name: 'Send by email' }).click();
    await share.getByText('Please enter a valid email address, like name@example.com.').waitFor();
    const guestEmail = `guest-${passA.id.slice(0, 8)}@example.com`;
    const seen = web.smtp.messages.length;
    await email.fill(guestEmail);
    await share.getByRole('button', { name: 'Send by email' }).click();
    await share.getByText(/^Sent to /).waitFor();
    await screenshot(page, 'guests-share');
    const mail = await web.smtp.waitForMessage(guestEmail, 20_000, { after: seen });
    expect(mail.subject).toBe(`Your PolyU campus access QR code for ${words}`);
    expect(mail.text).toContain(link);
    expect(mail.html || '').toContain(link);

    // The guest opens the link: a fresh browser (no session), the name, the date in words and a verifiable QR.
    const guestPage = await web.newPage();
    const pathOf = (url: string) => new URL(url).pathname;
    await guestPage.goto(web.url(pathOf(link)));
    await guestPage.getByRole('heading', { level: 1, name: 'Campus access QR code' }).waitFor();
    expect(await guestPage.getByTestId('guest-name').textContent()).toBe(guestA);
    expect(await guestPage.locator('time').textContent()).toBe(words);
    expect(await guestPage.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(await guestPage.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect((await guestPage.context().cookies()).filter((cookie) => /session/i.test(cookie.name))).toEqual([]);
    await screenshot(guestPage, 'guest-page');
    const onGuestPage = await decodeQrFromScreenshot(guestPage);
    expect(onGuestPage.text).toBe(passA.qrText);
    const verified = verifyPublished(onGuestPage.text, keys);
    expect(verified.fields.kind).toBe('guest');
    if (verified.fields.kind !== 'guest') throw new Error('not a guest pass');
    const verifiedB = verifyPublished(passB.qrText!, keys);
    if (verifiedB.fields.kind !== 'guest') throw new Error('not a guest pass');
    // Guests are numbered per host and day in the order they were entered: A first, B second.
    expect(verified.fields.guestIndex).toBe(1);
    expect(verifiedB.fields.guestIndex).toBe(2);
    expect(verified.fields.campusDay).toBe(verifiedB.fields.campusDay);
    expect(verified.fields.hostEcardId).toBe(verifiedB.fields.hostEcardId);

    // In Traditional Chinese too.
    await guestPage.getByRole('button', { name: '繁體中文' }).click();
    await guestPage.getByRole('heading', { level: 1, name: '校園通行二維碼' }).waitFor();
    expect(await guestPage.locator('time').textContent()).toBe(passA.dateInWords['zh-Hant']);

    // The guest token's API answer is never kept by the service worker.
    await guestPage.evaluate('navigator.serviceWorker.ready.then(() => true)');
    await guestPage.reload();
    await guestPage.getByTestId('public-guest-qr').waitFor();
    const cached = (await guestPage.evaluate(
      'caches.keys().then((names) => Promise.all(names.map((name) => caches.open(name).then((cache) => cache.keys())))).then((lists) => lists.flat().map((request) => request.url))',
    )) as string[];
    expect(cached.filter((url) => url.includes('/api/public/') || url.includes('/g/'))).toEqual([]);

    // Cancel guest B (with confirmation): the list and B's page say so, and B's page shows no code.
    await itemOf(guestB).getByRole('button', { name: 'Cancel pass' }).click();
    await itemOf(guestB).getByText(`Cancel the pass of ${guestB} for ${words}?`, { exact: false }).waitFor();
    await itemOf(guestB).getByRole('button', { name: 'Keep it' }).click();
    await itemOf(guestB).getByRole('button', { name: 'Cancel pass' }).click();
    await itemOf(guestB).getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.getByText(`Cancelled the pass of ${guestB}.`).waitFor();
    await itemOf(guestB).getByText('Cancelled', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Cancelled and past' }).waitFor();
    expect(await itemOf(guestB).getByRole('button', { name: 'Share' }).count()).toBe(0);
    await screenshot(page, 'guests-list-cancelled');

    await guestPage.getByRole('button', { name: 'English' }).click();
    await guestPage.goto(web.url(pathOf(passB.share!.link)));
    await guestPage.getByTestId('guest-page-message').waitFor();
    expect(await guestPage.getByTestId('guest-page-message').textContent()).toBe(
      'This guest pass has been cancelled, so there is no QR code to show. Please contact the alumnus who invited you.',
    );
    expect(await guestPage.getByTestId('guest-name').textContent()).toBe(guestB);
    expect(await guestPage.getByTestId('public-guest-qr').count()).toBe(0);

    // A tampered link and a truncated one: a clear message, no code.
    const token = pathOf(link).slice('/g/'.length);
    const tampered = `/g/${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    for (const wrong of [tampered, `/g/${token.slice(0, 20)}`]) {
      await guestPage.goto(web.url(wrong));
      await guestPage.getByTestId('guest-page-message').waitFor();
      expect(await guestPage.getByTestId('guest-page-message').textContent()).toBe(
        'This guest access link is not valid. Please check that the whole link was copied, or ask the alumnus who invited you to share it again.',
      );
      expect(await guestPage.getByTestId('public-guest-qr').count()).toBe(0);
    }

    // A past pass: the portal runs as a process with the real clock, so age the pass instead of waiting three days.
    const db = new pg.Client({ connectionString: web.portal.database.url });
    await db.connect();
    try {
      const { rowCount } = await db.query('UPDATE pass SET campus_day = campus_day - 3 WHERE id = $1', [passA.id]);
      expect(rowCount).toBe(1);
    } finally {
      await db.end();
    }
    await guestPage.goto(web.url(pathOf(link)));
    await guestPage.getByTestId('guest-page-message').waitFor();
    expect(await guestPage.getByTestId('guest-page-message').textContent()).toMatch(
      /^This guest pass was for \w+day, \d{1,2} \w+ \d{4}, which has passed\. Please ask the alumnus who invited you for a new one\.$/,
    );
    expect(await guestPage.getByTestId('public-guest-qr').count()).toBe(0);
  });
});
