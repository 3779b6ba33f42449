import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/app-config.js';
import { resolveAppSecret } from '../core/crypto/secrets.js';
import { dataSourceOptions } from '../core/database/data-source-options.js';
import { resolveDatabase } from '../core/database/resolve-database.js';
import { createLogger } from '../core/logging/logger.js';
import { GraduateEntity } from './graduate.entity.js';
import { PersonalIdHasher } from './personal-id-hasher.js';
import { formatBytes } from './registry-csv.js';
import { isRegistryImportException } from './registry.exception.js';
import { RegistryRepository } from './registry.repository.js';
import { REGISTRY_IMPORT_DEFAULTS, RegistryService, type RegistryImportReport } from './registry.service.js';

/** Exit codes of `registry:import`. */
export const REGISTRY_IMPORT_EXIT = {
  allImported: 0,
  rowsRejected: 1,
  fileRefused: 2,
  /** EX_SOFTWARE: the database or something else failed; nothing was written. */
  failed: 70,
  /** EX_TEMPFAIL: another import is running. */
  busy: 75,
} as const;

export interface RegistryImportCommandOptions {
  json?: boolean;
}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Output = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/**
 * `npm run portal -- registry:import <file.csv>`: imports the graduate registry against the configured
 * database (migrating first when DATABASE_MIGRATE is auto) and prints the report. Returns the exit code.
 */
export async function runRegistryImport(file: string, options: RegistryImportCommandOptions = {}, output: Output = stdio): Promise<number> {
  // A configuration error propagates: the CLI exits 78 with the variables named.
  const config = loadAppConfig();
  const size = await stat(file).then(
    (stats) => (stats.isFile() ? stats.size : new Error('it is not a file')),
    (error: NodeJS.ErrnoException) => new Error(error.code === 'ENOENT' ? 'no such file' : error.message),
  );
  if (size instanceof Error) {
    output.err(`Cannot read ${file}: ${size.message}.\n`);
    return REGISTRY_IMPORT_EXIT.fileRefused;
  }
  if (size > REGISTRY_IMPORT_DEFAULTS.maxBytes) {
    output.err(`${file} is larger than ${formatBytes(REGISTRY_IMPORT_DEFAULTS.maxBytes)}; split it and import the parts.\n`);
    return REGISTRY_IMPORT_EXIT.fileRefused;
  }

  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'portal-cli' });
  const database = await resolveDatabase(config, logger);
  const dataSource = new DataSource(dataSourceOptions(database.config.database.url!, { logging: ['error', 'migration'] }));
  try {
    await dataSource.initialize();
    if (config.database.migrate === 'auto') await dataSource.runMigrations({ transaction: 'each' });
    else if (await dataSource.showMigrations()) {
      output.err('The database has pending migrations: run `npm run portal -- db:migrate` first.\n');
      return REGISTRY_IMPORT_EXIT.failed;
    }
    const secrets = await resolveAppSecret(database.config);
    const service = new RegistryService(new RegistryRepository(dataSource.getRepository(GraduateEntity)), new PersonalIdHasher(secrets));
    const report = await service.importCsv(createReadStream(file));
    output.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(file, report));
    return report.rejectedCount > 0 ? REGISTRY_IMPORT_EXIT.rowsRejected : REGISTRY_IMPORT_EXIT.allImported;
  } catch (error) {
    if (isRegistryImportException(error)) {
      output.err(`${file} was not imported (nothing was written): ${error.message}\n`);
      return error.code === 'import-in-progress' ? REGISTRY_IMPORT_EXIT.busy : REGISTRY_IMPORT_EXIT.fileRefused;
    }
    output.err(`The import failed and nothing was written: ${error instanceof Error ? error.message : String(error)}\n`);
    return REGISTRY_IMPORT_EXIT.failed;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.stop();
  }
}

export function formatReport(file: string, report: RegistryImportReport): string {
  const { graduates, awards } = report.imported;
  const lines = [
    `${file}: ${report.rowsRead} row(s) read, ${report.imported.rows} imported, ${report.rejectedCount} rejected.`,
    `  graduates: ${graduates.inserted} new, ${graduates.updated} updated; awards: ${awards.inserted} new, ${awards.updated} updated.`,
    ...report.rejected.map((row) => `  line ${row.line}: ${row.reason}`),
  ];
  const unlisted = report.rejectedCount - report.rejected.length;
  if (unlisted > 0) lines.push(`  … and ${unlisted} more rejected row(s) not listed.`);
  return `${lines.join('\n')}\n`;
}
