import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseKeyEncryptionKey, SecretValue, type AppConfig } from '../../config/app-config.js';

/**
 * The key-encryption key: KEY_ENCRYPTION_KEY when set (required in production). Otherwise a random one kept in
 * `.data/key-encryption-key` (mode 0600, base64), so a development portal's signing keys survive restarts.
 * A file that does not hold a valid key stops start-up rather than being replaced (that would orphan every
 * stored signing key).
 */
export async function resolveKeyEncryptionKey(config: AppConfig, dataDir = '.data'): Promise<AppConfig> {
  if (config.keys.encryptionKey) return config;
  const file = path.resolve(dataDir, 'key-encryption-key');
  let text: string | undefined;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    text = randomBytes(32).toString('base64');
    await mkdir(path.dirname(file), { recursive: true });
    try {
      // 'wx': never overwrite a key another process (the web process next to a worker) wrote a moment ago.
      await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
      await chmod(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      text = (await readFile(file, 'utf8')).trim();
    }
  }
  if (parseKeyEncryptionKey(text) === undefined) {
    throw new Error(`${file} does not hold a 32-byte key (base64 or hex); restore it or set KEY_ENCRYPTION_KEY`);
  }
  return { ...config, keys: { ...config.keys, encryptionKey: new SecretValue(text) } };
}
