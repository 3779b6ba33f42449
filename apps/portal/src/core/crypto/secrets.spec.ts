import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAppConfig, parseKeyEncryptionKey } from '../../config/app-config.js';
import { resolveKeyEncryptionKey } from './key-encryption-key.js';
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

describe('resolveKeyEncryptionKey', () => {
  it('keeps KEY_ENCRYPTION_KEY when it is set', async () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const config = loadAppConfig({ KEY_ENCRYPTION_KEY: key });
    expect((await resolveKeyEncryptionKey(config, '/nonexistent')).keys.encryptionKey?.reveal()).toBe(key);
  });

  it('creates a private random 32-byte key once and reuses it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'campuspass-kek-'));
    const first = (await resolveKeyEncryptionKey(loadAppConfig({}), dir)).keys.encryptionKey!.reveal();
    const second = (await resolveKeyEncryptionKey(loadAppConfig({}), dir)).keys.encryptionKey!.reveal();
    expect(parseKeyEncryptionKey(first)).toHaveLength(32);
    expect(second).toBe(first);
    const file = path.join(dir, 'key-encryption-key');
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged key file instead of replacing it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'campuspass-kek-'));
    await writeFile(path.join(dir, 'key-encryption-key'), 'not a key\n');
    await expect(resolveKeyEncryptionKey(loadAppConfig({}), dir)).rejects.toThrow(/does not hold a 32-byte key/);
  });
});
