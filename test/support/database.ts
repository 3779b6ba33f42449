import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../apps/portal/src/core/database/data-source-options.js';
import { requiredTestEnv, TEST_ENV } from './test-services.js';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

// Any constant shared by all test workers: serialises the one-time template migration.
const TEMPLATE_LOCK = 0x43505450;

/**
 * A fresh database of this test file's own. The first caller of a run migrates a template database
 * (under an advisory lock, since test files run in parallel workers); every caller copies it, which is
 * much faster than migrating each database.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = requiredTestEnv(TEST_ENV.postgresAdminUrl);
  const template = requiredTestEnv(TEST_ENV.templateDatabase);
  await ensureTemplate(adminUrl, template);
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).then(() => undefined),
  };
}

async function ensureTemplate(adminUrl: string, template: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`);
    const dataSource = new DataSource(dataSourceOptions(databaseUrl(adminUrl, template)));
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await client.end();
  }
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
