import type { Logger } from 'pino';
import { loadAppConfig, type AppConfig } from './config/app-config.js';
import { isConfigError } from './config/config.error.js';
import { createLogger } from './core/logging/logger.js';
import { resolveDatabase } from './core/database/resolve-database.js';
import { resolveKeyEncryptionKey } from './core/crypto/key-encryption-key.js';
import { resolveAppSecret } from './core/crypto/secrets.js';

/**
 * Shared start-up of every entry point: validated config (fail fast, naming the variable), one JSON logger,
 * the database resolved (embedded in development), and a clean exit on signals and fatal errors.
 */
export async function run(name: string, start: (config: AppConfig, logger: Logger) => Promise<{ close(): Promise<void> }>): Promise<void> {
  let config: AppConfig;
  try {
    config = loadAppConfig();
  } catch (error) {
    if (isConfigError(error)) {
      process.stderr.write(`${error.message}\nFix the variables above (see README "Configuration") and start again.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger({ level: config.log.level, name });
  try {
    const database = await resolveDatabase(config, logger);
    const service = await start(await resolveKeyEncryptionKey(await resolveAppSecret(database.config)), logger);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      await service.close().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
      await database.stop().catch((error: unknown) => logger.error({ err: error }, 'error while stopping the embedded PostgreSQL'));
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
}
