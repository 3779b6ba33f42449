import type { MailLocale } from './alumni-account.entity.js';

export type IdentityMailTemplate = 'sign-in-code' | 'email-verification-code' | 'staff-sign-in-code' | 'email-registered' | 'email-changed';

export type IdentityMail =
  | {
      to: string;
      template: Exclude<IdentityMailTemplate, 'email-registered' | 'email-changed'>;
      locale: MailLocale;
      data: { code: string; minutes: number };
    }
  | { to: string; template: 'email-registered'; locale: MailLocale; data: { email: string } }
  | { to: string; template: 'email-changed'; locale: MailLocale; data: { newEmail: string } };

/** What identity needs from the mail domain (bound to MailService in IdentityModule). */
export abstract class IdentityMailer {
  abstract send(mail: IdentityMail): Promise<unknown>;
}
