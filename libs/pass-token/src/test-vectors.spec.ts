// The committed test vectors are the contract between portal, gate and browser: this library must
// reproduce every expected string and verdict exactly, with both Ed25519 backends.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildTestVectors } from '../scripts/generate-test-vectors.js';
import { outcomeOf } from '../test/support.js';
import { keyNamed, loadTestVectors, TEST_VECTORS_URL, type TestVectorKey } from '../test/test-vector-file.js';
import { campusDayToIsoDate } from './campus-day.js';
import { bytesToHex, hexToBytes } from './hex.js';
import { KeySet } from './key-set.js';
import { kidOf } from './kid.js';
import { QR_PREFIX } from './layout.js';
import { createNodeSigner, createNodeVerifier } from './node.js';
import { decodePass, encodePass, verifyPass } from './pass.js';
import type { PassSigner, SignatureVerifier } from './signature.js';
import { createTweetnaclSigner, createTweetnaclVerifier } from './tweetnacl.js';

const file = loadTestVectors();
const trustedKeySet = new KeySet(
  file.keys
    .filter((key) => key.trusted)
    .map((key) => ({
      publicKey: hexToBytes(key.publicKeyHex, 32),
      notBeforeDay: key.notBeforeDay,
      notAfterDay: key.notAfterDay,
      label: key.name,
    })),
);

const backends: readonly { name: string; signer: (seed: Uint8Array) => PassSigner; verifier: SignatureVerifier }[] = [
  { name: 'node:crypto', signer: createNodeSigner, verifier: createNodeVerifier() },
  { name: 'tweetnacl', signer: createTweetnaclSigner, verifier: createTweetnaclVerifier() },
];

describe('test-vectors.json', () => {
  it('has at least 8 vectors, unique names, and covers valid passes of both kinds and every refusal the format defines', () => {
    expect(file.vectors.length).toBeGreaterThanOrEqual(8);
    expect(new Set(file.vectors.map((vector) => vector.name)).size).toBe(file.vectors.length);
    const valid = file.vectors.filter((vector) => vector.expected.verdict === 'valid');
    expect(new Set(valid.map((vector) => vector.fields?.kind))).toEqual(new Set(['alumni-day', 'guest']));
    const reasons = new Set(file.vectors.map((vector) => (vector.expected.verdict === 'invalid' ? vector.expected.reason : 'valid')));
    for (const reason of [
      'bad-prefix',
      'bad-base45',
      'bad-length',
      'unknown-version',
      'unknown-kind',
      'bad-flags',
      'bad-field',
      'unknown-kid',
      'bad-signature',
      'key-not-valid',
      'too-long',
    ]) {
      expect(reasons).toContain(reason);
    }
    expect(file.keys.some((key) => !key.trusted)).toBe(true);
  });

  it.each(file.keys)('key $name: public key and kid follow from the seed', (key: TestVectorKey) => {
    for (const backend of backends) {
      const signer = backend.signer(hexToBytes(key.seedHex, 32));
      expect(bytesToHex(signer.publicKey)).toBe(key.publicKeyHex);
    }
    expect(bytesToHex(kidOf(hexToBytes(key.publicKeyHex, 32)))).toBe(key.kidHex);
  });

  it('is exactly what the generator produces (regenerate and commit if the format changed on purpose)', () => {
    expect(readFileSync(TEST_VECTORS_URL, 'utf8')).toBe(`${JSON.stringify(buildTestVectors(), null, 2)}\n`);
  });

  describe.each(file.vectors)('vector $name', (vector) => {
    it.each(backends)('verifyPass with $name gives the expected verdict', ({ verifier }) => {
      const expectedOutcome = vector.expected.verdict === 'valid' ? 'accepted' : vector.expected.reason;
      expect(outcomeOf(() => verifyPass(vector.qrText, trustedKeySet, verifier))).toBe(expectedOutcome);
    });
  });

  describe.each(file.vectors.filter((vector) => vector.signedBy !== undefined))('signed vector $name', (vector) => {
    it.each(backends)('encodePass with $name reproduces its bytes and QR text exactly', ({ signer }) => {
      const key = keyNamed(file, vector.signedBy!);
      const encoded = encodePass(vector.fields!, signer(hexToBytes(key.seedHex, 32)));
      expect(bytesToHex(encoded.bytes)).toBe(vector.bytesHex);
      expect(encoded.qrText).toBe(vector.qrText);
    });
  });

  it.each(file.vectors.filter((vector) => vector.fields !== undefined))(
    'decodePass($name) returns the listed fields and bytes',
    (vector) => {
      const decoded = decodePass(vector.qrText);
      expect(decoded.fields).toEqual(vector.fields);
      expect(bytesToHex(decoded.bytes)).toBe(vector.bytesHex);
      expect(vector.campusDate).toBe(campusDayToIsoDate(vector.fields!.campusDay));
      expect(vector.qrText.startsWith(QR_PREFIX)).toBe(true);
      expect(vector.qrText.length).toBeLessThanOrEqual(170);
    },
  );

  it.each(file.vectors.filter((vector) => vector.fields === undefined))('decodePass($name) fails with the expected reason', (vector) => {
    expect(vector.expected.verdict).toBe('invalid');
    const reason = vector.expected.verdict === 'invalid' ? vector.expected.reason : undefined;
    expect(outcomeOf(() => decodePass(vector.qrText))).toBe(reason);
  });
});
