import { Injectable, Logger, type BeforeApplicationShutdown, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { SecurityFeed, type FeedMessage } from './security-feed.js';
import { SecurityService } from './security.service.js';

/** A `ping` event this often keeps proxies from closing an idle stream and shows the page the feed is alive. */
export const FEED_PING_MS = 15_000;

/**
 * One client's server-sent events (served by Nest's @Sse, which sets the no-buffering headers, drops clients that
 * stop reading and notices those that left): the backlog of recent entries first, then every entry and alert the
 * feed hears, and a `ping` every 15 s. Live messages that arrive while the backlog loads are held and sent after it
 * (an entry in both is sent once), so nothing falls between the two.
 */
@Injectable()
export class SecurityFeedStream implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SecurityFeedStream.name);
  /** Ends each open stream at shutdown: the HTTP server cannot close while they last (browsers reconnect elsewhere). */
  private readonly open = new Set<() => void>();

  constructor(
    private readonly feed: SecurityFeed,
    private readonly security: SecurityService,
  ) {}

  events(): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      let held: FeedMessage[] | undefined = [];
      let closed = false;
      const send = (message: FeedMessage) => subscriber.next({ type: message.type, data: message.data });
      const stopListening = this.feed.listen((message) => {
        if (held) held.push(message);
        else send(message);
      });
      const ping = setInterval(() => subscriber.next({ type: 'ping', data: { at: new Date().toISOString() } }), FEED_PING_MS);
      const end = () => subscriber.complete();
      this.open.add(end);

      void (async () => {
        const sent = new Set<string>();
        try {
          for (const entry of await this.security.backlog()) {
            if (closed) return;
            sent.add(entry.eventId);
            send({ type: 'entry', data: entry });
          }
        } catch (error) {
          this.logger.warn({ msg: 'security feed backlog failed; live entries only', err: error });
        }
        const pending = held ?? [];
        held = undefined;
        for (const message of pending) {
          if (closed) return;
          if (message.type === 'entry' && sent.has(message.data.eventId)) continue;
          send(message);
        }
      })();

      return () => {
        closed = true;
        clearInterval(ping);
        stopListening();
        this.open.delete(end);
      };
    });
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }
}
