import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { LiveEntry, SecurityAlert } from '@campuspass/contracts';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/app-config.module.js';
import { RedisConnections } from '../core/queue/redis-connections.js';

/** What goes over the feed: a stored entry, or an alert raised or changed. */
export type FeedMessage = { readonly type: 'entry'; readonly data: LiveEntry } | { readonly type: 'alert'; readonly data: SecurityAlert };

export type FeedListener = (message: FeedMessage) => void;

/** On the Redis channel: one message, or several published together (split again by every subscriber, in order). */
type WireMessage = FeedMessage | { readonly type: 'batch'; readonly messages: readonly FeedMessage[] };

/** Messages per Redis PUBLISH at most (a batch of entries is a few PUBLISHes, not one per entry). */
const PUBLISH_BATCH = 250;

/** How often a failing publish is logged at most (Redis down: every entry would fail). */
const PUBLISH_FAILURE_LOG_MS = 60_000;

/**
 * The live feed across processes: the process that stores entries (the worker) PUBLISHes on a Redis channel;
 * every HTTP process SUBSCRIBEs once (when its first client connects) and fans out to its connected clients.
 * With Redis down, publishing fails quietly and clients hear nothing new; the subscriber connection reconnects and
 * re-subscribes by itself when Redis is back (ioredis autoResubscribe), so no restart is needed.
 */
@Injectable()
export class SecurityFeed {
  private readonly logger = new Logger(SecurityFeed.name);
  private readonly listeners = new Set<FeedListener>();
  private subscriber?: Redis;
  private lastPublishFailureLog = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: RedisConnections,
  ) {}

  /** The channel, under the queue prefix so test runs and installations sharing a Redis stay apart. */
  get channel(): string {
    return `${this.config.redis.prefix}:security:feed`;
  }

  async publish(message: FeedMessage): Promise<void> {
    await this.publishAll([message]);
  }

  /**
   * Publishes the messages in one round trip (a batch of stored entries): up to PUBLISH_BATCH of them in one Redis
   * message, which every subscriber splits again, so a batch of a thousand entries costs Redis a few PUBLISHes.
   */
  async publishAll(messages: readonly FeedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      const pipeline = this.connections.producer().pipeline();
      for (let start = 0; start < messages.length; start += PUBLISH_BATCH) {
        const part = messages.slice(start, start + PUBLISH_BATCH);
        const wire: WireMessage = part.length === 1 ? part[0]! : { type: 'batch', messages: part };
        pipeline.publish(this.channel, JSON.stringify(wire));
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error !== null);
      if (failed) throw failed[0];
    } catch (error) {
      const now = Date.now();
      if (now - this.lastPublishFailureLog >= PUBLISH_FAILURE_LOG_MS) {
        this.lastPublishFailureLog = now;
        this.logger.warn(
          `Could not publish to the security feed (Redis unreachable?): ${error instanceof Error ? error.message : String(error)}; live clients miss it, search still has it`,
        );
      }
    }
  }

  /** Hear every message published from now on (in this process). Returns the function that stops listening. */
  listen(listener: FeedListener): () => void {
    this.ensureSubscribed();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the subscription is active (tests, and callers that must not miss what they publish next). */
  async subscribed(signal: AbortSignal): Promise<void> {
    const subscriber = this.ensureSubscribed();
    while (!(subscriber.status === 'ready' && subscriber.condition?.subscriber)) {
      signal.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private ensureSubscribed(): Redis {
    if (this.subscriber) return this.subscriber;
    // Commands wait for the connection (worker purpose): the SUBSCRIBE is sent as soon as Redis answers.
    const subscriber = this.connections.create('worker');
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let wire: WireMessage;
      try {
        wire = JSON.parse(text) as WireMessage;
      } catch {
        return;
      }
      const messages = wire.type === 'batch' ? (Array.isArray(wire.messages) ? wire.messages : []) : [wire];
      for (const message of messages) {
        for (const listener of this.listeners) {
          try {
            listener(message);
          } catch (error) {
            this.logger.warn(`A feed client failed: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }
    });
    subscriber.subscribe(this.channel).catch((error: unknown) => this.logger.warn({ msg: 'security feed subscribe failed', err: error }));
    this.subscriber = subscriber;
    return subscriber;
  }
}
