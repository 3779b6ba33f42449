import { Injectable, Logger } from '@nestjs/common';
import QRCode from 'qrcode';
import { QueueName } from '@campuspass/contracts';
import { JobQueue } from '../core/queue/job-queue.service.js';
import { isQueueUnavailableError } from '../core/queue/queue.errors.js';
import { MailCatcher } from './mail-catcher.js';
import { MailException } from './mail.exception.js';
import {
  isMailLocale,
  isMailTemplateData,
  isMailTemplateName,
  renderMail,
  type MailLocale,
  type MailTemplateData,
  type MailTemplateName,
} from './mail-templates.js';
import { MailTransport } from './mail.transport.js';
import { maskEmail, maskEmailsIn } from './mask-email.js';

/** One email to send: the template decides which `data` the compiler accepts. */
export type MailMessage<T extends MailTemplateName = MailTemplateName> = {
  [K in T]: { readonly to: string; readonly template: K; readonly locale: MailLocale; readonly data: MailTemplateData[K] };
}[T];

/** `queued`: a mail worker sends it (and retries while the mail server fails); `sent`: the mail server took it already. */
export type MailSendResult = { readonly delivery: 'queued'; readonly jobId: string } | { readonly delivery: 'sent' };

/** A failed SMTP attempt, with every address in the server's answer masked so it can be logged and kept. */
export class MailDeliveryError extends Error {
  constructor(cause: unknown) {
    super(`SMTP delivery failed: ${maskEmailsIn(cause instanceof Error ? cause.message : String(cause))}`);
    this.name = 'MailDeliveryError';
  }
}

/** At most 254 characters, one @, no spaces or line breaks: what a mail header can carry safely. */
const RECIPIENT = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

export function isMailMessage(value: unknown): value is MailMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { to, template, locale, data } = value as Record<string, unknown>;
  return (
    typeof to === 'string' &&
    to.length <= 254 &&
    RECIPIENT.test(to) &&
    isMailTemplateName(template) &&
    isMailLocale(locale) &&
    isMailTemplateData(template, data)
  );
}

/**
 * Sends the portal's emails. `send` queues a message for the mail worker (BullMQ retries while the mail
 * server fails); with Redis down it sends at once instead, so a one-time code still arrives. In development
 * without SMTP_URL it always sends at once to this process's mail catcher, which the dev mailbox shows.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly transport: MailTransport,
    private readonly catcher: MailCatcher,
  ) {}

  /**
   * @throws MailException `mail-unavailable` (503) when neither the queue nor the mail server took the
   *   message; `mail-invalid-message` when the recipient or data cannot be used (a caller's bug).
   */
  async send(message: MailMessage): Promise<MailSendResult> {
    if (!isMailMessage(message)) {
      throw new MailException('mail-invalid-message', 'The email could not be prepared.', {
        template: (message as { template?: unknown }).template,
      });
    }
    // The catcher lives in this process's memory: a worker in another process would catch the mail where
    // this process's dev mailbox cannot show it.
    if (this.catcher.active) return this.sendNow(message, 'catcher');
    try {
      const jobId = await this.jobs.add(QueueName.Mail, message.template, message);
      this.logger.log({ msg: 'mail queued', template: message.template, locale: message.locale, to: maskEmail(message.to), jobId });
      return { delivery: 'queued', jobId };
    } catch (error) {
      if (!isQueueUnavailableError(error)) throw error;
      this.logger.warn({
        msg: 'mail queue unavailable (Redis down): sending directly',
        template: message.template,
        to: maskEmail(message.to),
      });
      return this.sendNow(message, 'direct');
    }
  }

  /**
   * Renders and sends one message now. The mail job and the direct path both end here.
   * @throws MailDeliveryError when the mail server fails (the job retries it)
   */
  async deliver(message: MailMessage, via: 'queue' | 'direct' | 'catcher'): Promise<void> {
    const { inlineQr, ...rendered } = renderMail(message.template, message.locale, message.data);
    // The QR image is drawn here, not queued: the job keeps only the QR text.
    const inlineImages = inlineQr
      ? [
          {
            cid: inlineQr.cid,
            filename: 'campus-access-qr.png',
            contentType: 'image/png',
            content: await QRCode.toBuffer(inlineQr.qrText, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 }),
          },
        ]
      : [];
    try {
      await this.transport.send({ to: message.to, ...rendered, ...(inlineImages.length ? { inlineImages } : {}) });
    } catch (error) {
      throw new MailDeliveryError(error);
    }
    this.logger.log({ msg: 'mail sent', template: message.template, locale: message.locale, to: maskEmail(message.to), via });
  }

  private async sendNow(message: MailMessage, via: 'direct' | 'catcher'): Promise<MailSendResult> {
    try {
      await this.deliver(message, via);
      return { delivery: 'sent' };
    } catch (error) {
      this.logger.error({
        msg: 'mail not sent',
        template: message.template,
        to: maskEmail(message.to),
        via,
        error: error instanceof Error ? error.message : String(error),
      });
      throw MailException.unavailable();
    }
  }
}
