import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { MailLocale } from './alumni-account.entity.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { Clock } from './clock.js';
import { normaliseEmail } from './email-sign-in.service.js';
import { OIDC_LOGIN_LIFETIME_MS, RATE_LIMITS, type RateLimitRule } from './identity.constants.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import { IdentityKeys } from './identity-keys.js';
import { OidcLoginStateRepository } from './oidc-login-state.repository.js';
import { OidcRelyingParty, type OidcCallbackAnswer } from './oidc-relying-party.js';
import { OneTimeCodeService } from './one-time-code.service.js';
import { RateLimitService } from './rate-limit.service.js';
import type { StartedSession } from './session.service.js';
import { SignedInSessions } from './signed-in-sessions.js';
import {
  SOCIAL_PROVIDERS,
  type SocialIdentityLinkEntity,
  type SocialPendingLinkEntity,
  type SocialProvider,
} from './social-link.entity.js';
import { SocialLinkRepository } from './social-link.repository.js';
import { WechatClient } from './wechat-client.js';

export const SOCIAL_BASE_PATH = '/api/sign-in/social';
export const socialCallbackPath = (provider: SocialProvider) => `${SOCIAL_BASE_PATH}/${provider}/callback`;

/** Social sign-ins started or finished, per IP address. */
export const SOCIAL_SIGN_IN_PER_IP: RateLimitRule = { name: 'social-sign-in:ip', limit: 30, windowMs: 15 * 60_000 };
/** A first social sign-in must be confirmed with the emailed code within this. */
export const SOCIAL_PENDING_LIFETIME_MS = 20 * 60_000;

export const PROVIDER_NAMES: Record<SocialProvider, string> = {
  google: 'Google',
  microsoft: 'Microsoft',
  apple: 'Apple',
  wechat: 'WeChat',
};
/** Apple's private email relay: an address that stands for the person at Apple, never a registered email. */
const APPLE_PRIVATE_RELAY = /@privaterelay\.appleid\.com$/i;

/** Who a provider says signed in, in the form the links need. */
interface SocialIdentity {
  provider: SocialProvider;
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  privateRelay: boolean;
  name: string | null;
}

/** Apple's `user` form field, sent with the first authorization only. */
const appleUser = z.object({
  name: z.object({ firstName: z.string().optional(), lastName: z.string().optional() }).optional(),
  email: z.string().optional(),
});

export type SocialCallbackResult =
  { kind: 'signed-in'; session: StartedSession } | { kind: 'link-needed'; handle: string; maxAgeMs: number };

export interface PendingLinkView {
  provider: SocialProvider;
  providerName: string;
  /** The email the provider showed (shown only: it never picks the account). */
  emailSeen: string | null;
  /** Offered to prefill the email field: only a verified email that is not a private relay. */
  suggestedEmail: string | null;
  codeSent: boolean;
  expiresAt: Date;
}

/**
 * Alumni social sign-in (issue 7 item 4; FAQ "How can I sign in with my social account?"): Google, Microsoft and
 * Apple over OpenID Connect, WeChat over its website login. A social account is linked to an alumni account only
 * after the alumnus enters the registered email and the code sent there; the link is keyed by (issuer, subject)
 * and later sign-ins go straight in. The emailed code is an ordinary sign-in code of that email (purpose
 * `sign-in`): it proves the same thing, control of the registered email.
 */
@Injectable()
export class SocialSignInService {
  private readonly oidc = new Map<SocialProvider, OidcRelyingParty>();
  private readonly wechat?: WechatClient;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly states: OidcLoginStateRepository,
    private readonly links: SocialLinkRepository,
    private readonly accounts: AlumniAccountRepository,
    private readonly codes: OneTimeCodeService,
    private readonly rateLimits: RateLimitService,
    private readonly signedIn: SignedInSessions,
    private readonly keys: IdentityKeys,
    private readonly clock: Clock,
    private readonly effects: IdentityEffects,
  ) {
    const base = config.http.publicUrl;
    for (const provider of ['google', 'microsoft', 'apple'] as const) {
      const settings = config.socialSignIn[provider];
      if (!settings) continue;
      this.oidc.set(
        provider,
        new OidcRelyingParty(
          {
            issuer: settings.issuer,
            clientId: settings.clientId,
            clientSecret: settings.clientSecret.reveal(),
            redirectUri: `${base}${socialCallbackPath(provider)}`,
            // Apple: the name and email are asked for with these scopes, and then only form_post is allowed.
            scope: provider === 'apple' ? 'openid name email' : 'openid email profile',
            responseMode: provider === 'apple' ? 'form_post' : undefined,
            displayName: PROVIDER_NAMES[provider],
          },
          `SocialSignIn:${provider}`,
        ),
      );
    }
    const wechat = config.socialSignIn.wechat;
    if (wechat) {
      this.wechat = new WechatClient({
        appId: wechat.appId,
        appSecret: wechat.appSecret.reveal(),
        openUrl: wechat.openUrl,
        apiUrl: wechat.apiUrl,
        redirectUri: `${base}${socialCallbackPath('wechat')}`,
      });
    }
  }

  /** The configured providers, in a fixed order. */
  providers(): SocialProvider[] {
    return SOCIAL_PROVIDERS.filter((provider) => (provider === 'wechat' ? this.wechat !== undefined : this.oidc.has(provider)));
  }

  /** Where to send the browser, and the handle for its short-lived cookie (the checks stay server-side). */
  async start(providerName: string, context: RequestContext): Promise<{ redirectTo: string; handle: string; maxAgeMs: number }> {
    const provider = this.configured(providerName);
    await this.rateLimits.consume(SOCIAL_SIGN_IN_PER_IP, context.ip ?? 'unknown', 'sign-in attempts');
    let redirectTo: string;
    let checks: { state: string; nonce: string; codeVerifier: string };
    if (provider === 'wechat') {
      // WeChat's website login has no nonce or PKCE: the state is the one check.
      checks = { state: this.keys.newToken(), nonce: '', codeVerifier: '' };
      redirectTo = this.wechat!.authorizationUrl(checks.state).href;
    } else {
      const authorization = await this.oidc.get(provider)!.authorization();
      checks = authorization.checks;
      redirectTo = authorization.url.href;
    }
    const handle = this.keys.newToken();
    const now = this.clock.now();
    await this.states.insert({
      id: this.stateId(checks.state),
      state: checks.state,
      nonce: checks.nonce,
      codeVerifier: checks.codeVerifier,
      createdAt: now,
      expiresAt: new Date(now.getTime() + OIDC_LOGIN_LIFETIME_MS),
      provider,
      browserBinding: this.keys.oidcStateId(handle),
    });
    return { redirectTo, handle, maxAgeMs: OIDC_LOGIN_LIFETIME_MS };
  }

  /**
   * The provider's answer. The sign-in in progress is found by its state (Apple posts cross-site, where a
   * SameSite=Lax cookie is not sent) and must be bound to this browser's cookie (login CSRF, injected codes).
   */
  async callback(
    providerName: string,
    input: { answer: OidcCallbackAnswer; handle?: string; previousToken?: string },
    context: RequestContext,
  ): Promise<SocialCallbackResult> {
    const provider = this.configured(providerName);
    let identity: SocialIdentity | undefined;
    try {
      await this.rateLimits.consume(SOCIAL_SIGN_IN_PER_IP, context.ip ?? 'unknown', 'sign-in attempts');
      const params = input.answer.params;
      const providerError = params.get('error');
      if (providerError) {
        throw new IdentityException(
          'oidc-response-invalid',
          `${PROVIDER_NAMES[provider]} did not sign you in (${providerError.slice(0, 60)}). Please try again, or sign in with your email.`,
        );
      }
      const returned = params.get('state') ?? '';
      const stored = returned ? await this.states.take(this.stateId(returned)) : null;
      const bound =
        stored?.browserBinding && input.handle ? this.keys.equal(stored.browserBinding, this.keys.oidcStateId(input.handle)) : false;
      if (!stored || !bound || stored.provider !== provider || this.clock.now() >= stored.expiresAt) throw stateInvalid();
      identity = await this.identify(provider, input.answer, stored);
      const link = await this.links.findByIssuerAndSubject(identity.issuer, identity.subject);
      const account = link ? await this.accounts.findById(link.accountId) : null;
      if (link && account) {
        await this.links.touch(link, this.clock.now());
        const session = await this.signIn(account.id, provider, identity, input.previousToken, context);
        return { kind: 'signed-in', session };
      }
      // Not linked yet: never by email alone. The alumnus names the registered email and proves it with a code.
      const handle = this.keys.newToken();
      const now = this.clock.now();
      await this.links.insertPending({
        id: this.pendingId(handle),
        provider,
        issuer: identity.issuer,
        subject: identity.subject,
        emailSeen: identity.email,
        emailVerified: identity.emailVerified && !identity.privateRelay,
        displayName: identity.name,
        requestId: null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + SOCIAL_PENDING_LIFETIME_MS),
      });
      return { kind: 'link-needed', handle, maxAgeMs: SOCIAL_PENDING_LIFETIME_MS };
    } catch (error) {
      await this.effects.record({
        actorType: 'alumnus',
        action: 'alumnus.sign-in',
        outcome: 'failure',
        context,
        details: {
          method: 'social',
          provider,
          reason: this.effects.reason(error),
          issuer: identity?.issuer,
          socialSubject: identity?.subject,
        },
      });
      throw error;
    }
  }

  async pending(handle: string | undefined): Promise<PendingLinkView> {
    const pending = await this.findPending(handle);
    return {
      provider: pending.provider,
      providerName: PROVIDER_NAMES[pending.provider],
      emailSeen: pending.emailSeen,
      suggestedEmail: pending.emailVerified ? pending.emailSeen : null,
      codeSent: pending.requestId !== null,
      expiresAt: pending.expiresAt,
    };
  }

  /** Sends a sign-in code to the email if it is registered; the answer is the same either way. */
  async linkStart(handle: string | undefined, input: { email: string; locale?: MailLocale }, context: RequestContext): Promise<void> {
    const pending = await this.findPending(handle);
    const email = normaliseEmail(input.email);
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerIp, context.ip ?? 'unknown', 'requests for a code');
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerEmail, email, 'requests for a code for this email');
    const account = await this.accounts.findByEmail(email);
    const locale = input.locale ?? account?.locale ?? 'en';
    const issued = await this.codes.issue({ purpose: 'social-link', subjectId: account?.id ?? null, email, locale, ip: context.ip });
    if (account && issued.code) {
      this.effects.sendInBackground({
        to: account.email,
        template: 'social-link-code',
        locale,
        data: { code: issued.code, minutes: issued.minutes, provider: PROVIDER_NAMES[pending.provider] },
      });
    }
    await this.links.setPendingRequest(pending.id, issued.requestId);
  }

  /** With the right code, stores the link (unless someone else holds it) and signs the alumnus in. */
  async linkVerify(
    handle: string | undefined,
    input: { code: string; previousToken?: string },
    context: RequestContext,
  ): Promise<StartedSession> {
    await this.rateLimits.consume(RATE_LIMITS.codeVerifyPerIp, context.ip ?? 'unknown', 'tries');
    const pending = await this.findPending(handle);
    let accountId: string | null = null;
    try {
      if (!pending.requestId) {
        throw new IdentityException('request-unknown', 'Please enter your registered email first: we will send a code to it.');
      }
      const request = await this.codes.verify(pending.requestId, 'social-link', input.code);
      accountId = request.subjectId;
      const account = accountId ? await this.accounts.findById(accountId) : null;
      // A right code always has an account: codes are only made for registered emails.
      if (!account) throw new Error(`social link code ${pending.requestId} verified without an account`);
      const stored = await this.links.insertOrExisting({
        issuer: pending.issuer,
        subject: pending.subject,
        provider: pending.provider,
        accountId: account.id,
        emailSeen: pending.emailSeen,
        displayName: pending.displayName,
        createdAt: this.clock.now(),
      });
      if (stored.accountId !== account.id) {
        throw new IdentityException(
          'social-link-taken',
          `This ${PROVIDER_NAMES[pending.provider]} account is already linked to another Alumni Portal account. Sign in with that account's email to remove the link first, or contact the Alumni Affairs Office.`,
        );
      }
      await this.links.removePending(pending.id);
      if (stored.created) {
        await this.effects.record({
          actorType: 'alumnus',
          actorId: account.id,
          action: 'alumnus.social-link',
          outcome: 'success',
          context,
          details: { provider: pending.provider, issuer: pending.issuer },
        });
        // A notice to the account's email: a link made by someone who got hold of a code does not go unnoticed.
        this.effects.sendInBackground({
          to: account.email,
          template: 'social-linked',
          locale: account.locale,
          data: { provider: PROVIDER_NAMES[pending.provider] },
        });
      }
      return await this.signIn(account.id, pending.provider, pending, input.previousToken, context);
    } catch (error) {
      await this.effects.record({
        actorType: 'alumnus',
        actorId: accountId ?? (pending.requestId ? await this.codes.subjectOf(pending.requestId) : null),
        action: 'alumnus.social-link',
        outcome: 'failure',
        context,
        details: { provider: pending.provider, reason: this.effects.reason(error), issuer: pending.issuer },
      });
      throw error;
    }
  }

  async cancelPending(handle: string | undefined): Promise<void> {
    if (handle) await this.links.removePending(this.pendingId(handle));
  }

  listLinks(accountId: string): Promise<SocialIdentityLinkEntity[]> {
    return this.links.listForAccount(accountId);
  }

  async removeLink(accountId: string, linkId: string, context: RequestContext): Promise<void> {
    const removed = await this.links.removeForAccount(accountId, linkId);
    if (!removed) {
      throw new IdentityException('social-link-not-found', 'This linked account was not found on your profile. Reload the page.');
    }
    await this.effects.record({
      actorType: 'alumnus',
      actorId: accountId,
      action: 'alumnus.social-unlink',
      outcome: 'success',
      context,
      details: { provider: removed.provider, issuer: removed.issuer },
    });
    const account = await this.accounts.findById(accountId);
    if (account) {
      this.effects.sendInBackground({
        to: account.email,
        template: 'social-unlinked',
        locale: account.locale,
        data: { provider: PROVIDER_NAMES[removed.provider] },
      });
    }
  }

  private configured(provider: string): SocialProvider {
    if (!(this.providers() as string[]).includes(provider)) {
      throw new IdentityException(
        'social-provider-unknown',
        `Sign-in with "${provider.slice(0, 40)}" is not available. Please choose one of the sign-in methods shown, or sign in with your email.`,
      );
    }
    return provider as SocialProvider;
  }

  private async identify(
    provider: SocialProvider,
    answer: OidcCallbackAnswer,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<SocialIdentity> {
    if (provider === 'wechat') {
      const code = answer.params.get('code');
      if (!code) throw new IdentityException('oidc-response-invalid', 'WeChat did not send a sign-in code. Please scan the QR code again.');
      const wechat = await this.wechat!.identify(code);
      return {
        provider,
        issuer: wechat.issuer,
        subject: wechat.subject,
        email: null,
        emailVerified: false,
        privateRelay: false,
        name: wechat.nickname,
      };
    }
    const identity = await this.oidc.get(provider)!.identify(answer, checks);
    const claims = identity.claims ?? {};
    const privateRelay =
      (identity.email !== null && APPLE_PRIVATE_RELAY.test(identity.email)) ||
      claims.is_private_email === true ||
      claims.is_private_email === 'true';
    return {
      provider,
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.email,
      emailVerified: identity.emailVerified,
      privateRelay,
      name: provider === 'apple' ? appleName(answer.params.get('user')) : typeof claims.name === 'string' ? claims.name : null,
    };
  }

  private async signIn(
    accountId: string,
    provider: SocialProvider,
    identity: { issuer: string },
    previousToken: string | undefined,
    context: RequestContext,
  ): Promise<StartedSession> {
    return this.signedIn.start({ type: 'alumnus', id: accountId }, context, previousToken, {
      method: 'social',
      provider,
      issuer: identity.issuer,
    });
  }

  private async findPending(handle: string | undefined): Promise<SocialPendingLinkEntity> {
    const pending = handle ? await this.links.findPending(this.pendingId(handle)) : null;
    if (!pending || this.clock.now() >= pending.expiresAt) {
      throw new IdentityException(
        'social-link-pending-missing',
        'This social sign-in has expired or was started in another browser. Please choose your social account again.',
      );
    }
    return pending;
  }

  private stateId(state: string): Buffer {
    return this.keys.oidcStateId(`social-state:${state}`);
  }

  private pendingId(handle: string): Buffer {
    return this.keys.oidcStateId(`social-pending:${handle}`);
  }
}

/** "Tai Man Chan" from Apple's `user` field; null when absent or not in Apple's form. */
function appleName(field: string | null): string | null {
  if (!field) return null;
  let json: unknown;
  try {
    json = JSON.parse(field);
  } catch {
    return null;
  }
  const parsed = appleUser.safeParse(json);
  if (!parsed.success || !parsed.data.name) return null;
  const name = [parsed.data.name.firstName, parsed.data.name.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ');
  return name ? name.slice(0, 200) : null;
}

function stateInvalid() {
  return new IdentityException(
    'oidc-state-invalid',
    'This sign-in could not be matched to one started in this browser, or it took too long. Please start again.',
  );
}
