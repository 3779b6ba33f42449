// Shape of libs/pass-token/test-vectors.json, shared by the generator and the specs, and a loader.
import { readFileSync } from 'node:fs';
import type { PassTokenErrorReason } from '../src/errors.js';
import type { PassFields } from '../src/pass-fields.js';

/** A fixed Ed25519 key used by the vectors. Test keys only: never trust them in production. */
export interface TestVectorKey {
  readonly name: string;
  readonly seedHex: string;
  readonly publicKeyHex: string;
  readonly kidHex: string;
  /** Whether the key is in the vectors' key set (an untrusted key yields unknown-kid). */
  readonly trusted: boolean;
  readonly notBeforeDay?: number;
  readonly notAfterDay?: number;
}

export type TestVectorVerdict = { readonly verdict: 'valid' } | { readonly verdict: 'invalid'; readonly reason: PassTokenErrorReason };

export interface TestVector {
  readonly name: string;
  readonly description: string;
  /** The QR text a scanner would deliver. */
  readonly qrText: string;
  /** The record inside the QR text, when its base45 decodes. */
  readonly bytesHex?: string;
  /** What decodePass returns, when it decodes (absent when decoding must fail). */
  readonly fields?: PassFields;
  /** fields.campusDay as a Hong Kong calendar date, for people reading the file. */
  readonly campusDate?: string;
  /** Set when encodePass(fields, signer of this key) must reproduce bytesHex and qrText exactly. */
  readonly signedBy?: string;
  /** The verdict of verifyPass against the trusted keys. */
  readonly expected: TestVectorVerdict;
}

export interface TestVectorFile {
  readonly description: string;
  readonly formatVersion: number;
  readonly qrPrefix: string;
  readonly keys: readonly TestVectorKey[];
  readonly vectors: readonly TestVector[];
}

/** Path of the committed vectors file. */
export const TEST_VECTORS_URL = new URL('../test-vectors.json', import.meta.url);

/** Reads the committed vectors, checking the outline so a hand edit gone wrong fails loudly. */
export function loadTestVectors(): TestVectorFile {
  const parsed: unknown = JSON.parse(readFileSync(TEST_VECTORS_URL, 'utf8'));
  const file = parsed as TestVectorFile;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Array.isArray(file.keys) ||
    !Array.isArray(file.vectors) ||
    !file.vectors.every(
      (vector) => typeof vector.name === 'string' && typeof vector.qrText === 'string' && typeof vector.expected?.verdict === 'string',
    )
  ) {
    throw new Error(`${TEST_VECTORS_URL.pathname} does not have the test-vector shape`);
  }
  return file;
}

/** The vector's signing key by name; throws if the file names a key it does not define. */
export function keyNamed(file: TestVectorFile, name: string): TestVectorKey {
  const key = file.keys.find((candidate) => candidate.name === name);
  if (key === undefined) throw new Error(`test vectors name an undefined key ${name}`);
  return key;
}
