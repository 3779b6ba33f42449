import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isKeysException, KeysException } from './keys.exception.js';

const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const KEK_LENGTH = 32;

/** What binds a ciphertext to its row: moving it to another row (or purpose) makes decryption fail. */
export interface PrivateKeyBinding {
  readonly keyId: string;
  readonly purpose: string;
  readonly kid: string;
}

/** A private key sealed with AES-256-GCM under the key-encryption key. Three columns of signing_key. */
export interface SealedPrivateKey {
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

function associatedData(binding: PrivateKeyBinding): Buffer {
  // Unambiguous: none of the three may contain a newline (uuid, fixed word, hex).
  return Buffer.from(`campuspass-signing-key/v1\n${binding.keyId}\n${binding.purpose}\n${binding.kid}`, 'utf8');
}

function checkKek(kek: Uint8Array): void {
  if (kek.length !== KEK_LENGTH) throw new KeysException('kek-invalid', 'The key-encryption key must be 32 bytes (KEY_ENCRYPTION_KEY).');
}

/** Encrypts a private key (Ed25519 seed) for one row. A fresh random nonce every time. */
export function sealPrivateKey(kek: Uint8Array, seed: Uint8Array, binding: PrivateKeyBinding): SealedPrivateKey {
  checkKek(kek);
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(associatedData(binding));
  const ciphertext = Buffer.concat([cipher.update(seed), cipher.final()]);
  return { nonce, ciphertext, tag: cipher.getAuthTag() };
}

/**
 * Decrypts a private key. Throws KeysException('key-decryption-failed') for a wrong key-encryption key, a
 * tampered ciphertext or tag, or a ciphertext moved from another row — GCM cannot tell these apart.
 */
export function openPrivateKey(kek: Uint8Array, sealed: SealedPrivateKey, binding: PrivateKeyBinding): Uint8Array {
  checkKek(kek);
  try {
    if (sealed.nonce.length !== NONCE_LENGTH || sealed.tag.length !== TAG_LENGTH) throw new Error('bad lengths');
    const decipher = createDecipheriv('aes-256-gcm', kek, sealed.nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(associatedData(binding));
    decipher.setAuthTag(sealed.tag);
    return new Uint8Array(Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]));
  } catch {
    throw new KeysException(
      'key-decryption-failed',
      `Signing key ${binding.kid} could not be decrypted: KEY_ENCRYPTION_KEY is not the key it was stored with, or the stored key was altered.`,
    );
  }
}

/**
 * The key-encryption keys a portal holds: KEY_ENCRYPTION_KEY (`current`: seals every new key, tried first) and,
 * while it is being replaced, KEY_ENCRYPTION_KEY_PREVIOUS (`previous`: only opens).
 */
export interface KeyEncryptionKeys {
  readonly current: Uint8Array;
  readonly previous?: Uint8Array;
}

/** Which key-encryption key opened a sealed key: `previous` means it still has to be re-sealed (keys:rewrap). */
export type SealedUnder = 'current' | 'previous';

/**
 * Decrypts a private key with KEY_ENCRYPTION_KEY, then with KEY_ENCRYPTION_KEY_PREVIOUS if there is one. Throws
 * KeysException('key-decryption-failed'), naming both variables, when neither opens it.
 */
export function openPrivateKeyWithEither(
  keks: KeyEncryptionKeys,
  sealed: SealedPrivateKey,
  binding: PrivateKeyBinding,
): { readonly seed: Uint8Array; readonly sealedUnder: SealedUnder } {
  checkKek(keks.current);
  if (keks.previous !== undefined) checkKek(keks.previous);
  try {
    return { seed: openPrivateKey(keks.current, sealed, binding), sealedUnder: 'current' };
  } catch (error) {
    if (!isKeysException(error) || error.code !== 'key-decryption-failed') throw error;
  }
  if (keks.previous !== undefined) {
    try {
      return { seed: openPrivateKey(keks.previous, sealed, binding), sealedUnder: 'previous' };
    } catch (error) {
      if (!isKeysException(error) || error.code !== 'key-decryption-failed') throw error;
    }
  }
  throw new KeysException(
    'key-decryption-failed',
    keks.previous === undefined
      ? `Signing key ${binding.kid} could not be decrypted: KEY_ENCRYPTION_KEY is not the key it was stored with (KEY_ENCRYPTION_KEY_PREVIOUS is not set; while replacing the key-encryption key, set it to the old one), or the stored key was altered.`
      : `Signing key ${binding.kid} could not be decrypted: neither KEY_ENCRYPTION_KEY nor KEY_ENCRYPTION_KEY_PREVIOUS is the key it was stored with, or the stored key was altered.`,
  );
}
