// Browser-safe Ed25519 with tweetnacl (pure JS). Node code should use `@campuspass/pass-token/node`
// (node:crypto, ~60x faster); this backend serves browsers and cross-checks node:crypto in tests.
import nacl from 'tweetnacl';
import { PassTokenError } from './errors.js';
import { PUBLIC_KEY_LENGTH } from './kid.js';
import { hasCanonicalScalar, SEED_LENGTH, SIGNATURE_LENGTH, type PassSigner, type SignatureVerifier } from './signature.js';

/** A signer for the Ed25519 private key whose 32-byte seed is given. */
export function createTweetnaclSigner(seed: Uint8Array): PassSigner {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LENGTH) {
    throw new PassTokenError('bad-key', `an Ed25519 seed is ${SEED_LENGTH} bytes`);
  }
  const { publicKey, secretKey } = nacl.sign.keyPair.fromSeed(Uint8Array.from(seed));
  return {
    publicKey,
    sign: (message) => nacl.sign.detached(message, secretKey),
  };
}

/** An Ed25519 verifier on tweetnacl that agrees with node:crypto (it also refuses S >= L). */
export function createTweetnaclVerifier(): SignatureVerifier {
  return {
    verify(message, signature, publicKey) {
      // tweetnacl throws on wrong lengths, and accepts non-canonical S, which OpenSSL refuses.
      if (signature.length !== SIGNATURE_LENGTH || publicKey.length !== PUBLIC_KEY_LENGTH || !hasCanonicalScalar(signature)) {
        return false;
      }
      return nacl.sign.detached.verify(message, signature, publicKey);
    },
  };
}
