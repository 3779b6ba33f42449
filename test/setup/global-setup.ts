import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
// Jest loads global setup as CommonJS without moduleNameMapper, so these imports name the .ts files.
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../apps/portal/src/core/database/embedded-postgres.ts';
import { freePort } from '../support/free-port.ts';
import { TEST_ENV } from '../support/test-services.ts';

/** What the teardown must stop. Kept on globalThis: globalSetup and globalTeardown share the parent process. */
interface TestServices {
  users: number;
  adminUrl: string;
  template: string;
  embedded?: { handle: EmbeddedPostgresHandle; dir: string };
  redis?: ChildProcess;
}

declare global {
  var campuspassTestServices: TestServices | undefined;
}

/**
 * Gives integration and end-to-end tests a real PostgreSQL and a real Redis:
 * - PostgreSQL: TEST_DATABASE_URL (a server where the tests may create databases), else an embedded one.
 * - Redis: REDIS_URL, else a redis-server from PATH on a free port.
 * The first test file to ask for a database migrates a template; each file then copies it
 * (test/support/database.ts). This setup only starts services: it runs outside Jest's ESM module graph.
 * Both the integration and the e2e project name this setup; the second call reuses the first's services.
 */
export default async function globalSetup(): Promise<void> {
  const existing = globalThis.campuspassTestServices;
  if (existing) {
    existing.users += 1;
    return;
  }
  const services: Partial<TestServices> = { users: 1 };
  globalThis.campuspassTestServices = services as TestServices;

  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'campuspass-test-pg-'));
    // mkdtemp makes the folder private; under root the server runs as the postgres user and must enter it.
    await chmod(dir, 0o755);
    const handle = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: await freePort(), persistent: false });
    services.embedded = { handle, dir };
    adminUrl = handle.adminUrl;
  }
  services.adminUrl = adminUrl;

  const template = `cptest_${process.pid}_${Date.now().toString(36)}`;
  services.template = template;

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const port = await freePort();
    services.redis = await startRedisServer(port);
    redisUrl = `redis://127.0.0.1:${port}`;
  }

  process.env[TEST_ENV.postgresAdminUrl] = adminUrl;
  process.env[TEST_ENV.templateDatabase] = template;
  process.env[TEST_ENV.redisUrl] = redisUrl;
}

async function startRedisServer(port: number): Promise<ChildProcess> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      'Integration tests need Redis: set REDIS_URL to a running server, or install redis-server (Debian: apt-get install redis-server).',
    );
  }
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}:\n${output}`));
    });
  });
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume();
  return child;
}

async function adminQuery(adminUrl: string, sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

export async function stopTestServices(): Promise<void> {
  const services = globalThis.campuspassTestServices;
  if (!services) return;
  services.users -= 1;
  if (services.users > 0) return;
  globalThis.campuspassTestServices = undefined;
  if (services.adminUrl) {
    // Drop the template and any test database a crashed file left behind.
    const { rows } = await adminQuery(services.adminUrl, `SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${services.template}%`,
    ]);
    for (const { datname } of rows as { datname: string }[]) {
      await adminQuery(services.adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  }
  services.redis?.kill('SIGTERM');
  if (services.embedded) {
    await services.embedded.handle.stop();
    await rm(services.embedded.dir, { recursive: true, force: true });
  }
}
