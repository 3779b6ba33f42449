import { sha256 } from '@noble/hashes/sha2.js';
import { PassTokenError } from './errors.js';

/** Ed25519 public keys are 32 bytes. */
export const PUBLIC_KEY_LENGTH = 32;
/** A kid is the first 8 bytes of SHA-256(public key): short enough for the QR, wide enough that collisions are rare (and harmless: verifiers try every key sharing a kid). */
export const KID_LENGTH = 8;

/** The key id of an Ed25519 public key. */
export function kidOf(publicKey: Uint8Array): Uint8Array {
  assertPublicKey(publicKey);
  return sha256(publicKey).slice(0, KID_LENGTH);
}

/** Throws PassTokenError('bad-key') unless `publicKey` is 32 bytes. */
export function assertPublicKey(publicKey: unknown): asserts publicKey is Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new PassTokenError('bad-key', `an Ed25519 public key is ${PUBLIC_KEY_LENGTH} bytes`);
  }
}
