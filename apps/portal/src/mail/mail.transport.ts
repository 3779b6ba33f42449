import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/app-config.module.js';
import { MailCatcher } from './mail-catcher.js';

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Inline images referenced from the HTML as `cid:<cid>`. */
  readonly inlineImages?: readonly {
    readonly cid: string;
    readonly filename: string;
    readonly content: Buffer;
    readonly contentType: string;
  }[];
}

/** Named timeouts: a mail server that does not answer fails the attempt (and the job retries) instead of hanging. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/** The only code that speaks SMTP: nodemailer to SMTP_URL, or to the development mail catcher without one. */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private transporter?: Transporter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly catcher: MailCatcher,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport().sendMail({
      from: this.config.mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      ...(mail.inlineImages?.length
        ? { attachments: mail.inlineImages.map((image) => ({ ...image, contentDisposition: 'inline' as const })) }
        : {}),
      // Hint to mail servers that this is automatic (RFC 3834): no auto-replies, no vacation notices.
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
    this.transporter = undefined;
  }

  private transport(): Transporter {
    this.transporter ??= createTransport({ url: this.config.mail.smtpUrl ?? this.catcher.url, ...SMTP_TIMEOUTS });
    return this.transporter;
  }
}
