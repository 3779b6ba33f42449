import { loadAppConfig } from '../config/app-config.js';
import { IdentityKeys } from './identity-keys.js';

describe('IdentityKeys', () => {
  const keys = new IdentityKeys(loadAppConfig({ APP_SECRET: 'k'.repeat(48) }));
  const requestId = '0b1e4f5e-1c2d-4e3f-8a9b-0c1d2e3f4a5b';

  it('draws six-digit codes, zero-padded, over the whole range', () => {
    const codes = Array.from({ length: 2000 }, () => keys.newCode());
    expect(codes.every((code) => /^\d{6}$/.test(code))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1990);
  });

  it('binds a code hash to its request', () => {
    const hash = keys.codeHash(requestId, '123456');
    expect(keys.equal(hash, keys.codeHash(requestId, '123456'))).toBe(true);
    expect(keys.equal(hash, keys.codeHash('1b1e4f5e-1c2d-4e3f-8a9b-0c1d2e3f4a5b', '123456'))).toBe(false);
    expect(keys.equal(hash, keys.codeHash(requestId, '123457'))).toBe(false);
  });

  it('makes 256-bit tokens and keeps their hashes, CSRF tokens and ticket ids apart', () => {
    const token = keys.newToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(keys.sessionId(token)).toHaveLength(32);
    expect(keys.sessionId(token).toString('base64url')).not.toBe(keys.csrfToken(token));
    expect(keys.ticketId(token).equals(keys.sessionId(token))).toBe(false);
  });

  it('depends on APP_SECRET', () => {
    const other = new IdentityKeys(loadAppConfig({ APP_SECRET: 'o'.repeat(48) }));
    expect(other.sessionId('t').equals(keys.sessionId('t'))).toBe(false);
    expect(() => new IdentityKeys(loadAppConfig({}))).toThrow(/APP_SECRET/);
  });
});
