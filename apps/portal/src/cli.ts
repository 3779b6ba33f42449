import 'reflect-metadata';
import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { runRegistryImport } from './alumni/registry-import.command.js';
import { runStaffCreate } from './admin/staff-create.command.js';
import { loadAppConfig } from './config/app-config.js';
import { isConfigError } from './config/config.error.js';
import { dataSourceOptions } from './core/database/data-source-options.js';
import { resolveDatabase } from './core/database/resolve-database.js';
import { resolveKeyEncryptionKey } from './core/crypto/key-encryption-key.js';
import { createLogger } from './core/logging/logger.js';
import { maskSecrets } from './core/logging/mask.js';
import { confirmOnTerminal, runKeysList, runKeysRevoke, runKeysRewrap, runKeysRotate } from './keys/keys.command.js';
import { runGatesCreate } from './gates/gates-create.command.js';
import { resolveAppSecret } from './core/crypto/secrets.js';

/** `npm run portal -- <command>`: operator commands that run against the configured database. */
const program = new Command('portal').description('CampusPass portal operator commands').showHelpAfterError();

async function withDataSource<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const config = loadAppConfig();
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'portal-cli' });
  const database = await resolveDatabase(config, logger);
  const dataSource = new DataSource(dataSourceOptions(database.config.database.url!, { logging: ['error', 'migration'] }));
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
    await database.stop();
  }
}

program
  .command('db:migrate')
  .description('apply pending database migrations (each in its own transaction)')
  .action(async () => {
    const applied = await withDataSource((dataSource) => dataSource.runMigrations({ transaction: 'each' }));
    process.stdout.write(
      applied.length ? `Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}\n` : 'Database is up to date.\n',
    );
  });

program
  .command('db:status')
  .description('list applied and pending migrations')
  .action(async () => {
    await withDataSource(async (dataSource) => {
      const applied = new Set(
        ((await dataSource.query(`SELECT name FROM typeorm_migrations`).catch(() => [])) as { name: string }[]).map((row) => row.name),
      );
      for (const migration of dataSource.migrations) {
        process.stdout.write(`${applied.has(migration.name!) ? 'applied' : 'pending'}  ${migration.name}\n`);
      }
    });
  });

program
  .command('registry:import')
  .description('import the graduate registry from a CSV file; exit 0 all imported, 1 rows rejected, 2 file refused')
  .argument('<file>', 'CSV, one row per award: student_number,surname,given_name,date_of_birth,programme,award,institution,…')
  .option('--json', 'print the report as JSON')
  .action(async (file: string, options: { json?: boolean }) => {
    process.exitCode = await runRegistryImport(file, options);
  });

program
  .command('staff:create')
  .description('create a staff account; the password is read from stdin when piped, else generated and printed once')
  .requiredOption('--email <email>', 'sign-in email (codes are sent to it)')
  .requiredOption('--name <name>', 'full name')
  .requiredOption('--role <role>', 'aao-admin, security-staff or auditor')
  .action(async (options: { email: string; name: string; role: string }) => {
    await withDataSource((dataSource) =>
      runStaffCreate(dataSource, options, { stdin: process.stdin, write: (text) => process.stdout.write(text) }),
    );
  });

program
  .command('keys:rotate')
  .description(
    'run one signing-key rotation step (as the daily schedule does): create missing keys, promote the next key once it has been published for KEY_ROTATION_LEAD_DAYS and the active one has signed for KEY_ROTATION_INTERVAL_DAYS',
  )
  .option(
    '--force',
    'promote the next key now instead of waiting for the lead time and interval; gates that have not synced since it was published refuse its passes until they do (a retired key stays trusted for the passes it signed: this is not a revocation)',
  )
  .action(async (options: { force?: boolean }) => {
    const config = await resolveKeyEncryptionKey(loadAppConfig());
    await withDataSource((dataSource) => runKeysRotate(dataSource, config, options, { write: (text) => process.stdout.write(text) }));
  });

program
  .command('keys:list')
  .description('list the signing keys: purpose, kid, status, campus days and dates (public information only)')
  .action(async () => {
    const config = await resolveKeyEncryptionKey(loadAppConfig());
    await withDataSource((dataSource) => runKeysList(dataSource, config, { write: (text) => process.stdout.write(text) }));
  });

program
  .command('keys:revoke')
  .description(
    'revoke a compromised pass-signing key at once: gates stop trusting it at their next bundle fetch (even for the days it signed); an active key hands over to the next key; passes it signed are signed anew when next shown',
  )
  .argument('<kid>', 'the key id (16 hex characters) as keys:list shows it')
  .requiredOption('--reason <text>', 'why, for the key list and the audit log, e.g. "private key exposed in a backup"')
  .option('--yes', 'do not ask for confirmation')
  .action(async (kid: string, options: { reason: string; yes?: boolean }) => {
    const config = await resolveKeyEncryptionKey(loadAppConfig());
    process.exitCode = await withDataSource((dataSource) =>
      runKeysRevoke(dataSource, config, kid, options, {
        write: (text) => process.stdout.write(text),
        confirm: (question) => confirmOnTerminal(question),
      }),
    );
  });

program
  .command('keys:rewrap')
  .description(
    'after KEY_ENCRYPTION_KEY was replaced (the old one in KEY_ENCRYPTION_KEY_PREVIOUS): re-seal every signing key still sealed under the old key-encryption key under KEY_ENCRYPTION_KEY, in one transaction; keys already under it are left alone; a key that opens under neither changes nothing and exits 1 naming it',
  )
  .option('--dry-run', 'report what would be re-sealed and write nothing')
  .action(async (options: { dryRun?: boolean }) => {
    const config = await resolveKeyEncryptionKey(loadAppConfig());
    await withDataSource((dataSource) => runKeysRewrap(dataSource, config, options, { write: (text) => process.stdout.write(text) }));
  });

program
  .command('gates:create')
  .description('create a gate waiting for enrollment and print its one-time enrollment code (valid 24 hours, shown only once)')
  .requiredOption('--name <name>', 'where the gate stands, e.g. "North Entrance, Turnstile 1"')
  .action(async (options: { name: string }) => {
    const config = await resolveAppSecret(loadAppConfig());
    await withDataSource((dataSource) => runGatesCreate(dataSource, config, options, { write: (text) => process.stdout.write(text) }));
  });

program
  .command('config:check')
  .description('validate the environment and print the effective configuration (secrets masked)')
  .action(() => {
    // Every secret masked: secret-named settings (APP_SECRET …), passwords inside URLs (database, Redis, SMTP), and
    // the SecretValue settings, which print as "[masked]" by themselves.
    const shown = maskSecrets(loadAppConfig());
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isConfigError(error)) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
