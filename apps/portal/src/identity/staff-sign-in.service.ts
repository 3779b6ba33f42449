import { Inject, Injectable } from '@nestjs/common';
import { dummyPasswordHash, verifyPassword } from '../admin/staff-password.js';
import { StaffRepository } from '../admin/staff.repository.js';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { normaliseEmail } from './email-sign-in.service.js';
import { RATE_LIMITS } from './identity.constants.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import type { MailLocale } from './alumni-account.entity.js';
import { OneTimeCodeService } from './one-time-code.service.js';
import { RateLimitService } from './rate-limit.service.js';
import type { StartedSession } from './session.service.js';
import { SignedInSessions } from './signed-in-sessions.js';

/** Staff sign in with their password (argon2id) and then a code sent to their email. */
@Injectable()
export class StaffSignInService {
  constructor(
    private readonly staff: StaffRepository,
    private readonly codes: OneTimeCodeService,
    private readonly rateLimits: RateLimitService,
    private readonly signedIn: SignedInSessions,
    private readonly effects: IdentityEffects,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** With OIDC configured, password sign-in is off unless STAFF_PASSWORD_SIGN_IN=true keeps it. */
  private assertPasswordSignInOn(): void {
    if (!this.config.staffSignIn.password) {
      throw new IdentityException(
        'staff-sign-in-method-off',
        'Staff sign in with their university account. Please use "Sign in with your university account".',
      );
    }
  }

  async start(input: { email: string; password: string; locale: MailLocale }, context: RequestContext): Promise<{ requestId: string }> {
    this.assertPasswordSignInOn();
    const email = normaliseEmail(input.email);
    await this.rateLimits.consume(RATE_LIMITS.staffPasswordPerIp, context.ip ?? 'unknown', 'sign-in attempts');
    await this.rateLimits.consume(RATE_LIMITS.staffPasswordPerEmail, email, 'sign-in attempts for this email');
    const account = await this.staff.findByEmailWithPassword(email);
    // Verify against a dummy hash when there is no account, so the answer takes as long either way.
    const passwordRight = await verifyPassword(account?.passwordHash ?? (await dummyPasswordHash()), input.password);
    if (!account || !account.active || !passwordRight) {
      await this.effects.record({
        actorType: 'staff',
        actorId: account?.id ?? null,
        action: 'staff.sign-in.password',
        outcome: 'failure',
        context,
        details: { reason: !account ? 'unknown-email' : !account.active ? 'inactive' : 'wrong-password' },
      });
      throw new IdentityException('staff-credentials-wrong', 'The email or password is not right.');
    }
    const issued = await this.codes.issue({ purpose: 'staff-sign-in', subjectId: account.id, email, locale: input.locale, ip: context.ip });
    this.effects.sendInBackground({
      to: account.email,
      template: 'staff-sign-in-code',
      locale: input.locale,
      data: { code: issued.code!, minutes: issued.minutes },
    });
    await this.effects.record({ actorType: 'staff', actorId: account.id, action: 'staff.sign-in.password', outcome: 'success', context });
    return { requestId: issued.requestId };
  }

  async verify(input: { requestId: string; code: string; previousToken?: string }, context: RequestContext): Promise<StartedSession> {
    this.assertPasswordSignInOn();
    await this.rateLimits.consume(RATE_LIMITS.codeVerifyPerIp, context.ip ?? 'unknown', 'tries');
    try {
      const request = await this.codes.verify(input.requestId, 'staff-sign-in', input.code);
      const account = request.subjectId ? await this.staff.findById(request.subjectId) : null;
      if (!account || !account.active) throw new IdentityException('staff-credentials-wrong', 'This staff account is not active.');
      return await this.signedIn.start({ type: 'staff', id: account.id, role: account.role }, context, input.previousToken);
    } catch (error) {
      await this.effects.record({
        actorType: 'staff',
        actorId: await this.codes.subjectOf(input.requestId),
        action: 'staff.sign-in',
        outcome: 'failure',
        context,
        details: { reason: this.effects.reason(error), requestId: input.requestId },
      });
      throw error;
    }
  }
}
