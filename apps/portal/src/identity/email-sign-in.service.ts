import { Injectable } from '@nestjs/common';
import type { MailLocale } from './alumni-account.entity.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { RATE_LIMITS } from './identity.constants.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { OneTimeCodeService } from './one-time-code.service.js';
import { RateLimitService } from './rate-limit.service.js';
import type { StartedSession } from './session.service.js';
import { SignedInSessions } from './signed-in-sessions.js';

export interface EmailSignInStart {
  email: string;
  /** Language of the mail; the account's own when left out. */
  locale?: MailLocale;
}

/** Sign-in with a one-time code sent to the registered email (FAQ "How can I sign in with my email?"). */
@Injectable()
export class EmailSignInService {
  constructor(
    private readonly accounts: AlumniAccountRepository,
    private readonly codes: OneTimeCodeService,
    private readonly rateLimits: RateLimitService,
    private readonly signedIn: SignedInSessions,
    private readonly effects: IdentityEffects,
  ) {}

  /** The same answer whether or not the email is registered; only a registered one gets a code. */
  async start(input: EmailSignInStart, context: RequestContext): Promise<{ requestId: string }> {
    const email = normaliseEmail(input.email);
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerIp, context.ip ?? 'unknown', 'requests for a code');
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerEmail, email, 'requests for a code for this email');
    const account = await this.accounts.findByEmail(email);
    const locale = input.locale ?? account?.locale ?? 'en';
    const issued = await this.codes.issue({
      purpose: 'sign-in',
      subjectId: account?.id ?? null,
      email,
      locale,
      ip: context.ip,
    });
    if (account && issued.code) {
      this.effects.sendInBackground({
        to: account.email,
        template: 'sign-in-code',
        locale,
        data: { code: issued.code, minutes: issued.minutes },
      });
    }
    return { requestId: issued.requestId };
  }

  async resend(requestId: string, context: RequestContext): Promise<{ requestId: string }> {
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerIp, context.ip ?? 'unknown', 'requests for a code');
    const found = await this.codes.find(requestId, 'sign-in');
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerEmail, found.email, 'requests for a code for this email');
    const { request, code, minutes } = await this.codes.reissue(requestId, 'sign-in');
    if (code) {
      this.effects.sendInBackground({ to: request.email, template: 'sign-in-code', locale: request.locale, data: { code, minutes } });
    }
    return { requestId };
  }

  async verify(input: { requestId: string; code: string; previousToken?: string }, context: RequestContext): Promise<StartedSession> {
    await this.rateLimits.consume(RATE_LIMITS.codeVerifyPerIp, context.ip ?? 'unknown', 'tries');
    let subjectId: string | null = null;
    try {
      const request = await this.codes.verify(input.requestId, 'sign-in', input.code);
      subjectId = request.subjectId;
      const account = subjectId ? await this.accounts.findById(subjectId) : null;
      // A right code always has an account: codes are only made for registered emails.
      if (!account) throw new Error(`sign-in code ${input.requestId} verified without an account`);
      return await this.signedIn.start({ type: 'alumnus', id: account.id }, context, input.previousToken, { method: 'email-code' });
    } catch (error) {
      await this.effects.record({
        actorType: 'alumnus',
        actorId: subjectId ?? (await this.codes.subjectOf(input.requestId)),
        action: 'alumnus.sign-in',
        outcome: 'failure',
        context,
        details: { method: 'email-code', reason: this.effects.reason(error), requestId: input.requestId },
      });
      throw error;
    }
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
