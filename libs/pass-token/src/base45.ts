import { PassTokenError } from './errors.js';

// Hand-written on purpose: the `base45` npm package decodes invalid input silently (an unknown
// character becomes -1, a triple above 65535 is accepted) and depends on Buffer, which browsers lack.
// A pass decoder must refuse anything that is not canonical RFC 9285.

/** The RFC 9285 alphabet: exactly the QR alphanumeric character set, in value order. */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const DECODE_TABLE: readonly number[] = (() => {
  const table = new Array<number>(128).fill(-1);
  for (let value = 0; value < BASE45_ALPHABET.length; value++) {
    table[BASE45_ALPHABET.charCodeAt(value)] = value;
  }
  return table;
})();

/** Encodes bytes as RFC 9285 base45 text. */
export function encodeBase45(bytes: Uint8Array): string {
  let text = '';
  let index = 0;
  for (; index + 1 < bytes.length; index += 2) {
    const value = bytes[index]! * 256 + bytes[index + 1]!;
    text += BASE45_ALPHABET[value % 45]! + BASE45_ALPHABET[Math.floor(value / 45) % 45]! + BASE45_ALPHABET[Math.floor(value / 2025)]!;
  }
  if (index < bytes.length) {
    const value = bytes[index]!;
    text += BASE45_ALPHABET[value % 45]! + BASE45_ALPHABET[Math.floor(value / 45)]!;
  }
  return text;
}

/**
 * Decodes RFC 9285 base45 text. Throws PassTokenError('bad-base45') for a character outside the
 * alphabet, a length of 1 mod 3, a triple above 65535 or a trailing pair above 255.
 */
export function decodeBase45(text: string): Uint8Array {
  if (text.length % 3 === 1) {
    throw new PassTokenError('bad-base45', `length ${text.length} leaves a single dangling character`);
  }
  const bytes = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let out = 0;
  let index = 0;
  for (; index + 2 < text.length; index += 3) {
    const value = digit(text, index) + digit(text, index + 1) * 45 + digit(text, index + 2) * 2025;
    if (value > 0xffff) {
      throw new PassTokenError('bad-base45', `triple at ${index} has value ${value} > 65535`);
    }
    bytes[out++] = value >> 8;
    bytes[out++] = value & 0xff;
  }
  if (index < text.length) {
    const value = digit(text, index) + digit(text, index + 1) * 45;
    if (value > 0xff) {
      throw new PassTokenError('bad-base45', `trailing pair at ${index} has value ${value} > 255`);
    }
    bytes[out] = value;
  }
  return bytes;
}

function digit(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const value = code < 128 ? DECODE_TABLE[code]! : -1;
  if (value < 0) {
    throw new PassTokenError('bad-base45', `character ${JSON.stringify(text[index])} at ${index} is not in the base45 alphabet`);
  }
  return value;
}
