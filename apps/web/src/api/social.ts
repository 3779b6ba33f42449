import { api } from './api.js';
import type { ApiClient } from './client.js';
import type { Locale, Session } from './identity.js';

export type SocialProviderId = 'google' | 'microsoft' | 'apple' | 'wechat';

export interface SocialProvider {
  readonly id: SocialProviderId;
  readonly name: string;
  /** A browser navigation (not a fetch): the portal redirects to the provider. */
  readonly startUrl: string;
}

export interface SocialPendingLink {
  readonly provider: SocialProviderId;
  readonly providerName: string;
  /** The email the provider showed: shown only, it never picks the account. */
  readonly emailSeen: string | null;
  /** A verified, non-relay email to prefill the field with. */
  readonly suggestedEmail: string | null;
  readonly codeSent: boolean;
  readonly expiresAt: string;
}

export interface SocialLink {
  readonly id: string;
  readonly provider: SocialProviderId;
  readonly providerName: string;
  readonly emailSeen: string | null;
  readonly displayName: string | null;
  readonly linkedAt: string;
  readonly lastUsedAt: string;
}

/** Social sign-in (Google, Microsoft, Apple, WeChat) and the linked accounts of the profile page. */
export function socialApi(client: ApiClient) {
  return {
    providers: () => client.get<{ providers: SocialProvider[] }>('/api/sign-in/social/providers', { quiet401: true }),
    pending: () => client.get<SocialPendingLink>('/api/sign-in/social/link', { quiet401: true }),
    linkStart: (email: string, locale: Locale) => client.post<{ message: string }>('/api/sign-in/social/link/start', { email, locale }),
    linkVerify: (code: string) => client.post<Session>('/api/sign-in/social/link/verify', { code }),
    linkCancel: () => client.post<void>('/api/sign-in/social/link/cancel', {}),
    links: () => client.get<{ links: SocialLink[] }>('/api/account/social-links'),
    removeLink: (id: string) => client.delete<void>(`/api/account/social-links/${encodeURIComponent(id)}`),
  };
}

export const social = socialApi(api);

/** Failures the portal reports by redirecting to /sign-in?socialError=<code>; others get the general text. */
export const SOCIAL_ERROR_CODES = [
  'oidc-state-invalid',
  'oidc-response-invalid',
  'identity-provider-unavailable',
  'wechat-refused',
  'rate-limited',
] as const;
export type SocialErrorCode = (typeof SOCIAL_ERROR_CODES)[number];

export function socialErrorKey(code: string | null): `social.errors.${SocialErrorCode | 'other'}` | undefined {
  if (!code) return undefined;
  return (SOCIAL_ERROR_CODES as readonly string[]).includes(code) ? `social.errors.${code as SocialErrorCode}` : 'social.errors.other';
}
