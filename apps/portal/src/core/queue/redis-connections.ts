import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/app-config.module.js';
import { maskUrl } from '../logging/mask.js';
import { settleWithin } from './settle-within.js';

/** Reconnect quickly at first, then every 5 s at most, forever: Redis coming back must need no restart. */
export const reconnectDelay = (attempt: number): number => Math.min(250 * 2 ** Math.min(attempt, 5), 5000);

/**
 * Owns every Redis connection of the process. Logs when Redis goes away and when it is back (once per
 * change, not once per retry), so a Redis outage degrades the portal instead of flooding its log.
 */
@Injectable()
export class RedisConnections implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnections.name);
  private readonly connections = new Set<Redis>();
  private reachable: boolean | undefined;
  private sharedProducer?: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Connect at start-up, so the first health check or job does not race the connection. */
  onModuleInit(): void {
    this.producer();
  }

  /**
   * @param purpose `producer`: commands fail at once while Redis is down (a web request must not hang);
   *   `worker`: commands wait for the connection (BullMQ workers need maxRetriesPerRequest = null).
   */
  create(purpose: 'producer' | 'worker'): Redis {
    const options: RedisOptions = {
      retryStrategy: reconnectDelay,
      connectTimeout: 3000,
      ...(purpose === 'producer' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
    };
    const connection = new Redis(this.config.redis.url, options);
    connection.on('ready', () => this.markReachable(true));
    connection.on('error', (error: Error) => this.markReachable(false, error));
    this.connections.add(connection);
    return connection;
  }

  /** The one fail-fast connection the process's queue producers and health checks share. */
  producer(): Redis {
    this.sharedProducer ??= this.create('producer');
    return this.sharedProducer;
  }

  /**
   * Resolves once the producer connection is ready. While it is still being (re)established this waits,
   * up to the signal, instead of failing at once: a call right after start-up is not an outage.
   */
  async producerReady(signal: AbortSignal): Promise<Redis> {
    const connection = this.producer();
    if (connection.status === 'ready') return connection;
    signal.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        connection.off('ready', onReady);
        reject(new Error(`Redis not reachable (connection ${connection.status})`));
      };
      connection.once('ready', onReady);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return connection;
  }

  async ping(signal: AbortSignal): Promise<void> {
    await (await this.producerReady(signal)).ping();
  }

  get isReachable(): boolean {
    return this.reachable === true;
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT only where Redis answers; a connection that is down would queue the QUIT until Redis is back.
    await Promise.all(
      [...this.connections].map(async (connection) => {
        if (connection.status === 'ready') await settleWithin(connection.quit(), 2000);
        connection.disconnect();
      }),
    );
    this.connections.clear();
    this.sharedProducer = undefined;
  }

  private markReachable(reachable: boolean, error?: Error): void {
    if (this.reachable === reachable) return;
    this.reachable = reachable;
    const where = maskUrl(this.config.redis.url);
    if (reachable) this.logger.log(`Redis reachable at ${where}; queues running`);
    else this.logger.warn(`Redis unreachable at ${where} (${error?.message ?? 'connection lost'}); queued work waits, retrying`);
  }
}
