import { Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { IdentityException } from './identity.exception.js';

/** What the callback must check, kept server-side between the redirect to the provider and the way back. */
export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Who the identity provider says signed in. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  /** All claims of the ID token (and of UserInfo, when it was asked), for provider-specific ones. */
  claims?: Record<string, unknown>;
}

/** The answer of the provider as it reached the callback: a query string (GET) or a form body (form_post). */
export type OidcCallbackAnswer = { method: 'GET'; params: URLSearchParams } | { method: 'POST'; params: URLSearchParams };

export interface OidcRelyingPartySettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
  /** `form_post` makes the provider post its answer to the redirect URI (Apple does so when a name or email is asked). */
  responseMode?: 'form_post';
  /** Who the provider is, in messages to the user ("the university sign-in service", "Google"). */
  displayName: string;
}

/**
 * One OpenID Connect relying party over openid-client 6: authorization code flow with PKCE (S256), state and
 * nonce; the ID token's signature is verified against the provider's keys. Discovery runs on first use and is
 * retried after a failure, so a provider that is down at start-up does not stop the portal. Shared by staff
 * sign-in (the university's provider) and alumni social sign-in (Google, Microsoft, Apple).
 */
export class OidcRelyingParty {
  private readonly logger: Logger;
  private configuration?: Promise<oidc.Configuration>;

  constructor(
    private readonly settings: OidcRelyingPartySettings,
    loggerName: string,
  ) {
    this.logger = new Logger(loggerName);
  }

  get redirectUri(): string {
    return this.settings.redirectUri;
  }

  async authorization(): Promise<{ url: URL; checks: OidcChecks }> {
    const configuration = await this.discover();
    const checks: OidcChecks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope,
      response_type: 'code',
      ...(this.settings.responseMode ? { response_mode: this.settings.responseMode } : {}),
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, checks };
  }

  /** Exchanges the code of the callback for verified tokens; the ID token's signature, issuer, audience and nonce are checked. */
  async identify(answer: OidcCallbackAnswer | URLSearchParams, checks: OidcChecks): Promise<OidcIdentity> {
    const configuration = await this.discover();
    const callback = answer instanceof URLSearchParams ? { method: 'GET' as const, params: answer } : answer;
    let current: URL | Request;
    if (callback.method === 'POST') {
      current = new Request(this.settings.redirectUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: callback.params.toString(),
      });
    } else {
      current = new URL(this.settings.redirectUri);
      current.search = callback.params.toString();
    }
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw this.translate(error);
    }
    const idClaims = tokens.claims();
    if (!idClaims)
      throw new IdentityException('oidc-response-invalid', `${capitalise(this.settings.displayName)} did not send an ID token.`);
    let userInfo: Record<string, unknown> | undefined;
    // Providers that follow the spec to the letter put email only in the UserInfo answer.
    if (typeof idClaims.email !== 'string' && configuration.serverMetadata().userinfo_endpoint) {
      try {
        userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      } catch (error) {
        throw this.translate(error);
      }
    }
    const { email, emailVerified, claims } = emailClaims(idClaims, userInfo);
    return { issuer: idClaims.iss, subject: idClaims.sub, email, emailVerified, claims };
  }

  private discover(): Promise<oidc.Configuration> {
    const settings = this.settings;
    this.configuration ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        execute: [
          // Verify the ID token's signature against the provider's published keys too (openid-client otherwise
          // relies on TLS for tokens from the token endpoint).
          oidc.enableNonRepudiationChecks,
          // Plain http only outside production (configuration refuses it there): test providers on 127.0.0.1.
          ...(settings.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : []),
        ],
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        this.logger.warn({ msg: 'OIDC discovery failed', issuer: settings.issuer, err: error });
        throw this.unavailable();
      });
    return this.configuration;
  }

  private translate(error: unknown): IdentityException {
    if (error instanceof IdentityException) return error;
    // A network failure towards the provider, as opposed to an answer that does not verify.
    if (error instanceof TypeError || (error instanceof Error && (error as { code?: string }).code === 'OAUTH_TIMEOUT')) {
      this.logger.warn({ msg: 'OIDC provider unreachable', err: error });
      return this.unavailable();
    }
    this.logger.warn({ msg: 'OIDC response refused', err: error });
    return new IdentityException(
      'oidc-response-invalid',
      `The answer of ${this.settings.displayName} could not be verified. Please try again.`,
    );
  }

  private unavailable() {
    return new IdentityException(
      'identity-provider-unavailable',
      `${capitalise(this.settings.displayName)} cannot be reached just now. Please try again in a few minutes.`,
    );
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The email and whether it is verified, both from one source: the ID token when it has an email, else UserInfo.
 * Never one from each (UserInfo's email with the ID token's email_verified would vouch for an address the provider
 * did not verify). The other claims are merged (UserInfo over the ID token, issuer and subject the ID token's).
 */
export function emailClaims(
  idClaims: Record<string, unknown> & { iss: string; sub: string },
  userInfo?: Record<string, unknown>,
): { email: string | null; emailVerified: boolean; claims: Record<string, unknown> } {
  const source = typeof idClaims.email !== 'string' && userInfo ? userInfo : idClaims;
  const claims: Record<string, unknown> = { ...idClaims, ...userInfo, iss: idClaims.iss, sub: idClaims.sub };
  delete claims.email;
  delete claims.email_verified;
  if (source.email !== undefined) claims.email = source.email;
  if (source.email_verified !== undefined) claims.email_verified = source.email_verified;
  return {
    email: typeof source.email === 'string' ? source.email : null,
    // Apple writes booleans as strings ("true").
    emailVerified: source.email_verified === true || source.email_verified === 'true',
    claims,
  };
}
