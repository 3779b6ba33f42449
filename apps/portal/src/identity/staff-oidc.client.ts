import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { IdentityException } from './identity.exception.js';
import { OidcRelyingParty, type OidcChecks, type OidcIdentity } from './oidc-relying-party.js';

export type { OidcChecks, OidcIdentity } from './oidc-relying-party.js';

export const STAFF_OIDC_CALLBACK_PATH = '/api/auth/staff/oidc/callback';

/**
 * The university's OIDC identity provider for staff, behind one small adapter over the shared relying party
 * (oidc-relying-party.ts: authorization code flow with PKCE (S256), state and nonce; discovery on first use).
 */
@Injectable()
export class StaffOidcClient {
  private readonly party?: OidcRelyingParty;
  readonly redirectUri: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const settings = config.staffSignIn.oidc;
    this.redirectUri = `${config.http.publicUrl}${STAFF_OIDC_CALLBACK_PATH}`;
    if (settings) {
      this.party = new OidcRelyingParty(
        {
          issuer: settings.issuer,
          clientId: settings.clientId,
          clientSecret: settings.clientSecret.reveal(),
          redirectUri: this.redirectUri,
          scope: 'openid email',
          displayName: 'the university sign-in service',
        },
        'StaffOidc',
      );
    }
  }

  get enabled(): boolean {
    return this.party !== undefined;
  }

  async authorization(): Promise<{ url: URL; checks: OidcChecks }> {
    return this.relyingParty().authorization();
  }

  /** Exchanges the code of the callback (its query string) for verified tokens; the ID token's signature, issuer, audience and nonce are checked. */
  async identify(callbackQuery: URLSearchParams, checks: OidcChecks): Promise<OidcIdentity> {
    return this.relyingParty().identify(callbackQuery, checks);
  }

  private relyingParty(): OidcRelyingParty {
    if (!this.party) {
      throw new IdentityException(
        'staff-sign-in-method-off',
        'Sign-in with the university account is not set up. Please sign in with your password.',
      );
    }
    return this.party;
  }
}
