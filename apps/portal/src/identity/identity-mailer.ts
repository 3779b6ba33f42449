import type { MailLocale } from './alumni-account.entity.js';

export type IdentityMailTemplate =
  | 'sign-in-code'
  | 'email-verification-code'
  | 'staff-sign-in-code'
  | 'email-registered'
  | 'email-changed'
  | 'social-link-code'
  | 'social-linked'
  | 'social-unlinked';

export type IdentityMail =
  | {
      to: string;
      template: 'sign-in-code' | 'email-verification-code' | 'staff-sign-in-code';
      locale: MailLocale;
      data: { code: string; minutes: number };
    }
  | { to: string; template: 'email-registered'; locale: MailLocale; data: { email: string } }
  | { to: string; template: 'email-changed'; locale: MailLocale; data: { newEmail: string } }
  | { to: string; template: 'social-link-code'; locale: MailLocale; data: { code: string; minutes: number; provider: string } }
  | { to: string; template: 'social-linked' | 'social-unlinked'; locale: MailLocale; data: { provider: string } };

/** What identity needs from the mail domain (bound to MailService in IdentityModule). */
export abstract class IdentityMailer {
  abstract send(mail: IdentityMail): Promise<unknown>;
}
