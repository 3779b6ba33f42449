import { randomBytes, randomUUID } from 'node:crypto';
import { connect, createServer, type Server } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { launchBrowser } from '../support/browser.js';
import { freePort } from '../support/free-port.js';
import { startPortal, type RunningPortal } from '../support/portal-process.js';
import { extractCode, startTestSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { startSocialTestProvider, type SocialTestProvider } from '../support/social-providers.js';
import { registerByApi, seedRegistry, uniqueGraduate, type WebPortal } from '../support/web-portal.js';

/**
 * Social sign-in in Chromium against the built portal: Google (a real oidc-provider, its authorization and
 * login interaction in the browser) is the one configured provider; the first sign-in links the account with
 * the code mailed to the registered email, the next one goes straight in.
 */
describe('social sign-in in the web app (Chromium, oidc-provider, SMTP)', () => {
  let web: WebPortal;
  let google: SocialTestProvider;
  let portal: RunningPortal | undefined;
  let smtp: TestSmtpServer | undefined;
  let forwarder: Server | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    // The provider must know the portal's callback before the portal (which must know the provider) starts on
    // a port of its own: the browser and the provider use a fixed public address that forwards to the portal.
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const forward: { target?: URL } = {};
    forwarder = createServer((client) => {
      const target = forward.target;
      if (!target) return client.destroy();
      const upstream = connect(Number(target.port), target.hostname);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => forwarder!.listen(port, '127.0.0.1', resolve));
    google = await startSocialTestProvider(publicUrl, 'google');
    const appSecret = randomBytes(32).toString('base64url');
    portal = await startPortal({
      PUBLIC_URL: publicUrl,
      SMTP_URL: smtp.url,
      APP_SECRET: appSecret,
      SOCIAL_GOOGLE_ISSUER: google.issuer,
      SOCIAL_GOOGLE_CLIENT_ID: google.clientId,
      SOCIAL_GOOGLE_CLIENT_SECRET: google.clientSecret,
    });
    forward.target = new URL(portal.baseUrl);
    const browser = await launchBrowser();
    const running = portal;
    const mail = smtp;
    web = {
      portal: running,
      smtp: mail,
      browser,
      appSecret,
      url: (pathname) => new URL(pathname, publicUrl).href,
      async newPage({ locale = 'en-US', width = 390, height = 844 } = {}) {
        const context = await browser.newContext({ locale, viewport: { width, height } });
        contexts.push(context);
        return context.newPage();
      },
      async close() {
        for (const context of contexts) await context.close().catch(() => undefined);
        await browser.close();
      },
    };
  });

  afterAll(async () => {
    await web?.close();
    await portal?.close();
    await new Promise((resolve) => (forwarder ? forwarder.close(resolve) : resolve(undefined)));
    await google?.close();
    await smtp?.close();
  });

  it('links a Google account with the emailed code, lists it on the profile, and then signs in with Google directly', async () => {
    const email = `social-${randomUUID().slice(0, 8)}@example.com`;
    const graduate = uniqueGraduate();
    await seedRegistry(web, [graduate]);
    await registerByApi(web, graduate, email);
    google.addAccount('google-e2e', { email, emailVerified: true });

    const page = await web.newPage();
    await page.goto(web.url('/sign-in'));
    const button = page.getByRole('link', { name: 'Continue with Google' });
    await button.waitFor();
    // Only configured providers show.
    expect(await page.getByRole('link', { name: /Continue with (Apple|Microsoft|WeChat)/ }).count()).toBe(0);

    google.signInNextAs('google-e2e');
    await button.click();
    await page.waitForURL('**/sign-in?socialLink=1');
    await page.getByRole('heading', { name: 'Link your social account' }).waitFor();
    // The heading renders before the pending link's details arrive: wait for them.
    await page.getByText(`You signed in with Google as ${email}`).waitFor();
    // The provider's verified email is only offered: the alumnus still confirms it with the code.
    const field = page.getByLabel('Email address');
    expect(await field.inputValue()).toBe(email);
    const seen = web.smtp.messages.length;
    await page.getByRole('button', { name: 'Send me a code' }).click();
    const code = extractCode(await web.smtp.waitForMessage(email, 15_000, { after: seen }));

    // A wrong code is refused on the page.
    await page.getByLabel('6-digit code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Link and sign in' }).click();
    await page.getByText(/That code is not right/).waitFor();

    await page.getByLabel('6-digit code').fill(code);
    await page.getByRole('button', { name: 'Link and sign in' }).click();
    await page.waitForURL('**/profile?socialLinked=1');
    const section = page.getByTestId('section-linked-accounts');
    await section.getByText('Your social account is linked').waitFor();
    await section.getByText('Google', { exact: true }).waitFor();
    await expect(section.getByText(email).count()).resolves.toBe(1);

    // Another browser: Google brings the alumnus straight in.
    const later = await web.newPage();
    await later.goto(web.url('/sign-in'));
    google.signInNextAs('google-e2e');
    await later.getByRole('link', { name: 'Continue with Google' }).click();
    await later.waitForURL(web.url('/'));
    await later.goto(web.url('/profile'));
    await later.getByTestId('section-linked-accounts').getByText('Google', { exact: true }).waitFor();

    // Removing the link from the profile.
    later.once('dialog', (dialog) => void dialog.accept());
    await later.getByRole('button', { name: 'Remove the linked Google account' }).click();
    await later.getByText('The Google account is no longer linked.').waitFor();
    await later.getByText('No social account is linked.', { exact: false }).waitFor();
  });
});
