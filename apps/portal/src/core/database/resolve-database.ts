import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { maskUrl } from '../logging/mask.js';
import { ensureDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

export const EMBEDDED_DATABASE_NAME = 'campuspass';

export interface ResolvedDatabase {
  readonly config: AppConfig;
  /** Stops the embedded server when this process started it. */
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL under .data/ (development only, by config rule). */
export async function resolveDatabase(config: AppConfig, logger: Logger): Promise<ResolvedDatabase> {
  if (config.database.url) {
    logger.info({ database: maskUrl(config.database.url) }, 'using PostgreSQL from DATABASE_URL');
    return { config, stop: async () => undefined };
  }
  const { dir, port } = config.database.embedded;
  logger.info({ dir, port }, 'DATABASE_URL unset: starting the embedded PostgreSQL (first start takes a few seconds)');
  const server = await startEmbeddedPostgres({ dir, port, onLog: (message) => logger.debug({ postgres: message.trim() }) });
  await ensureDatabase(server.adminUrl, EMBEDDED_DATABASE_NAME);
  const url = server.urlFor(EMBEDDED_DATABASE_NAME);
  return { config: { ...config, database: { ...config.database, url } }, stop: () => server.stop() };
}
