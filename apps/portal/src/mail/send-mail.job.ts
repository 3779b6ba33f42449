import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { QueueName } from '@campuspass/contracts';
import { JobProcessor, type JobHandler } from '../core/queue/job-processor.decorator.js';
import type { MailLocale, MailTemplateName } from './mail-templates.js';
import { isMailMessage, MailService, type MailMessage } from './mail.service.js';
import { maskEmail } from './mask-email.js';

/** What a mail job holds after it was sent: the code and the address are dropped from Redis. */
export interface DeliveredMailJobData {
  readonly delivered: true;
  readonly template: MailTemplateName;
  readonly locale: MailLocale;
  /** Masked, e.g. `j***@example.com`. */
  readonly to: string;
  readonly deliveredAt: string;
}

export type SendMailJobData = MailMessage | DeliveredMailJobData;

const isDelivered = (data: SendMailJobData): data is DeliveredMailJobData => 'delivered' in data && data.delivered === true;

/**
 * Sends one queued email. A mail server failure fails the attempt and BullMQ retries with backoff
 * (DEFAULT_JOB_OPTIONS); a job that fails every attempt stays in the failed set for inspection.
 * Safe to run twice: a job whose mail went out is marked delivered and returns early.
 */
@Injectable()
@JobProcessor(QueueName.Mail, { concurrency: 4 })
export class SendMailJob implements JobHandler<SendMailJobData, string> {
  constructor(private readonly mail: MailService) {}

  async process(job: Job<SendMailJobData>): Promise<string> {
    const data = job.data;
    if (isDelivered(data)) return 'already delivered';
    // Retrying cannot fix data no template accepts (e.g. queued by an older release): fail at once.
    if (!isMailMessage(data)) throw new UnrecoverableError('Mail job data is not a message of a known template');
    await this.mail.deliver(data, 'queue');
    const delivered: DeliveredMailJobData = {
      delivered: true,
      template: data.template,
      locale: data.locale,
      to: maskEmail(data.to),
      deliveredAt: new Date().toISOString(),
    };
    // Best effort: the mail is out either way; a failed update only leaves the data until the job is trimmed.
    await job.updateData(delivered).catch(() => undefined);
    return 'delivered';
  }
}
