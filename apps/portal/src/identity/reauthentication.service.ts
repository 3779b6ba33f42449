import { Injectable } from '@nestjs/common';
import type { MailLocale } from './alumni-account.entity.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { RATE_LIMITS, REAUTHENTICATION_RULES } from './identity.constants.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import { OneTimeCodeService } from './one-time-code.service.js';
import { RateLimitService } from './rate-limit.service.js';
import type { RequestIdentity } from './roles.js';
import { SessionService } from './session.service.js';

const WINDOW_MINUTES = Math.round(REAUTHENTICATION_RULES.windowMs / 60_000);

/**
 * Re-authentication before sensitive changes (ASVS: re-auth before changing the email): a fresh code to the
 * alumnus's current sign-in email marks this session as proved again; a sign-in counts as well.
 */
@Injectable()
export class ReauthenticationService {
  constructor(
    private readonly accounts: AlumniAccountRepository,
    private readonly codes: OneTimeCodeService,
    private readonly rateLimits: RateLimitService,
    private readonly sessions: SessionService,
    private readonly effects: IdentityEffects,
  ) {}

  async start(
    identity: RequestIdentity,
    input: { locale?: MailLocale },
    context: RequestContext,
  ): Promise<{ requestId: string; minutes: number }> {
    const account = await this.accounts.findById(identity.subject.id);
    if (!account) throw new IdentityException('session-ended', 'Your session has ended. Please sign in again.');
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerIp, context.ip ?? 'unknown', 'requests for a code');
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerEmail, account.email, 'requests for a code for this email');
    const locale = input.locale ?? account.locale;
    const issued = await this.codes.issue({
      purpose: 'reauthentication',
      subjectId: account.id,
      email: account.email,
      locale,
      ip: context.ip,
    });
    this.effects.sendInBackground({
      to: account.email,
      template: 'sign-in-code',
      locale,
      data: { code: issued.code!, minutes: issued.minutes },
    });
    return { requestId: issued.requestId, minutes: issued.minutes };
  }

  async verify(
    identity: RequestIdentity,
    input: { requestId: string; code: string },
    context: RequestContext,
  ): Promise<{ validUntil: Date }> {
    await this.rateLimits.consume(RATE_LIMITS.codeVerifyPerIp, context.ip ?? 'unknown', 'tries');
    try {
      const request = await this.codes.find(input.requestId, 'reauthentication');
      // A code asked for by another account is no code of this session's.
      if (request.subjectId !== identity.subject.id) throw unknownRequest();
      await this.codes.verify(input.requestId, 'reauthentication', input.code);
      const at = await this.sessions.markReauthenticated(identity.token);
      await this.effects.record({
        actorType: 'alumnus',
        actorId: identity.subject.id,
        action: 'alumnus.reauthenticate',
        outcome: 'success',
        context,
      });
      return { validUntil: new Date(at.getTime() + REAUTHENTICATION_RULES.windowMs) };
    } catch (error) {
      await this.effects.record({
        actorType: 'alumnus',
        actorId: identity.subject.id,
        action: 'alumnus.reauthenticate',
        outcome: 'failure',
        context,
        details: { reason: this.effects.reason(error), requestId: input.requestId },
      });
      throw error;
    }
  }

  /** Refuses unless this session signed in or re-authenticated within the window. */
  async assertRecent(identity: RequestIdentity): Promise<void> {
    if (!(await this.sessions.provedRecently(identity.token, REAUTHENTICATION_RULES.windowMs))) {
      throw new IdentityException(
        'reauthentication-required',
        `For your security, please confirm it is you before changing your sign-in email: we will send a code to your current sign-in email. You then have ${WINDOW_MINUTES} minutes to make the change.`,
      );
    }
  }
}

function unknownRequest() {
  return new IdentityException('request-unknown', 'We cannot find that request for a code. Please start again.');
}
