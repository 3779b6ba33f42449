import { loadAppConfig } from '../config/app-config.js';
import { GuestLinks, maskGuestLinkTokens } from './guest-links.js';

describe('guest links', () => {
  const config = { ...loadAppConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://alumni.example.edu' }), appSecret: 'x'.repeat(43) };
  const links = new GuestLinks(config);
  const passId = '0b9d6c2e-4f1a-8e3b-9c7d-112233445566';

  it('derives a 256-bit URL-safe token per pass, stable, and a lookup hash only for well-formed tokens', () => {
    const token = links.tokenFor(passId);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(links.tokenFor(passId)).toBe(token);
    expect(links.tokenFor(passId.replace('0b', '0c'))).not.toBe(token);
    expect(links.linkFor(passId)).toBe(`https://alumni.example.edu/g/${token}`);
    expect(links.hashOf(token)).toHaveLength(32);
    expect(links.hashOf(`${token}x`)).toBeNull();
    expect(links.hashOf('../../etc')).toBeNull();
    const other = new GuestLinks({ ...config, appSecret: 'y'.repeat(43) });
    expect(other.tokenFor(passId)).not.toBe(token);
  });

  it('masks guest-link tokens in access-log URLs', () => {
    expect(maskGuestLinkTokens('/g/abcDEF_-123?x=1')).toBe('/g/***?x=1');
    expect(maskGuestLinkTokens('/api/public/guest-passes/abcDEF_-123')).toBe('/api/public/guest-passes/***');
    expect(maskGuestLinkTokens('/api/guest-passes/0b9d6c2e')).toBe('/api/guest-passes/0b9d6c2e');
  });
});
