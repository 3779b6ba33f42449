import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { requiredTestEnv, TEST_ENV } from './test-services.js';

export interface TestRedis {
  readonly url: string;
  /** A key and queue prefix of this test file's own, so files never see each other's data. */
  readonly prefix: string;
  /** Deletes every key under the prefix. */
  cleanup(): Promise<void>;
}

export function createTestRedis(): TestRedis {
  const url = requiredTestEnv(TEST_ENV.redisUrl);
  const prefix = `cptest-${randomBytes(4).toString('hex')}`;
  return {
    url,
    prefix,
    async cleanup() {
      const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      try {
        for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
          if (keys.length > 0) await redis.unlink(...keys);
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}
