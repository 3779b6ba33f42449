import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import type { MailLocale } from './alumni-account.entity.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { Clock } from './clock.js';
import { normaliseEmail } from './email-sign-in.service.js';
import { RATE_LIMITS } from './identity.constants.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import { maskEmailForDisplay } from './mask-email.js';
import { OneTimeCodeService } from './one-time-code.service.js';
import { RateLimitService } from './rate-limit.service.js';
import { ReauthenticationService } from './reauthentication.service.js';
import type { RequestIdentity } from './roles.js';
import { SessionService } from './session.service.js';

/**
 * Changing the sign-in email (issue 3 item 5): only right after a sign-in or re-authentication, confirmed with
 * a code sent to the new address; the old address is told, and every other session ends.
 */
@Injectable()
export class EmailChangeService {
  constructor(
    private readonly accounts: AlumniAccountRepository,
    private readonly codes: OneTimeCodeService,
    private readonly rateLimits: RateLimitService,
    private readonly sessions: SessionService,
    private readonly reauthentication: ReauthenticationService,
    private readonly clock: Clock,
    private readonly effects: IdentityEffects,
  ) {}

  async start(
    identity: RequestIdentity,
    input: { newEmail: string; locale?: MailLocale },
    context: RequestContext,
  ): Promise<{ requestId: string; maskedEmail: string; minutes: number }> {
    await this.reauthentication.assertRecent(identity);
    const account = await this.accounts.findById(identity.subject.id);
    if (!account) throw new IdentityException('session-ended', 'Your session has ended. Please sign in again.');
    const email = normaliseEmail(input.newEmail);
    if (email === account.email) {
      throw new IdentityException('email-unchanged', 'This is already your sign-in email. Please enter a different address.');
    }
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerIp, context.ip ?? 'unknown', 'requests for a code');
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerEmail, email, 'requests for a code for this email');
    await this.assertFree(email, account.id);
    const locale = input.locale ?? account.locale;
    const issued = await this.codes.issue({ purpose: 'email-change', subjectId: account.id, email, locale, ip: context.ip });
    this.effects.sendInBackground({
      to: email,
      template: 'email-verification-code',
      locale,
      data: { code: issued.code!, minutes: issued.minutes },
    });
    await this.effects.record({
      actorType: 'alumnus',
      actorId: account.id,
      action: 'alumnus.email-change.start',
      outcome: 'success',
      context,
      details: { requestId: issued.requestId },
    });
    return { requestId: issued.requestId, maskedEmail: maskEmailForDisplay(email), minutes: issued.minutes };
  }

  async verify(
    identity: RequestIdentity,
    input: { requestId: string; code: string },
    context: RequestContext,
  ): Promise<{ email: string; otherSessionsEnded: number }> {
    await this.rateLimits.consume(RATE_LIMITS.codeVerifyPerIp, context.ip ?? 'unknown', 'tries');
    try {
      const found = await this.codes.find(input.requestId, 'email-change');
      if (found.subjectId !== identity.subject.id) {
        throw new IdentityException('request-unknown', 'We cannot find that request for a code. Please start again.');
      }
      const request = await this.codes.verify(input.requestId, 'email-change', input.code);
      const account = await this.accounts.findById(identity.subject.id);
      if (!account) throw new IdentityException('session-ended', 'Your session has ended. Please sign in again.');
      await this.assertFree(request.email, account.id);
      const previousEmail = account.email;
      await this.accounts.changeEmail(account.id, request.email, this.clock.now()).catch((error: unknown) => {
        throw isUniqueViolation(error) ? emailTakenError() : error;
      });
      const otherSessionsEnded = await this.sessions.endOthers(identity.subject, identity.token, 'email-changed');
      this.effects.sendInBackground({
        to: previousEmail,
        template: 'email-changed',
        locale: request.locale,
        data: { newEmail: maskEmailForDisplay(request.email) },
      });
      this.effects.sendInBackground({
        to: request.email,
        template: 'email-registered',
        locale: request.locale,
        data: { email: request.email },
      });
      await this.effects.record({
        actorType: 'alumnus',
        actorId: account.id,
        action: 'alumnus.email-change',
        outcome: 'success',
        context,
        targetType: 'alumni-account',
        targetId: account.id,
        details: { otherSessionsEnded },
      });
      return { email: request.email, otherSessionsEnded };
    } catch (error) {
      await this.effects.record({
        actorType: 'alumnus',
        actorId: identity.subject.id,
        action: 'alumnus.email-change',
        outcome: 'failure',
        context,
        targetType: 'alumni-account',
        targetId: identity.subject.id,
        details: { reason: this.effects.reason(error), requestId: input.requestId },
      });
      throw error;
    }
  }

  private async assertFree(email: string, accountId: string): Promise<void> {
    const holder = await this.accounts.findByEmail(email);
    if (holder && holder.id !== accountId) throw emailTakenError();
  }
}

function emailTakenError() {
  return new IdentityException(
    'email-taken',
    'This email address is already used by another account. Please enter another email, or contact the Alumni Affairs Office.',
  );
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505';
}
