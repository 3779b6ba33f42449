import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** Picks the messages a test waits for: a recipient address (case-insensitive) or any predicate. */
export type MailMatcher = string | ((mail: ParsedMail) => boolean);

export interface TestSmtpServer {
  /** SMTP_URL for the portal: plain SMTP on 127.0.0.1, no TLS, no authentication. */
  readonly url: string;
  readonly port: number;
  /** Every message received so far, parsed, oldest first. */
  readonly messages: ParsedMail[];
  /**
   * The first received message (already received or still to come) that matches, or a rejection after
   * `timeoutMs`. Pass `{ after: n }` to ignore the first n messages, e.g. `server.messages.length` taken
   * before the action that sends, when the same address gets several mails in one test.
   */
  waitForMessage(match: MailMatcher, timeoutMs?: number, options?: { after?: number }): Promise<ParsedMail>;
  /** Forgets the messages received so far. */
  clear(): void;
  close(): Promise<void>;
}

/** Every recipient of a parsed message (To, Cc), lower-cased. */
export function recipients(mail: ParsedMail): string[] {
  const lists: AddressObject[] = [mail.to, mail.cc].flatMap((field) => (field === undefined ? [] : Array.isArray(field) ? field : [field]));
  return lists.flatMap((list) => list.value.map((address) => address.address?.toLowerCase() ?? '')).filter(Boolean);
}

/**
 * A real SMTP server (the `smtp-server` package) on a free port of 127.0.0.1 that accepts everything,
 * without TLS or authentication, and keeps each message parsed by mailparser. Close it in afterAll.
 * `port` listens on a given port instead, e.g. one an SMTP-down test reserved with freePort() first.
 */
export async function startTestSmtpServer(options: { port?: number } = {}): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<() => void>();

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 1000,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  const matches = (match: MailMatcher) =>
    typeof match === 'string' ? (mail: ParsedMail) => recipients(mail).includes(match.toLowerCase()) : match;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitForMessage(match, timeoutMs = 10_000, options = {}) {
      const predicate = matches(match);
      const find = () => messages.slice(options.after ?? 0).find(predicate);
      const found = find();
      if (found) return Promise.resolve(found);
      return new Promise<ParsedMail>((resolve, reject) => {
        const wake = () => {
          const mail = find();
          if (!mail) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          const seen = messages.map((mail) => `${recipients(mail).join(',')}: ${mail.subject ?? ''}`).join('; ') || 'none';
          reject(new Error(`No matching mail within ${timeoutMs} ms (received: ${seen})`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    clear() {
      messages.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The 6-digit one-time code in a mail's text body; throws when there is none. */
export function extractCode(mail: ParsedMail): string {
  const match = /\b(\d{6})\b/.exec(mail.text ?? '');
  if (!match?.[1]) throw new Error(`No 6-digit code in mail "${mail.subject ?? ''}": ${mail.text ?? '(no text body)'}`);
  return match[1];
}
