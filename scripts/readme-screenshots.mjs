#!/usr/bin/env node
// The README walkthrough's screenshots (docs/screenshots/*.png), taken from the real running system: `npm start`'s
// entry point in a fresh working directory (its own .data: demo people, simulated gate), Debian's Chromium through
// playwright-core (never a downloaded browser). Rerun after a UI change:
//
//   npm run build && node scripts/readme-screenshots.mjs
//
// PostgreSQL: with DATABASE_URL set (a server where it may create databases, e.g. postgres://postgres@127.0.0.1:5432/postgres)
// it works in a database of its own and drops it; else npm start's embedded PostgreSQL in the temporary directory.
// Redis: REDIS_URL (default redis://127.0.0.1:6379), under a key prefix of its own that it deletes at the end.
// Every step checks what the page shows (a grant on the guard page, the entry in the security feed) before the shot.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { chromium } from 'playwright-core';
import sharp from 'sharp';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT_DIR = path.join(ROOT, 'docs', 'screenshots');
const MAX_BYTES = 150 * 1024;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

for (const built of ['apps/portal/dist/start.js', 'apps/gate-agent/dist/main.js', 'apps/web/dist/index.html']) {
  if (!existsSync(path.join(ROOT, built))) fail(`${built} is missing: run "npm run build" first`);
}
if (!existsSync(CHROMIUM)) fail(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);

function fail(message) {
  process.stderr.write(`readme-screenshots: ${message}\n`);
  process.exit(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, read, done, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const workDir = await mkdtemp(path.join(tmpdir(), 'campuspass-screenshots-'));
const prefix = `cpshots-${randomBytes(4).toString('hex')}`;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let databaseName;
let adminClient;
let portal;
let browser;
let output = '';

async function cleanUp() {
  await browser?.close().catch(() => undefined);
  if (portal && portal.exitCode === null) {
    const exited = new Promise((resolve) => portal.once('exit', resolve));
    portal.kill('SIGTERM');
    const timer = setTimeout(() => portal.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  if (adminClient) {
    await adminClient.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`).catch(() => undefined);
    await adminClient.end();
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis down: nothing was queued under our prefix.
  } finally {
    redis.disconnect();
  }
  await rm(workDir, { recursive: true, force: true });
}

/** A screenshot as a PNG of at most 150 KB: a palette of colours, then smaller if it must. */
async function keep(name, png) {
  let image = sharp(png).png({ palette: true, quality: 80, compressionLevel: 9, effort: 10 });
  let bytes = await image.toBuffer();
  const { width } = await sharp(png).metadata();
  for (let scale = 0.9; bytes.length > MAX_BYTES && scale > 0.4; scale -= 0.1) {
    image = sharp(png)
      .resize({ width: Math.round(width * scale) })
      .png({ palette: true, quality: 70, compressionLevel: 9, effort: 10 });
    bytes = await image.toBuffer();
  }
  if (bytes.length > MAX_BYTES) throw new Error(`${name} stays ${bytes.length} bytes, over ${MAX_BYTES}`);
  await writeFile(path.join(OUT_DIR, name), bytes);
  process.stdout.write(`  ${name}: ${Math.round(bytes.length / 1024)} KB\n`);
}

async function mailboxCode(baseUrl, email, newerThan) {
  const mail = await waitFor(
    `the code for ${email} in the dev mailbox`,
    async () => (await (await fetch(`${baseUrl}/api/dev/mailbox`)).json())[0],
    (latest) => latest !== undefined && Number(latest.id) > newerThan && latest.to.includes(email),
    20_000,
  );
  return /\b(\d{6})\b/.exec(mail.text)[1];
}

async function newestMailId(baseUrl) {
  const list = await (await fetch(`${baseUrl}/api/dev/mailbox`)).json();
  return list.length > 0 ? Number(list[0].id) : 0;
}

/** The demo people as the start-up banner prints them. */
function bannerPeople(text) {
  const alumnus = /Alumnus: .*\n +sign in at +(\S+)\n +email +(\S+)/.exec(text);
  const staff = Object.fromEntries(
    [...text.matchAll(/\(([a-z-]+)\): .*\n +sign in at +\S+.*\n +email +(\S+)\n +password +(\S+)/g)].map((match) => [
      match[1],
      { email: match[2], password: match[3] },
    ]),
  );
  if (!alumnus || !staff['security-staff'] || !staff['aao-admin']) throw new Error(`the banner lacks the demo people:\n${text}`);
  return { alumnus: { email: alumnus[2] }, security: staff['security-staff'], admin: staff['aao-admin'] };
}

async function signInStaff(page, baseUrl, member, next) {
  await page.goto(`${baseUrl}${next}`);
  await page.waitForURL(`**/staff/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email address').fill(member.email);
  await page.getByLabel('Password').fill(member.password);
  const seen = await newestMailId(baseUrl);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('6-digit code').fill(await mailboxCode(baseUrl, member.email, seen));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`**${next}`);
}

try {
  const [port, guardPort] = [await freePort(), await freePort()];
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DEMO_GATE_PORT: String(guardPort),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    WEB_DIST_DIR: path.join(ROOT, 'apps/web/dist'),
    EMBEDDED_PG_PORT: String(await freePort()),
  };
  if (process.env.DATABASE_URL) {
    databaseName = `campuspass_screenshots_${randomBytes(4).toString('hex')}`;
    adminClient = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await adminClient.connect();
    await adminClient.query(`CREATE DATABASE "${databaseName}"`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${databaseName}`;
    env.DATABASE_URL = url.href;
    // With a DATABASE_URL the demo people and gate must be asked for by name (the embedded database gets them anyway).
    env.DEMO_SEED = 'on';
    env.DEMO_GATE = 'on';
  }
  process.stdout.write(`starting npm start's portal in ${workDir} …\n`);
  portal = spawn(process.execPath, [path.join(ROOT, 'apps/portal/dist/start.js')], {
    cwd: workDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  portal.stdout.on('data', (chunk) => (output += chunk.toString()));
  portal.stderr.on('data', (chunk) => (output += chunk.toString()));
  await waitFor(
    'the start-up banner',
    async () => {
      if (portal.exitCode !== null) throw new Error('exited');
      return output;
    },
    (text) => text !== undefined && /\n Demo people[^\n]*\n[\s\S]*?\n={78}\n/.test(text),
    180_000,
  ).catch((error) => {
    throw new Error(`${error.message}:\n${output}`);
  });
  const people = bannerPeople(output);
  const baseUrl = `http://127.0.0.1:${port}`;
  const guardUrl = `http://127.0.0.1:${guardPort}/`;
  const framesDir = path.join(workDir, '.data', 'gate', 'frames');
  await waitFor(
    'the simulated gate to run with a bundle',
    async () => (await fetch(`${guardUrl}api/status`)).json(),
    (status) => status?.phase === 'running' && status.bundle.version > 0,
  );

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  const newPage = async (viewport) => (await browser.newContext({ locale: 'en-US', viewport })).newPage();
  await mkdir(OUT_DIR, { recursive: true });

  // 1. The alumna signs in with the code from the dev mailbox.
  const phone = await newPage(PHONE);
  await phone.goto(`${baseUrl}/sign-in`);
  await phone.getByLabel('Email address').fill(people.alumnus.email);
  const seen = await newestMailId(baseUrl);
  await phone.getByRole('button', { name: 'Send me a code' }).click();
  const code = await mailboxCode(baseUrl, people.alumnus.email, seen);
  await phone.getByLabel('6-digit code').fill(code);
  await keep('1-sign-in.png', await phone.screenshot());
  await phone.getByRole('button', { name: 'Sign in', exact: true }).click();
  await phone.waitForURL('**/profile');

  // The security officer watches the live feed while the alumna goes through the gate.
  const security = await newPage(DESKTOP);
  await signInStaff(security, baseUrl, people.security, '/security');

  // 2. Today's QR code on the eCard page.
  await phone.goto(`${baseUrl}/ecard`);
  await phone.getByRole('button', { name: 'Campus Access QR Code' }).click();
  const qr = phone.getByTestId('day-pass-qr');
  await qr.waitFor();
  await qr.scrollIntoViewIfNeeded();
  await keep('2-todays-qr.png', await phone.screenshot());

  // 3. A screenshot of the QR dropped into the frames folder: the guard page shows the grant.
  const guard = await newPage(DESKTOP);
  await guard.goto(guardUrl);
  // As a screenshot of the phone's screen would be: the code with white around it.
  const frame = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#ffffff' } })
    .composite([{ input: await qr.screenshot({ type: 'png' }) }])
    .png()
    .toBuffer();
  await writeFile(path.join(framesDir, 'my-pass.png'), frame);
  await guard.locator('#latest.granted, #latest.denied').waitFor({ timeout: 30_000 });
  const decided = await guard.locator('#latest').getAttribute('class');
  if (decided !== 'granted') throw new Error(`the gate did not grant the pass: ${await guard.locator('#latest').textContent()}`);
  await keep('3-guard-page-granted.png', await guard.screenshot());

  // 4. The entry on the security dashboard's live feed, beside the gate's tile once a heartbeat after the scan is in.
  await security.getByText('Granted').first().waitFor({ timeout: 30_000 });
  const tile = security.locator('[data-testid="gate-tile"]').filter({ hasText: 'Demo gate (npm start)' });
  await waitFor(
    'the gate tile to show the heartbeat after the scan',
    async () => (await tile.textContent()) ?? '',
    (text) =>
      text !== undefined &&
      !text.includes('Fault') &&
      !text.includes('not trusted') &&
      !text.includes('version 0') &&
      /Last scan\W*\d/.test(text),
    45_000,
  ).catch(() => process.stdout.write('  (the gate tile still shows the heartbeat before the scan)\n'));
  await security
    .getByRole('heading', { name: 'Live entries' })
    .evaluate((heading) => heading.ownerDocument.defaultView.scrollBy(0, heading.getBoundingClientRect().top - 420));
  await keep('4-security-dashboard.png', await security.screenshot());

  // 5. The AAO admin's reports: today's visit counted.
  const admin = await newPage(DESKTOP);
  await signInStaff(admin, baseUrl, people.admin, '/reports');
  await waitFor(
    "today's visit in the report",
    async () => {
      const visits = admin.getByTestId('total-visits').locator('dd');
      await visits.waitFor({ timeout: 10_000 });
      if ((await visits.textContent()) !== '0') return true;
      await admin.getByRole('button', { name: 'Show report' }).click(); // synced since the page loaded
      return false;
    },
    (counted) => counted === true,
    45_000,
  );
  await admin.getByText('Loading the charts…').waitFor({ state: 'detached', timeout: 30_000 });
  await keep('5-reports.png', await admin.screenshot());
  process.stdout.write(`screenshots written to ${path.relative(ROOT, OUT_DIR)}/\n`);
} catch (error) {
  process.stderr.write(`readme-screenshots failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
