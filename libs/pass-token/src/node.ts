// Ed25519 on node:crypto, for the portal and the gate. Not exported from the main entry, so that
// browsers never pull in node:crypto.
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { PassTokenError } from './errors.js';
import { bytesToHex } from './hex.js';
import { PUBLIC_KEY_LENGTH } from './kid.js';
import { SEED_LENGTH, SIGNATURE_LENGTH, type PassSigner, type SignatureVerifier } from './signature.js';

// node:crypto imports raw Ed25519 keys only inside DER envelopes; these are the fixed headers
// of PKCS#8 (private, RFC 8410) and SPKI (public) for OID 1.3.101.112, followed by the 32 raw bytes.
const PKCS8_ED25519_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
const SPKI_ED25519_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);

/** A fresh Ed25519 key pair: the 32-byte seed (the private key to store, encrypted) and its public key. */
export function generateKeyPair(): { seed: Uint8Array; publicKey: Uint8Array } {
  const seed = new Uint8Array(randomBytes(SEED_LENGTH));
  return { seed, publicKey: createNodeSigner(seed).publicKey };
}

/** A signer for the Ed25519 private key whose 32-byte seed is given. The KeyObject is built once. */
export function createNodeSigner(seed: Uint8Array): PassSigner {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LENGTH) {
    throw new PassTokenError('bad-key', `an Ed25519 seed is ${SEED_LENGTH} bytes`);
  }
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length));
  return {
    publicKey,
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}

/** Options for createNodeVerifier. */
export interface NodeVerifierOptions {
  /** Public-key KeyObjects kept for reuse; a gate trusts a handful of keys. Default 64. */
  readonly maxCachedKeys?: number;
}

/** An Ed25519 verifier on node:crypto that caches one KeyObject per public key. */
export function createNodeVerifier(options: NodeVerifierOptions = {}): SignatureVerifier {
  const maxCachedKeys = options.maxCachedKeys ?? 64;
  const cache = new Map<string, KeyObject>();

  const keyObjectFor = (publicKey: Uint8Array): KeyObject => {
    const cacheKey = bytesToHex(publicKey);
    let keyObject = cache.get(cacheKey);
    if (keyObject === undefined) {
      keyObject = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
      // Bounded so a caller feeding ever-new keys cannot grow memory; oldest entry goes first.
      if (cache.size >= maxCachedKeys) cache.delete(cache.keys().next().value as string);
      cache.set(cacheKey, keyObject);
    }
    return keyObject;
  };

  return {
    verify(message, signature, publicKey) {
      if (signature.length !== SIGNATURE_LENGTH || publicKey.length !== PUBLIC_KEY_LENGTH) return false;
      try {
        return verify(null, message, keyObjectFor(publicKey), signature);
      } catch {
        // An unparseable key cannot have signed anything.
        return false;
      }
    },
  };
}
