import { jest } from '@jest/globals';
import type { StaffRepository } from '../admin/staff.repository.js';
import type { StaffAccountEntity } from '../admin/staff-account.entity.js';
import type { Clock } from './clock.js';
import type { IdentityEffects } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import type { IdentityKeys } from './identity-keys.js';
import type { OidcLoginStateEntity } from './oidc-login-state.entity.js';
import type { OidcLoginStateRepository } from './oidc-login-state.repository.js';
import type { RateLimitService } from './rate-limit.service.js';
import type { SessionService, StartedSession } from './session.service.js';
import { SignedInSessions } from './signed-in-sessions.js';
import type { StaffIdentityLinkRepository } from './staff-identity-link.repository.js';
import { StaffOidcSignInService } from './staff-oidc-sign-in.service.js';
import type { OidcIdentity, StaffOidcClient } from './staff-oidc.client.js';

const NOW = new Date('2026-11-26T10:00:00Z');
const ISSUER = 'https://login.example.edu';
const ADA = { id: 'staff-ada', email: 'ada@example.edu', role: 'aao-admin', active: true } as StaffAccountEntity;

function setup(options: { identity: OidcIdentity; state?: Partial<OidcLoginStateEntity> | null; linkedTo?: string }) {
  const stored: OidcLoginStateEntity | null =
    options.state === null
      ? null
      : {
          id: Buffer.from('id'),
          state: 'the-state',
          nonce: 'n',
          codeVerifier: 'v',
          createdAt: NOW,
          expiresAt: new Date(NOW.getTime() + 60_000),
          ...options.state,
        };
  const identify = jest.fn(async () => options.identity);
  const client = { enabled: true, identify } as unknown as StaffOidcClient;
  const states = { take: jest.fn(async () => stored) } as unknown as OidcLoginStateRepository;
  const linkOrTouch = jest.fn(async () => undefined);
  const links = {
    findByIssuerAndSubject: jest.fn(async () => (options.linkedTo ? { staffId: options.linkedTo } : null)),
    linkOrTouch,
  } as unknown as StaffIdentityLinkRepository;
  const findByEmail = jest.fn(async (email: string) => (email === ADA.email ? ADA : null));
  const staff = { findById: jest.fn(async (id: string) => (id === ADA.id ? ADA : null)), findByEmail } as unknown as StaffRepository;
  const rateLimits = { consume: jest.fn(async () => undefined) } as unknown as RateLimitService;
  const start = jest.fn(async () => ({ token: 't' }) as StartedSession);
  const sessions = { start } as unknown as SessionService;
  const keys = { oidcStateId: () => Buffer.from('id'), equal: (a: string, b: string) => a === b } as unknown as IdentityKeys;
  const clock = { now: () => NOW } as Clock;
  const record = jest.fn(async () => undefined);
  const effects = {
    record,
    reason: (error: unknown) => (error instanceof IdentityException ? error.code : 'error'),
  } as unknown as IdentityEffects;
  const service = new StaffOidcSignInService(
    client,
    states,
    links,
    staff,
    rateLimits,
    new SignedInSessions(sessions, effects),
    keys,
    clock,
    effects,
  );
  const callback = (state = 'the-state') =>
    service.callback({ handle: 'h', query: new URLSearchParams({ state, code: 'c' }) }, { ip: '203.0.113.1' });
  return { service, callback, identify, start, findByEmail, linkOrTouch, record };
}

const verifiedAda: OidcIdentity = { issuer: ISSUER, subject: 'sub-1', email: 'Ada@Example.edu', emailVerified: true };

describe('StaffOidcSignInService', () => {
  it('signs in the active staff account with the verified email, links it, and audits', async () => {
    const { callback, start, linkOrTouch, record } = setup({ identity: verifiedAda });
    await callback();
    expect(start).toHaveBeenCalledWith(expect.objectContaining({ subjectType: 'staff', subjectId: ADA.id, roles: ['aao-admin'] }));
    expect(linkOrTouch).toHaveBeenCalledWith(ISSUER, 'sub-1', ADA.id, NOW);
    expect(record).toHaveBeenCalledWith(expect.objectContaining({ action: 'staff.sign-in', outcome: 'success' }));
  });

  it('uses an existing (issuer, subject) link even without a verified email', async () => {
    const { callback, start, findByEmail } = setup({
      identity: { issuer: ISSUER, subject: 'sub-1', email: null, emailVerified: false },
      linkedTo: ADA.id,
    });
    await callback();
    expect(findByEmail).not.toHaveBeenCalled();
    expect(start).toHaveBeenCalledWith(expect.objectContaining({ subjectId: ADA.id }));
  });

  it.each([
    ['a state that does not match', { identity: verifiedAda }, 'other-state', 'oidc-state-invalid'],
    ['no stored state (another browser, or used already)', { identity: verifiedAda, state: null }, 'the-state', 'oidc-state-invalid'],
    ['an expired state', { identity: verifiedAda, state: { expiresAt: NOW } }, 'the-state', 'oidc-state-invalid'],
    ['an unverified email', { identity: { ...verifiedAda, emailVerified: false } }, 'the-state', 'oidc-email-unverified'],
    ['an email with no staff account', { identity: { ...verifiedAda, email: 'x@example.edu' } }, 'the-state', 'staff-account-not-found'],
  ] as const)('refuses %s and audits the failure', async (_name, options, state, code) => {
    const { callback, start, record, identify } = setup(options);
    await expect(callback(state)).rejects.toMatchObject({ code });
    expect(start).not.toHaveBeenCalled();
    if (code === 'oidc-state-invalid') expect(identify).not.toHaveBeenCalled();
    expect(record).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: 'failure', details: expect.objectContaining({ reason: code }) }),
    );
  });
});
