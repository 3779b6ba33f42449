import { Injectable, Logger, type BeforeApplicationShutdown, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { isIdentityException } from '../identity/identity.exception.js';
import { SessionService } from '../identity/session.service.js';
import { SecurityFeed, type FeedMessage } from './security-feed.js';
import { SecurityException } from './security.exception.js';
import { SecurityService } from './security.service.js';

/** A `ping` event this often keeps proxies from closing an idle stream and shows the page the feed is alive. */
export const FEED_PING_MS = 15_000;

/** Limits of the live feed's streams (tests shorten the times through SecurityFeedStream.limits). */
export interface FeedStreamLimits {
  /** The session behind a stream is checked again this often (at each ping): ended, or no longer security staff, ends it. */
  checkEveryMs: number;
  /** A stream ends after this long; the browser's EventSource reconnects, through the access guard again. */
  maxLifetimeMs: number;
  /** Open streams per session (a few tabs), ... */
  perSession: number;
  /** ... and per process. */
  perProcess: number;
}

export const FEED_STREAM_LIMITS: Readonly<FeedStreamLimits> = {
  checkEveryMs: FEED_PING_MS,
  maxLifetimeMs: 15 * 60_000,
  perSession: 5,
  perProcess: 200,
};

/** Who opened a stream: the session token from the cookie (as the access guard resolved it). */
export interface FeedViewer {
  readonly token: string;
}

/**
 * One client's server-sent events (served by Nest's @Sse, which sets the no-buffering headers, drops clients that
 * stop reading and notices those that left): the backlog of recent entries first, then every entry and alert the
 * feed hears, and a `ping` every 15 s. Live messages that arrive while the backlog loads are held and sent after it
 * (an entry in both is sent once), so nothing falls between the two.
 *
 * A stream lasts only as long as its session: at each check (every ping) the session is resolved again and the
 * stream ends once it is signed out, revoked, timed out or no longer security staff; and it ends after
 * maxLifetimeMs anyway, so the browser reconnects through the access guard. Streams are capped per session and
 * per process (429 beyond).
 */
@Injectable()
export class SecurityFeedStream implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SecurityFeedStream.name);
  /** Ends each open stream at shutdown: the HTTP server cannot close while they last (browsers reconnect elsewhere). */
  private readonly open = new Set<() => void>();
  /** Open streams per session token (in this process). */
  private readonly perSession = new Map<string, number>();
  readonly limits: FeedStreamLimits = { ...FEED_STREAM_LIMITS };

  constructor(
    private readonly feed: SecurityFeed,
    private readonly security: SecurityService,
    private readonly sessions: SessionService,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  /** The viewer's stream; a SecurityException (429) when the session or the process has as many open as allowed. */
  events(viewer: FeedViewer): Observable<MessageEvent> {
    if (this.open.size >= this.limits.perProcess) {
      throw new SecurityException(
        'feed-streams-exhausted',
        'The live feed has as many viewers as this server allows. Please try again in a minute; the entry search works meanwhile.',
      );
    }
    if ((this.perSession.get(viewer.token) ?? 0) >= this.limits.perSession) {
      throw new SecurityException(
        'feed-streams-exhausted',
        `You have the live feed open ${this.limits.perSession} times already (other tabs or windows). Close one of them and reload this page.`,
      );
    }
    // Counted now, not at subscription: parallel requests of one session cannot all pass the check above.
    this.perSession.set(viewer.token, (this.perSession.get(viewer.token) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.perSession.get(viewer.token) ?? 1) - 1;
      if (left <= 0) this.perSession.delete(viewer.token);
      else this.perSession.set(viewer.token, left);
    };
    return new Observable<MessageEvent>((subscriber) => {
      let held: FeedMessage[] | undefined = [];
      let closed = false;
      const send = (message: FeedMessage) => subscriber.next({ type: message.type, data: message.data });
      const stopListening = this.feed.listen((message) => {
        if (held) held.push(message);
        else send(message);
      });
      const end = () => subscriber.complete();
      this.open.add(end);
      const lifetime = setTimeout(end, this.limits.maxLifetimeMs);
      let checking = false;
      const check = setInterval(() => {
        if (checking || closed) return;
        checking = true;
        void this.stillAllowed(viewer)
          .then((allowed) => {
            if (closed) return;
            if (!allowed) end();
            else subscriber.next({ type: 'ping', data: { at: new Date().toISOString() } });
          })
          .finally(() => (checking = false));
      }, this.limits.checkEveryMs);

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
        clearInterval(check);
        clearTimeout(lifetime);
        stopListening();
        this.open.delete(end);
        release();
      };
    });
  }

  /** The session still exists and still belongs to security staff (a database error keeps the stream: not the viewer's fault). */
  private async stillAllowed(viewer: FeedViewer): Promise<boolean> {
    try {
      const identity = await this.sessions.resolve(viewer.token);
      return identity.subject.roles.includes('security-staff');
    } catch (error) {
      if (isIdentityException(error)) return false;
      this.logger.warn({ msg: 'security feed could not check its session; keeps streaming until the next check', err: error });
      return true;
    }
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }
}
