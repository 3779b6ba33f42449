import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

// Private servers a fault test may stop and start again. The machine's shared PostgreSQL and Redis serve other
// tests at the same time and are never touched.

/** A redis-server of this test's own, on a fixed port and data directory, that survives being stopped. */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Stops the server with the signal (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port with the same data (its append-only file); does nothing while it runs. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * redis-server from PATH as a deployment runs the gates' queue: append-only file on, fsync on every write
 * (`appendfsync always`), so a job Redis acknowledged survives a crash, not only a clean shutdown. Without
 * persistence a restart would lose every queued job that a gate already counted as delivered.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('The fault tests need redis-server on PATH (Debian: apt-get install redis-server).');
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'cp-fault-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
  ];
  let child: ChildProcess | undefined;
  const start = async () => {
    if (child) return;
    child = await startUntilReady('redis-server', args, {}, 'Ready to accept connections', 10_000);
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = child;
    child = undefined;
    if (running) await killAndWait(running, signal);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async close() {
      await stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A PostgreSQL cluster of this test's own (trust authentication, loopback only) that can be crashed and restarted. */
export interface PrivatePostgres {
  /** The `postgres` maintenance database. */
  readonly adminUrl: string;
  urlFor(database: string): string;
  /** `pg_ctl stop -m immediate`: the server dies without a checkpoint, as in a crash; committed rows are in the WAL. */
  crash(): Promise<void>;
  /** Starts it again (crash recovery replays the WAL) and waits until it accepts connections; nothing while it runs. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * initdb and pg_ctl from the newest /usr/lib/postgresql/<version>/bin on a temporary data directory and a free port.
 * PostgreSQL refuses to run as root: under root the cluster belongs to, and runs as, the `postgres` system user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const owner = postgresOwner();
  const dir = await mkdtemp(path.join(tmpdir(), 'cp-fault-pg-'));
  if (owner) await chown(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const run = (tool: string, args: string[]) =>
    runToEnd(path.join(bin, tool), args, { ...(owner ?? {}), env: { PATH: process.env.PATH, LC_ALL: 'C' } });
  await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c max_connections=50`;
  let running = false;
  const start = async () => {
    if (running) return;
    await run('pg_ctl', ['start', '-D', data, '-w', '-t', '30', '-l', path.join(dir, 'server.log'), '-o', options]);
    running = true;
  };
  const crash = async () => {
    if (!running) return;
    await run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
    running = false;
  };
  await start();
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    crash,
    start,
    async close() {
      await crash().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(path.join(root, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'The fault tests need PostgreSQL server binaries in /usr/lib/postgresql/<version>/bin (Debian: apt-get install postgresql).',
    );
  }
  return path.join(root, versions[0]!, 'bin');
}

function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) {
    throw new Error('PostgreSQL will not run as root and there is no postgres user: create one (useradd --system postgres).');
  }
  return { uid, gid };
}

function runToEnd(command: string, args: string[], options: SpawnOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args[0]} exited with ${code}:\n${output.trim()}`)),
    );
  });
}

async function startUntilReady(
  command: string,
  args: string[],
  options: SpawnOptions,
  readyLine: string,
  timeoutMs: number,
): Promise<ChildProcess> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`${command} was not ready within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`${command} exited with ${code} before it was ready:\n${output}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes(readyLine)) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
  return child;
}

async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}
