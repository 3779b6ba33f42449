import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { runToExit, startPortal, type RunningPortal } from './portal-process.js';
import { extractCode, startTestSmtpServer, type TestSmtpServer } from './smtp.js';

/**
 * What a browser test of the alumni web app needs: the built portal as a process (HTTP + workers, so mail is
 * sent) on its own database, a real SMTP server it sends to, and a headless Chromium.
 */
export interface WebPortal {
  readonly portal: RunningPortal;
  readonly smtp: TestSmtpServer;
  readonly browser: Browser;
  /** The APP_SECRET the portal runs with (the registry CLI hashes personal ids with it). */
  readonly appSecret: string;
  url(pathname: string): string;
  /** A fresh browser context (own cookies) on a phone-sized screen. */
  newPage(options?: { locale?: string; width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * A built portal process with its own SMTP server and a browser. `env` adds portal variables: e.g. CAPTCHA_COST and
 * CAPTCHA_COUNTER_MAX low, so the ALTCHA widget's proof-of-work in the NetID registration page takes milliseconds.
 */
export async function startWebPortal(env: NodeJS.ProcessEnv = {}): Promise<WebPortal> {
  const smtp = await startTestSmtpServer();
  const appSecret = randomBytes(32).toString('base64url');
  let portal: RunningPortal | undefined;
  try {
    portal = await startPortal({ ...env, SMTP_URL: smtp.url, APP_SECRET: appSecret });
    const browser = await launchBrowser();
    const contexts: BrowserContext[] = [];
    const running = portal;
    return {
      portal: running,
      smtp,
      browser,
      appSecret,
      url: (pathname) => new URL(pathname, running.baseUrl).href,
      async newPage({ locale = 'en-US', width = 390, height = 844 } = {}) {
        const context = await browser.newContext({ locale, viewport: { width, height } });
        contexts.push(context);
        return context.newPage();
      },
      async close() {
        for (const context of contexts) await context.close().catch(() => undefined);
        await browser.close();
        await running.close();
        await smtp.close();
      },
    };
  } catch (error) {
    await portal?.close();
    await smtp.close();
    throw error;
  }
}

export interface GraduateSeed {
  readonly surname: string;
  readonly givenName: string;
  readonly dateOfBirth: string;
  readonly email?: string;
}

/** A graduate of its own for one test: unique names and student number, so tests never share records. */
export function uniqueGraduate(overrides: Partial<GraduateSeed> = {}): GraduateSeed & { studentNumber: string } {
  const tag = randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 6)
    .padEnd(6, 'a');
  return {
    studentNumber: `E2E${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
    surname: `Chan${tag}`,
    givenName: 'Tai Man',
    dateOfBirth: '1990-05-17',
    ...overrides,
  };
}

/** Imports graduates with the built CLI (`registry:import`), as the AAO would. */
export async function seedRegistry(web: WebPortal, graduates: ReadonlyArray<GraduateSeed & { studentNumber: string }>): Promise<void> {
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
  const rows = graduates.map((graduate) =>
    [
      graduate.studentNumber,
      graduate.surname,
      graduate.givenName,
      graduate.dateOfBirth,
      'BSc (Hons) Computing',
      'Bachelor of Science',
      'PolyU',
      '2012',
      graduate.email ?? '',
    ]
      .map(quote)
      .join(','),
  );
  await importRegistryCsv(
    web,
    ['student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year,email', ...rows].join('\n'),
  );
}

/** Registers an alumnus's email through the API (identify → email → code from the SMTP server → verify). */
export async function registerByApi(web: WebPortal, graduate: GraduateSeed, email: string): Promise<void> {
  const post = async (pathname: string, body: unknown) => {
    const response = await fetch(web.url(pathname), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${pathname} answered ${response.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const seen = web.smtp.messages.length;
  const { ticket } = await post('/api/auth/register/identify', {
    surname: graduate.surname,
    givenName: graduate.givenName,
    dateOfBirth: graduate.dateOfBirth,
  });
  await post('/api/auth/register/email', { ticket, email, locale: 'en' });
  const code = extractCode(await web.smtp.waitForMessage(email, 15_000, { after: seen }));
  await post('/api/auth/register/verify', { ticket, code });
}

/** Signs in through the sign-in page with the code from the real SMTP message. */
export async function signInWithCode(web: WebPortal, page: Page, email: string): Promise<void> {
  await page.goto(web.url('/sign-in'));
  await page.getByLabel('Email address').fill(email);
  const seen = web.smtp.messages.length;
  await page.getByRole('button', { name: 'Send me a code' }).click();
  const mail = await web.smtp.waitForMessage(email, 15_000, { after: seen });
  await page.getByLabel('6-digit code').fill(extractCode(mail));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL('**/profile');
}

/** Creates a staff account with the built CLI (`staff:create`) and returns the password it generated. */
export async function createStaff(web: WebPortal, staff: { email: string; name: string; role: string }): Promise<string> {
  const result = await runToExit('apps/portal/dist/cli.js', { DATABASE_URL: web.portal.database.url, APP_SECRET: web.appSecret }, [
    'staff:create',
    '--email',
    staff.email,
    '--name',
    staff.name,
    '--role',
    staff.role,
  ]);
  const password = /Password \(shown only this once[^)]*\): (\S+)/.exec(result.output)?.[1];
  if (result.code !== 0 || !password) throw new Error(`staff:create exited with ${result.code}:\n${result.output}`);
  return password;
}

/** Contact details that complete the profile for the eCard (FAQ 19: a phone and a country or region). */
export const COMPLETE_CONTACT = {
  additionalEmails: [],
  phones: [{ type: 'mobile', countryCode: '+852', number: '9123 4567' }],
  address: { lines: ['Flat 3, 12/F'], city: 'Hong Kong', region: null, country: 'Hong Kong' },
  preferredLanguage: 'en',
  newsConsent: false,
} as const;

/** Saves contact details through the profile API as the signed-in page (its cookies and CSRF token). */
export async function setContactByApi(page: Page, contact: Record<string, unknown> = COMPLETE_CONTACT): Promise<void> {
  const origin = new URL(page.url()).origin;
  const csrf = (await page.context().cookies(origin)).find((cookie) => cookie.name === 'cp_csrf')?.value;
  if (!csrf) throw new Error('setContactByApi: the page is not signed in (no cp_csrf cookie)');
  const profile = await page.request.get(`${origin}/api/profile`, { headers: { accept: 'application/json' } });
  const { contact: current } = (await profile.json()) as { contact: { version: number } };
  const response = await page.request.put(`${origin}/api/profile/contact`, {
    headers: { accept: 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) },
    data: { ...contact, version: current.version },
  });
  if (!response.ok()) throw new Error(`PUT /api/profile/contact answered ${response.status()}: ${await response.text()}`);
}

/** Signs a staff member in through the staff sign-in page (password, then the emailed code), landing on `next`. */
export async function signInStaff(web: WebPortal, page: Page, staff: { email: string; password: string }, next: string): Promise<void> {
  await page.goto(web.url(next));
  await page.waitForURL(`**/staff/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email address').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  const seen = web.smtp.messages.length;
  await page.getByRole('button', { name: 'Continue' }).click();
  const code = extractCode(await web.smtp.waitForMessage(staff.email, 15_000, { after: seen }));
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`**${next}`);
}

/** A pass-signing public key as the portal publishes it (GET /api/admin/keys, purpose "pass"). */
export interface PublishedPassKey {
  readonly kid: string;
  readonly status: string;
  readonly publicKey: Uint8Array;
  readonly notBeforeDay?: number;
  readonly notAfterDay?: number;
}

/**
 * The pass-signing public keys the portal publishes (next, active, retired; never revoked), read through the
 * admin API by a new AAO admin signed in on a page of its own. Public keys only: no private material.
 */
export async function publishedPassKeys(web: WebPortal): Promise<PublishedPassKey[]> {
  const email = `keys-${randomUUID().slice(0, 8)}@example.com`;
  const password = await createStaff(web, { email, name: 'Key Reader', role: 'aao-admin' });
  const page = await web.newPage({ width: 1280, height: 800 });
  await signInStaff(web, page, { email, password }, '/admin/ecard-reviews');
  const response = await page.request.get(web.url('/api/admin/keys'), { headers: { accept: 'application/json' } });
  if (!response.ok()) throw new Error(`GET /api/admin/keys answered ${response.status()}: ${await response.text()}`);
  const keys = (await response.json()) as Array<{
    purpose: string;
    kid: string;
    status: string;
    publicKey: string;
    notBeforeDay: number | null;
    notAfterDay: number | null;
  }>;
  await page.context().close();
  return keys
    .filter((key) => key.purpose === 'pass' && key.status !== 'revoked')
    .map((key) => ({
      kid: key.kid,
      status: key.status,
      publicKey: new Uint8Array(Buffer.from(key.publicKey, 'base64')),
      ...(key.notBeforeDay === null ? {} : { notBeforeDay: key.notBeforeDay }),
      ...(key.notAfterDay === null ? {} : { notAfterDay: key.notAfterDay }),
    }));
}

/**
 * An alumnus with an active eCard, signed in on a phone-sized page of their own: registry → email → sign-in →
 * contact details → photo upload (FAQ 19–20). `photo` is any real JPEG.
 */
export async function activeAlumnus(web: WebPortal, photo: Buffer): Promise<{ page: Page; email: string; name: string }> {
  const email = `alumnus-${randomUUID().slice(0, 8)}@example.com`;
  const graduate = uniqueGraduate();
  await seedRegistry(web, [graduate]);
  await registerByApi(web, graduate, email);
  const page = await web.newPage();
  await signInWithCode(web, page, email);
  await setContactByApi(page);
  await page.goto(web.url('/ecard'));
  await page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.getByRole('button', { name: 'Upload photo' }).click();
  await page.getByText('Your eCard is active. You can view it right away.').waitFor();
  return { page, email, name: `${graduate.givenName} ${graduate.surname}` };
}

/** Imports a registry CSV (header line included) with the built CLI, as the AAO would. */
export async function importRegistryCsv(web: WebPortal, csv: string): Promise<void> {
  const directory = await mkdtemp(path.join(tmpdir(), 'campuspass-registry-'));
  const file = path.join(directory, 'registry.csv');
  await writeFile(file, csv.endsWith('\n') ? csv : `${csv}\n`);
  try {
    const result = await runToExit('apps/portal/dist/cli.js', { DATABASE_URL: web.portal.database.url, APP_SECRET: web.appSecret }, [
      'registry:import',
      file,
    ]);
    if (result.code !== 0) throw new Error(`registry:import exited with ${result.code}:\n${result.output}`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
