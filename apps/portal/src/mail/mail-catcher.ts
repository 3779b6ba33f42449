import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/app-config.module.js';

/** How many messages the catcher keeps; older ones are dropped. */
export const MAIL_CATCHER_CAPACITY = 200;
const MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

export interface CaughtMail {
  /** Increasing per process: a larger id is a newer message. */
  readonly id: string;
  readonly to: readonly string[];
  readonly from: string;
  readonly subject: string;
  /** ISO 8601: the Date header, else when the catcher received it. */
  readonly date: string;
  readonly text: string;
  readonly html: string;
}

/** True when this configuration runs the development mail catcher (no SMTP_URL, not production). */
export const usesMailCatcher = (config: AppConfig): boolean => !config.mail.smtpUrl && config.environment !== 'production';

/**
 * Development only: a local SMTP server (127.0.0.1, a free port, no TLS, no auth) that keeps the last
 * messages in memory so the dev mailbox page can show them. Started once per process when SMTP_URL is
 * unset outside production; stopped on shutdown. The configuration refuses production without SMTP_URL.
 */
@Injectable()
export class MailCatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MailCatcher.name);
  readonly active: boolean;
  private server?: SMTPServer;
  private address?: string;
  private sequence = 0;
  private readonly caught: CaughtMail[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.active = usesMailCatcher(config);
  }

  async onModuleInit(): Promise<void> {
    if (!this.active) return;
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      disableReverseLookup: true,
      logger: false,
      size: MAX_MESSAGE_BYTES,
      closeTimeout: 1000,
      banner: 'CampusPass development mail catcher: nothing is delivered',
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.keep(mail);
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    });
    server.on('error', (error: Error) => this.logger.warn({ msg: 'mail catcher error', error: error.message }));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.address = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    this.logger.log(
      `No SMTP_URL: development mail catcher on ${this.address}; nothing is delivered. Read mail at ${this.config.http.publicUrl}/dev/mailbox`,
    );
  }

  /** The catcher's SMTP URL; throws when the catcher is not running (SMTP_URL set, production, or stopped). */
  get url(): string {
    if (!this.address) throw new Error('The development mail catcher is not running');
    return this.address;
  }

  /** Caught messages, newest first. */
  list(): CaughtMail[] {
    return [...this.caught].reverse();
  }

  get(id: string): CaughtMail | undefined {
    return this.caught.find((mail) => mail.id === id);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.address = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private keep(mail: ParsedMail): void {
    this.sequence += 1;
    this.caught.push({
      id: String(this.sequence),
      to: addresses(mail.to),
      from: addresses(mail.from).join(', '),
      subject: mail.subject ?? '',
      date: (mail.date ?? new Date()).toISOString(),
      text: mail.text ?? '',
      html: typeof mail.html === 'string' ? mail.html : '',
    });
    if (this.caught.length > MAIL_CATCHER_CAPACITY) this.caught.splice(0, this.caught.length - MAIL_CATCHER_CAPACITY);
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const lists = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return lists.flatMap((list) => list.value.map((address) => address.address ?? '')).filter(Boolean);
}
