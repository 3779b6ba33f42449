import { describe, expect, it } from '@jest/globals';
import { emailClaims } from './oidc-relying-party.js';

const ID = { iss: 'https://idp.example', sub: 'subject-1' };

describe('emailClaims: email and email_verified from one source', () => {
  it("takes both from UserInfo when the ID token has no email, never the ID token's email_verified", () => {
    const mixed = emailClaims({ ...ID, email_verified: true }, { sub: 'subject-1', email: 'someone@example.com' });
    expect(mixed.email).toBe('someone@example.com');
    expect(mixed.emailVerified).toBe(false);
    expect(mixed.claims).not.toHaveProperty('email_verified');

    const verified = emailClaims({ ...ID, email_verified: false }, { email: 'someone@example.com', email_verified: true });
    expect(verified).toMatchObject({ email: 'someone@example.com', emailVerified: true, claims: { email_verified: true } });
  });

  it('takes both from the ID token when it has an email, whatever UserInfo says', () => {
    const result = emailClaims(
      { ...ID, email: 'token@example.com', email_verified: 'true' },
      { email: 'other@example.com', email_verified: false, name: 'Chan' },
    );
    expect(result).toMatchObject({ email: 'token@example.com', emailVerified: true });
    expect(result.claims).toMatchObject({ email: 'token@example.com', email_verified: 'true', name: 'Chan', sub: 'subject-1' });
  });

  it("has no email when neither source has one, and keeps the ID token's issuer and subject", () => {
    const result = emailClaims({ ...ID, email_verified: true }, { sub: 'someone-else', iss: 'https://evil.example' });
    expect(result).toMatchObject({ email: null, emailVerified: false, claims: { sub: 'subject-1', iss: 'https://idp.example' } });
    expect(emailClaims(ID)).toMatchObject({ email: null, emailVerified: false });
  });
});
