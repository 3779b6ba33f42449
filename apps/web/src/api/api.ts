import { navigate } from '../router/router.js';
import { ApiClient } from './client.js';
import { identityApi } from './identity.js';
import { ecardApi } from './ecard.js';
import { passesApi } from './passes.js';
import { profileApi } from './profile.js';

/** Where to come back to after signing in: a path on this site only (never another origin). */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : fallback;
}

export function signInPathFor(current: string): string {
  const staff = ['/admin', '/staff', '/security', '/reports'].some(
    (prefix) => current === prefix || current.startsWith(`${prefix}/`) || current.startsWith(`${prefix}?`),
  );
  return `${staff ? '/staff/sign-in' : '/sign-in'}?next=${encodeURIComponent(current)}`;
}

/** The app's one client: same-origin fetch, document cookies, and "please sign in" → the sign-in page. */
export const api = new ApiClient({
  fetch: (input, init) => window.fetch(input, init),
  cookies: () => document.cookie,
  onSignInRequired: () => {
    const current = window.location.pathname + window.location.search;
    if (!current.startsWith('/sign-in') && !current.startsWith('/staff/sign-in')) navigate(signInPathFor(current), { replace: true });
  },
});

export const identity = identityApi(api);
export const profile = profileApi(api);
export const ecard = ecardApi(api);
export const passes = passesApi(api);
