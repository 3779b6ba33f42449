// Shared by the portal benchmarks: a free port, a mail catcher for the staff sign-in code, staff sign-in, the portal's
// processes and a cookie jar.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
/** CPU time (user + system) a process has used, ms, from /proc (Linux); 0 once it is gone. */
export function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** A new database `<prefix>_<random>` on the server of `adminUrl`; returns its name and URL. */
export async function createBenchDatabase(adminUrl, prefix) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return { name, url };
}

/** Drops a bench database, closing whatever still holds it. */
export async function dropBenchDatabase(adminUrl, name) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An SMTP server on a free port that keeps every message parsed (`mails`, oldest first). */
export async function startMailCatcher() {
  const mails = [];
  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push(mail);
        callback();
      }, callback);
    },
  });
  const port = await freePort();
  await new Promise((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  return { port, mails, close: () => new Promise((resolve) => smtp.close(resolve)) };
}

/**
 * A Node process of the built portal (`entry` under `root`), its output kept. Every process started is in `children`,
 * so a bench's last resort can SIGKILL whatever is still running.
 */
export const children = new Set();
export function startProcess(root, entry, env, nodeArgs = [], args = []) {
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, entry), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  children.add(child);
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      children.delete(child);
    },
  };
}

/** Waits until the started `main.js` answers GET /health/live (90 s at most); throws with its output otherwise. */
export async function untilServing(started, baseUrl, timeoutMs = 90_000) {
  for (const deadline = Date.now() + timeoutMs; ;) {
    if (started.child.exitCode !== null) throw new Error(`main.js exited:\n${started.output()}`);
    if (
      await fetch(`${baseUrl}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`main.js did not serve within ${timeoutMs / 1000} s:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The cookies the portal set, as a browser keeps them: `keep(response)` records, `header()` gives the Cookie header. */
export function cookieJar() {
  const cookies = new Map();
  return {
    keep(response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair.indexOf('=');
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return response;
    },
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
  };
}

/**
 * Staff sign-in as the page does it: password, then the code mailed to `mails`. Returns the Cookie header of the
 * session (cookies set by either step). `describe` adds context to a "no code" failure (e.g. the portal's output).
 */
export async function signInStaff(baseUrl, mails, { email, password }, describe = () => '') {
  const jar = cookieJar();
  const keepCookies = jar.keep;
  const cookieHeader = jar.header;
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  const seen = mails.length;
  // A kept-alive socket may have been closed by the server while the caller blocked (spawnSync of a CLI for more
  // than the 5 s keep-alive timeout): a throwaway GET takes it, so the POST below gets a live connection.
  await fetch(`${baseUrl}/health/live`).then(
    (response) => response.arrayBuffer(),
    () => undefined,
  );
  const started = keepCookies(
    await fetch(`${baseUrl}/api/auth/staff/start`, { method: 'POST', headers: json, body: JSON.stringify({ email, password }) }),
  );
  if (started.status !== 202) throw new Error(`staff sign-in start answered ${started.status}: ${await started.text()}`);
  const { requestId } = await started.json();
  let code;
  for (const deadline = Date.now() + 30_000; !code;) {
    code = /\b(\d{6})\b/.exec(mails.slice(seen).at(-1)?.text ?? '')?.[1];
    if (Date.now() > deadline) throw new Error(`no sign-in code mailed within 30 s${describe()}`);
    if (!code) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const verified = keepCookies(
    await fetch(`${baseUrl}/api/auth/staff/verify`, {
      method: 'POST',
      headers: { ...json, cookie: cookieHeader() },
      body: JSON.stringify({ requestId, code }),
    }),
  );
  if (verified.status !== 200) throw new Error(`staff sign-in verify answered ${verified.status}: ${await verified.text()}`);
  return cookieHeader();
}
