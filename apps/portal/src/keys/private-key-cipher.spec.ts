import { randomBytes } from 'node:crypto';
import { isKeysException } from './keys.exception.js';
import { openPrivateKey, openPrivateKeyWithEither, sealPrivateKey, type SealedPrivateKey } from './private-key-cipher.js';

describe('private key encryption (AES-256-GCM under the key-encryption key)', () => {
  const kek = randomBytes(32);
  const seed = new Uint8Array(randomBytes(32));
  const binding = { keyId: '0b7c2a8e-4d0f-4f3c-9a51-3f2f8e6f1a11', purpose: 'pass', kid: '0011223344556677' };

  const refused = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(isKeysException(error) && error.code === 'key-decryption-failed').toBe(true);
      expect(String(error)).not.toContain(Buffer.from(seed).toString('hex'));
      return;
    }
    throw new Error('expected the decryption to be refused');
  };

  it('round-trips, with a fresh nonce each time and no plain text in the ciphertext', () => {
    const first = sealPrivateKey(kek, seed, binding);
    const second = sealPrivateKey(kek, seed, binding);
    expect(first.nonce).toHaveLength(12);
    expect(first.tag).toHaveLength(16);
    expect(first.nonce.equals(second.nonce)).toBe(false);
    expect(first.ciphertext.equals(Buffer.from(seed))).toBe(false);
    expect(openPrivateKey(kek, first, binding)).toEqual(seed);
    expect(openPrivateKey(kek, second, binding)).toEqual(seed);
  });

  it('refuses a tampered ciphertext, tag or nonce', () => {
    const sealed = sealPrivateKey(kek, seed, binding);
    const flip = (buffer: Buffer, index = 0) => {
      const copy = Buffer.from(buffer);
      copy[index] = copy[index]! ^ 1;
      return copy;
    };
    const variants: SealedPrivateKey[] = [
      { ...sealed, ciphertext: flip(sealed.ciphertext, 5) },
      { ...sealed, tag: flip(sealed.tag) },
      { ...sealed, nonce: flip(sealed.nonce) },
      { ...sealed, tag: sealed.tag.subarray(0, 12) },
    ];
    for (const variant of variants) refused(() => openPrivateKey(kek, variant, binding));
  });

  it('refuses a ciphertext moved to another row, purpose or kid (associated data)', () => {
    const sealed = sealPrivateKey(kek, seed, binding);
    refused(() => openPrivateKey(kek, sealed, { ...binding, keyId: '7d0e3c1a-0000-4000-8000-000000000000' }));
    refused(() => openPrivateKey(kek, sealed, { ...binding, purpose: 'bundle' }));
    refused(() => openPrivateKey(kek, sealed, { ...binding, kid: 'ffeeddccbbaa9988' }));
  });

  it('refuses the wrong key-encryption key, and a key-encryption key that is not 32 bytes', () => {
    const sealed = sealPrivateKey(kek, seed, binding);
    refused(() => openPrivateKey(randomBytes(32), sealed, binding));
    expect(() => sealPrivateKey(randomBytes(16), seed, binding)).toThrow(/32 bytes/);
  });

  describe('while the key-encryption key is replaced (KEY_ENCRYPTION_KEY_PREVIOUS)', () => {
    const oldKek = randomBytes(32);
    const newKek = randomBytes(32);

    it('opens a key sealed under the previous key-encryption key, and says so', () => {
      const sealed = sealPrivateKey(oldKek, seed, binding);
      const opened = openPrivateKeyWithEither({ current: newKek, previous: oldKek }, sealed, binding);
      expect(opened).toEqual({ seed, sealedUnder: 'previous' });
    });

    it('tries KEY_ENCRYPTION_KEY first: a key sealed under it opens as current', () => {
      const sealed = sealPrivateKey(newKek, seed, binding);
      expect(openPrivateKeyWithEither({ current: newKek, previous: oldKek }, sealed, binding)).toEqual({ seed, sealedUnder: 'current' });
      expect(openPrivateKeyWithEither({ current: newKek }, sealed, binding)).toEqual({ seed, sealedUnder: 'current' });
    });

    it('refuses, naming both variables, when neither key opens it (and still checks the binding)', () => {
      const sealed = sealPrivateKey(randomBytes(32), seed, binding);
      let message = '';
      refused(() => {
        try {
          return openPrivateKeyWithEither({ current: newKek, previous: oldKek }, sealed, binding);
        } catch (error) {
          message = String((error as Error).message);
          throw error;
        }
      });
      expect(message).toMatch(/neither KEY_ENCRYPTION_KEY nor KEY_ENCRYPTION_KEY_PREVIOUS/);
      expect(message).toContain(binding.kid);
      const underOld = sealPrivateKey(oldKek, seed, binding);
      refused(() => openPrivateKeyWithEither({ current: newKek, previous: oldKek }, underOld, { ...binding, purpose: 'bundle' }));
      refused(() => openPrivateKeyWithEither({ current: newKek }, underOld, binding));
      expect(() => openPrivateKeyWithEither({ current: newKek }, underOld, binding)).toThrow(/KEY_ENCRYPTION_KEY_PREVIOUS is not set/);
    });
  });
});
