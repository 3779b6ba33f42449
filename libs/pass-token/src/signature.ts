/** Ed25519 signatures are 64 bytes: R (32) then S (32, little-endian). */
export const SIGNATURE_LENGTH = 64;
/** Ed25519 seeds (the private key as stored) are 32 bytes. */
export const SEED_LENGTH = 32;

/** Signs pass bytes with one private key. Implementations: node:crypto (`/node`) and tweetnacl. */
export interface PassSigner {
  /** The 32-byte Ed25519 public key matching the private key. */
  readonly publicKey: Uint8Array;
  /** The 64-byte Ed25519 signature of `message`. */
  sign(message: Uint8Array): Uint8Array;
}

/** Checks Ed25519 signatures. Must return false (never throw) for any malformed input. */
export interface SignatureVerifier {
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
}

// Order of the Ed25519 base point, little-endian: L = 2^252 + 27742317777372353535851937790883648493.
const GROUP_ORDER_LE = [
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
] as const;

/**
 * True if the signature's S half is below the group order L. node:crypto (OpenSSL) rejects S >= L
 * but tweetnacl accepts it, which would let anyone derive a second valid encoding of a pass (S + L).
 * Checking it here makes every backend give the same verdict.
 */
export function hasCanonicalScalar(signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH) return false;
  for (let index = 31; index >= 0; index--) {
    const byte = signature[32 + index]!;
    const limit = GROUP_ORDER_LE[index]!;
    if (byte !== limit) return byte < limit;
  }
  return false; // S == L
}
