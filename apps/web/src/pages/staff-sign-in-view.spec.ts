import { describe, expect, it } from '@jest/globals';
import { staffSignInView } from './staff-sign-in-view.js';

const ready = (password: boolean, oidc: boolean, oidcStartUrl: string | null = oidc ? '/api/auth/staff/oidc/start' : null) =>
  ({ kind: 'ready', methods: { password, oidc, oidcStartUrl } }) as const;

describe('staffSignInView', () => {
  it('shows nothing but "loading" until the methods are known, so the password form does not flash', () => {
    expect(staffSignInView({ kind: 'loading' }, null)).toEqual({
      loading: true,
      showPassword: false,
      noMethods: false,
      errorKey: undefined,
    });
  });

  it('shows both the university account link and the password form when both are on', () => {
    expect(staffSignInView(ready(true, true), null)).toEqual({
      loading: false,
      oidcHref: '/api/auth/staff/oidc/start',
      showPassword: true,
      noMethods: false,
      errorKey: undefined,
    });
  });

  it('hides the password form when password sign-in is off', () => {
    const view = staffSignInView(ready(false, true), null);
    expect(view.showPassword).toBe(false);
    expect(view.oidcHref).toBe('/api/auth/staff/oidc/start');
    expect(view.noMethods).toBe(false);
  });

  it('shows only the password form when the identity provider is off (or has no start address)', () => {
    expect(staffSignInView(ready(true, false), null)).toMatchObject({ oidcHref: undefined, showPassword: true, noMethods: false });
    expect(staffSignInView(ready(true, true, null), null)).toMatchObject({ oidcHref: undefined, showPassword: true });
  });

  it('says sign-in is unavailable when both methods are off', () => {
    expect(staffSignInView(ready(false, false), null)).toMatchObject({ oidcHref: undefined, showPassword: false, noMethods: true });
  });

  it('falls back to the password form when the methods cannot be read', () => {
    const view = staffSignInView({ kind: 'failed' }, null);
    expect(view).toMatchObject({ loading: false, showPassword: true, noMethods: false });
    expect(view.oidcHref).toBeUndefined();
  });

  it('maps a known ?error= code to its message and anything else to a generic one', () => {
    expect(staffSignInView(ready(true, true), 'staff-account-not-found').errorKey).toBe('errors.staff-account-not-found');
    expect(staffSignInView(ready(true, true), 'oidc-state-invalid').errorKey).toBe('errors.oidc-state-invalid');
    expect(staffSignInView({ kind: 'loading' }, 'identity-provider-unavailable').errorKey).toBe('errors.identity-provider-unavailable');
    expect(staffSignInView(ready(true, true), 'something-else').errorKey).toBe('errors.staff-sign-in-failed');
    expect(staffSignInView(ready(true, true), '').errorKey).toBeUndefined();
  });
});
