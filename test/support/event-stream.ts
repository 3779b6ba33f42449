import { request as httpRequest, type IncomingMessage } from 'node:http';
import cookiejar from 'cookiejar';
import type { HttpSession } from './http-sessions.js';
import { waitFor } from './wait.js';

/** One server-sent event as a client receives it. */
export interface ReceivedEvent {
  readonly event: string;
  readonly data: unknown;
}

export interface EventStreamClient {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  /** Every event received so far, in order. */
  readonly events: ReceivedEvent[];
  /** True once the server ended the stream (or the connection broke). */
  readonly ended: boolean;
  /** Waits until an event matching `match` has arrived and returns it. */
  next(what: string, match: (event: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  close(): void;
}

/** The Cookie header of a supertest session (its jar), for clients other than supertest. */
export function cookieHeader(session: HttpSession): string {
  return session.agent.jar.getCookies(cookiejar.CookieAccessInfo.All).toValueString();
}

/** Opens `url` as an EventSource would (GET, Accept: text/event-stream) and parses the events as they arrive. */
export function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      const events: ReceivedEvent[] = [];
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length === 0) continue;
          const text = data.join('\n');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: kept as text.
          }
          events.push({ event, data: parsed });
        }
      });
      let ended = false;
      response.on('error', () => (ended = true));
      response.on('close', () => (ended = true));
      resolve({
        get ended() {
          return ended;
        },
        status: response.statusCode ?? 0,
        headers: response.headers,
        events,
        async next(what, match, timeoutMs = 15_000) {
          return (await waitFor(
            what,
            () => events.find(match),
            (found) => found !== undefined,
            timeoutMs,
          ))!;
        },
        close() {
          request.destroy();
          response.destroy();
        },
      });
    });
    request.on('error', reject);
    request.end();
  });
}
