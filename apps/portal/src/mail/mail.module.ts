import { Global, Module } from '@nestjs/common';
import { DevMailboxController } from './dev-mailbox.controller.js';
import { MailCatcher } from './mail-catcher.js';
import { MailService } from './mail.service.js';
import { MailTransport } from './mail.transport.js';
import { SendMailJob } from './send-mail.job.js';

/**
 * Outgoing mail: templates, the mail queue's job, the SMTP transport, and in development the mail catcher
 * with its dev mailbox. Global, like the queue: any domain injects MailService without importing this.
 * Needs AppConfigModule and QueueModule (both global) in the same application.
 */
@Global()
@Module({
  controllers: [DevMailboxController],
  providers: [MailCatcher, MailTransport, MailService, SendMailJob],
  exports: [MailService],
})
export class MailModule {}
