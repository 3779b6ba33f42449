import { hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../../config/app-config.js';

/** Purposes a key is derived for. A key derived for one purpose is useless for another. */
export type SecretPurpose = 'personal-id-hmac' | 'one-time-code-hmac' | 'session-token-hmac' | 'guest-link-hmac' | 'captcha-hmac';

/** Derives a 32-byte key for one purpose from the root secret (HKDF-SHA256). */
export function deriveKey(appSecret: string, purpose: SecretPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', appSecret, 'campuspass', purpose, 32));
}

/**
 * The root secret: APP_SECRET when set (required in production). Otherwise a random secret kept in
 * `.data/app-secret` (mode 0600), so hashes stay valid across restarts of a development portal.
 */
export async function resolveAppSecret(config: AppConfig, dataDir = '.data'): Promise<AppConfig> {
  if (config.appSecret) return config;
  const file = path.resolve(dataDir, 'app-secret');
  let secret: string;
  try {
    secret = (await readFile(file, 'utf8')).trim();
  } catch {
    secret = randomBytes(48).toString('base64url');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return { ...config, appSecret: secret };
}
