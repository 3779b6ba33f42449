import type { StaffSignInMethods } from '../api/identity.js';
import { staffSignInErrorKey } from '../forms/error-text.js';

/** What the methods call gave: still loading, the answer, or no answer (network or server trouble). */
export type MethodsState =
  { readonly kind: 'loading' } | { readonly kind: 'ready'; readonly methods: StaffSignInMethods } | { readonly kind: 'failed' };

export interface StaffSignInView {
  readonly loading: boolean;
  /** Where "Sign in with the university account" goes, when that method is on. */
  readonly oidcHref?: string;
  readonly showPassword: boolean;
  /** Both methods are off: say so instead of showing an empty page. */
  readonly noMethods: boolean;
  /** The i18n key of the `?error=` the identity provider round trip came back with. */
  readonly errorKey?: ReturnType<typeof staffSignInErrorKey>;
}

/**
 * Which parts of the staff sign-in page to show. When the methods cannot be read we still offer the password
 * form (the portal refuses it with `staff-sign-in-method-off` if it is off), so a hiccup does not lock staff out.
 */
export function staffSignInView(state: MethodsState, errorCode: string | null): StaffSignInView {
  const errorKey = staffSignInErrorKey(errorCode);
  if (state.kind === 'loading') return { loading: true, showPassword: false, noMethods: false, errorKey };
  if (state.kind === 'failed') return { loading: false, showPassword: true, noMethods: false, errorKey };
  const { methods } = state;
  const oidcHref = methods.oidc && methods.oidcStartUrl ? methods.oidcStartUrl : undefined;
  return {
    loading: false,
    oidcHref,
    showPassword: methods.password,
    noMethods: !methods.password && !oidcHref,
    errorKey,
  };
}
