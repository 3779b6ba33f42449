import { createPublicKey, type KeyObject } from 'node:crypto';

// The fixed DER header of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 raw key bytes.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A node:crypto public key from the 32 raw bytes the portal publishes, so a spec can verify with nothing else. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}
