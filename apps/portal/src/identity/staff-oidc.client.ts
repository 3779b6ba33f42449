import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
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
}

export const STAFF_OIDC_CALLBACK_PATH = '/api/auth/staff/oidc/callback';

/**
 * The university's OIDC identity provider for staff, behind one small adapter over openid-client 6:
 * authorization code flow with PKCE (S256), state and nonce. Discovery runs on first use and is retried after a
 * failure, so a provider that is down at start-up does not stop the portal.
 */
@Injectable()
export class StaffOidcClient {
  private readonly logger = new Logger('StaffOidc');
  private configuration?: Promise<oidc.Configuration>;
  private readonly settings: AppConfig['staffSignIn']['oidc'];
  readonly redirectUri: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.settings = config.staffSignIn.oidc;
    this.redirectUri = `${config.http.publicUrl}${STAFF_OIDC_CALLBACK_PATH}`;
  }

  get enabled(): boolean {
    return this.settings !== undefined;
  }

  async authorization(): Promise<{ url: URL; checks: OidcChecks }> {
    const configuration = await this.discover();
    const checks: OidcChecks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: 'openid email',
      response_type: 'code',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, checks };
  }

  /** Exchanges the code of the callback (its query string) for verified tokens; the ID token's signature, issuer, audience and nonce are checked. */
  async identify(callbackQuery: URLSearchParams, checks: OidcChecks): Promise<OidcIdentity> {
    const configuration = await this.discover();
    const currentUrl = new URL(this.redirectUri);
    currentUrl.search = callbackQuery.toString();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw this.translate(error);
    }
    const claims = tokens.claims();
    if (!claims) throw new IdentityException('oidc-response-invalid', 'The identity provider did not send an ID token.');
    let email = typeof claims.email === 'string' ? claims.email : null;
    let emailVerified = claims.email_verified === true;
    // Providers that follow the spec to the letter put email only in the UserInfo answer.
    if (email === null && configuration.serverMetadata().userinfo_endpoint) {
      try {
        const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        email = typeof info.email === 'string' ? info.email : null;
        emailVerified = info.email_verified === true;
      } catch (error) {
        throw this.translate(error);
      }
    }
    return { issuer: claims.iss, subject: claims.sub, email, emailVerified };
  }

  private discover(): Promise<oidc.Configuration> {
    const settings = this.settings;
    if (!settings) {
      return Promise.reject(
        new IdentityException(
          'staff-sign-in-method-off',
          'Sign-in with the university account is not set up. Please sign in with your password.',
        ),
      );
    }
    this.configuration ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret.reveal(), undefined, {
        execute: [
          // Verify the ID token's signature against the provider's published keys too (openid-client otherwise
          // relies on TLS for tokens from the token endpoint).
          oidc.enableNonRepudiationChecks,
          // Plain http only outside production (configuration refuses it there): the test provider on 127.0.0.1.
          ...(settings.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : []),
        ],
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        this.logger.warn({ msg: 'OIDC discovery failed', issuer: settings.issuer, err: error });
        throw unavailable();
      });
    return this.configuration;
  }

  private translate(error: unknown): IdentityException {
    if (error instanceof IdentityException) return error;
    // A network failure towards the provider, as opposed to an answer that does not verify.
    if (error instanceof TypeError || (error instanceof Error && (error as { code?: string }).code === 'OAUTH_TIMEOUT')) {
      this.logger.warn({ msg: 'OIDC provider unreachable', err: error });
      return unavailable();
    }
    this.logger.warn({ msg: 'OIDC response refused', err: error });
    return new IdentityException('oidc-response-invalid', 'The answer of the identity provider could not be verified. Please try again.');
  }
}

function unavailable() {
  return new IdentityException(
    'identity-provider-unavailable',
    'The university sign-in service cannot be reached just now. Please try again in a few minutes.',
  );
}
