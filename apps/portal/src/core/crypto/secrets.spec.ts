import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAppConfig } from '../../config/app-config.js';
import { deriveKey, resolveAppSecret } from './secrets.js';

describe('deriveKey', () => {
  const secret = 'a'.repeat(48);

  it('derives a different 32-byte key per purpose, the same every time', () => {
    const pii = deriveKey(secret, 'personal-id-hmac');
    expect(pii).toHaveLength(32);
    expect(deriveKey(secret, 'personal-id-hmac').equals(pii)).toBe(true);
    expect(deriveKey(secret, 'one-time-code-hmac').equals(pii)).toBe(false);
    expect(deriveKey('b'.repeat(48), 'personal-id-hmac').equals(pii)).toBe(false);
  });
});

describe('resolveAppSecret', () => {
  it('keeps APP_SECRET when it is set', async () => {
    const config = loadAppConfig({ APP_SECRET: 's'.repeat(40) });
    expect((await resolveAppSecret(config, '/nonexistent')).appSecret).toBe('s'.repeat(40));
  });

  it('creates a private random secret once and reuses it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'campuspass-secret-'));
    const first = await resolveAppSecret(loadAppConfig({}), dir);
    const second = await resolveAppSecret(loadAppConfig({}), dir);
    expect(first.appSecret).toHaveLength(64);
    expect(second.appSecret).toBe(first.appSecret);
    expect((await readFile(path.join(dir, 'app-secret'), 'utf8')).trim()).toBe(first.appSecret);
    expect((await stat(path.join(dir, 'app-secret'))).mode & 0o777).toBe(0o600);
  });
});
