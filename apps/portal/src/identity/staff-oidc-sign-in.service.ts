import { Injectable } from '@nestjs/common';
import { StaffRepository } from '../admin/staff.repository.js';
import type { StaffAccountEntity } from '../admin/staff-account.entity.js';
import { Clock } from './clock.js';
import { normaliseEmail } from './email-sign-in.service.js';
import { OIDC_LOGIN_LIFETIME_MS, RATE_LIMITS } from './identity.constants.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import { IdentityKeys } from './identity-keys.js';
import { OidcLoginStateRepository } from './oidc-login-state.repository.js';
import { RateLimitService } from './rate-limit.service.js';
import type { StartedSession } from './session.service.js';
import { SignedInSessions } from './signed-in-sessions.js';
import { StaffIdentityLinkRepository } from './staff-identity-link.repository.js';
import { StaffOidcClient, type OidcIdentity } from './staff-oidc.client.js';

const NOT_A_STAFF_ACCOUNT =
  'Your university account is not linked to an active CampusPass staff account. Please ask the Alumni Affairs Office to set one up for your email.';

/**
 * Staff sign-in through the university's OIDC identity provider (issue 3 item 4). A staff account is found by its
 * (issuer, subject) link or by the provider's verified email, and is never created from the provider.
 */
@Injectable()
export class StaffOidcSignInService {
  constructor(
    private readonly client: StaffOidcClient,
    private readonly states: OidcLoginStateRepository,
    private readonly links: StaffIdentityLinkRepository,
    private readonly staff: StaffRepository,
    private readonly rateLimits: RateLimitService,
    private readonly signedIn: SignedInSessions,
    private readonly keys: IdentityKeys,
    private readonly clock: Clock,
    private readonly effects: IdentityEffects,
  ) {}

  get enabled(): boolean {
    return this.client.enabled;
  }

  /** Where to send the browser, and the handle for its short-lived cookie (the checks stay server-side). */
  async start(context: RequestContext): Promise<{ redirectTo: string; handle: string; maxAgeMs: number }> {
    if (!this.client.enabled) throw methodOff();
    await this.rateLimits.consume(RATE_LIMITS.staffOidcPerIp, context.ip ?? 'unknown', 'sign-in attempts');
    const { url, checks } = await this.client.authorization();
    const handle = this.keys.newToken();
    const now = this.clock.now();
    await this.states.insert({
      id: this.keys.oidcStateId(handle),
      state: checks.state,
      nonce: checks.nonce,
      codeVerifier: checks.codeVerifier,
      createdAt: now,
      expiresAt: new Date(now.getTime() + OIDC_LOGIN_LIFETIME_MS),
    });
    return { redirectTo: url.href, handle, maxAgeMs: OIDC_LOGIN_LIFETIME_MS };
  }

  async callback(
    input: { handle?: string; query: URLSearchParams; previousToken?: string },
    context: RequestContext,
  ): Promise<StartedSession> {
    let identity: OidcIdentity | undefined;
    let account: StaffAccountEntity | null = null;
    try {
      if (!this.client.enabled) throw methodOff();
      await this.rateLimits.consume(RATE_LIMITS.staffOidcPerIp, context.ip ?? 'unknown', 'sign-in attempts');
      const stored = input.handle ? await this.states.take(this.keys.oidcStateId(input.handle)) : null;
      const returned = input.query.get('state') ?? '';
      // The answer must belong to a sign-in this browser started (CSRF, injected codes), and be recent.
      if (!stored || this.clock.now() >= stored.expiresAt || !this.keys.equal(stored.state, returned)) throw stateInvalid();
      identity = await this.client.identify(input.query, stored);
      account = await this.findAccount(identity);
      return await this.signedIn.start({ type: 'staff', id: account.id, role: account.role }, context, input.previousToken, {
        method: 'oidc',
        issuer: identity.issuer,
      });
    } catch (error) {
      await this.effects.record({
        actorType: 'staff',
        actorId: account?.id ?? null,
        action: 'staff.sign-in',
        outcome: 'failure',
        context,
        details: { method: 'oidc', reason: this.effects.reason(error), issuer: identity?.issuer, oidcSubject: identity?.subject },
      });
      throw error;
    }
  }

  private async findAccount(identity: OidcIdentity): Promise<StaffAccountEntity> {
    const link = await this.links.findByIssuerAndSubject(identity.issuer, identity.subject);
    let account = link ? await this.staff.findById(link.staffId) : null;
    if (!account) {
      if (!identity.email || !identity.emailVerified) {
        throw new IdentityException(
          'oidc-email-unverified',
          'The university sign-in service did not confirm your email address, so we cannot tell which staff account is yours. Please contact the Alumni Affairs Office.',
        );
      }
      account = await this.staff.findByEmail(normaliseEmail(identity.email));
    }
    if (!account || !account.active) throw new IdentityException('staff-account-not-found', NOT_A_STAFF_ACCOUNT);
    await this.links.linkOrTouch(identity.issuer, identity.subject, account.id, this.clock.now());
    return account;
  }
}

function methodOff() {
  return new IdentityException(
    'staff-sign-in-method-off',
    'Sign-in with the university account is not set up. Please sign in with your password.',
  );
}

function stateInvalid() {
  return new IdentityException(
    'oidc-state-invalid',
    'This sign-in could not be matched to one started in this browser, or it took too long. Please start again.',
  );
}
