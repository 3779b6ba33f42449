import { PassTokenError } from './errors.js';

/** Lowercase hex of the bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * Parses hex (either case) into bytes. Throws PassTokenError('bad-key') for odd length or a
 * non-hex character, and when `expectedLength` (in bytes) is given and not met: hex in this
 * library carries key material, so a silent partial parse would be dangerous.
 */
export function hexToBytes(hex: string, expectedLength?: number): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) {
    throw new PassTokenError('bad-key', 'hex must be an even number of characters 0-9 a-f');
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) {
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new PassTokenError('bad-key', `expected ${expectedLength} bytes of hex, got ${bytes.length}`);
  }
  return bytes;
}
