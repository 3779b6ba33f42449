import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp } from '../../apps/portal/src/bootstrap.js';
import { loadAppConfig, type AppConfig } from '../../apps/portal/src/config/app-config.js';
import { createLogger } from '../../apps/portal/src/core/logging/logger.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { createTestRedis, type TestRedis } from './redis.js';

export interface TestPortal {
  readonly app: NestExpressApplication;
  readonly config: AppConfig;
  readonly database: TestDatabase;
  readonly redis: TestRedis;
  close(): Promise<void>;
}

/**
 * The real portal HTTP app (same bootstrap as main.ts) on this test file's own database and Redis prefix.
 * `env` overrides configuration variables, e.g. REDIS_URL of a closed port to test an outage.
 */
export async function startTestPortal(env: NodeJS.ProcessEnv = {}, options: { workers?: boolean } = {}): Promise<TestPortal> {
  const database = await createTestDatabase();
  const redis = createTestRedis();
  const config = loadAppConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATABASE_MIGRATE: 'manual',
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    APP_SECRET: randomBytes(32).toString('base64url'),
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
  const app = await createHttpApp(config, createLogger({ level: config.log.level }), { workers: options.workers ?? false });
  await app.init();
  return {
    app,
    config,
    database,
    redis,
    async close() {
      await app.close();
      await redis.cleanup();
      await database.drop();
    },
  };
}
