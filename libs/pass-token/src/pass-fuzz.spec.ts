// Hostile input: whatever a camera or a serial scanner delivers, decodePass and verifyPass either
// accept a genuine pass or throw PassTokenError with a structural or signature reason. Never
// anything else, never a forged acceptance.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { passFields } from '../test/arbitraries.js';
import { outcomeOf } from '../test/support.js';
import { BASE45_ALPHABET, encodeBase45 } from './base45.js';
import type { PassTokenErrorReason } from './errors.js';
import { KeySet } from './key-set.js';
import { MAX_QR_TEXT_LENGTH, OFFSET, QR_PREFIX } from './layout.js';
import { createNodeSigner, createNodeVerifier } from './node.js';
import { decodePass, encodePass, verifyPass } from './pass.js';
import type { PassFields } from './pass-fields.js';
import { createTweetnaclVerifier } from './tweetnacl.js';

const signer = createNodeSigner(new Uint8Array(32).fill(0x5a));
const keySet = new KeySet([{ publicKey: signer.publicKey }]);
const nodeVerifier = createNodeVerifier();
const naclVerifier = createTweetnaclVerifier();

const DECODE_REASONS: readonly PassTokenErrorReason[] = [
  'not-a-string',
  'too-long',
  'bad-prefix',
  'bad-base45',
  'bad-length',
  'unknown-version',
  'unknown-kind',
  'bad-flags',
  'bad-field',
];
const VERIFY_REASONS: readonly PassTokenErrorReason[] = [...DECODE_REASONS, 'unknown-kid', 'bad-signature', 'key-not-valid'];

const verdict = (qrText: unknown, verifier = nodeVerifier) => outcomeOf(() => verifyPass(qrText, keySet, verifier));
const toQr = (bytes: Uint8Array) => QR_PREFIX + encodeBase45(bytes);
const base45Text = (maxLength: number) => fc.string({ unit: fc.constantFrom(...BASE45_ALPHABET), maxLength });

describe('decodePass and verifyPass on hostile input', () => {
  it('refuse arbitrary strings with a decode reason', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        expect(DECODE_REASONS).toContain(outcomeOf(() => decodePass(text)));
        expect(DECODE_REASONS).toContain(verdict(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuse arbitrary values of any type with a decode reason', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withTypedArray: true, withMap: true, withSet: true, withDate: true }), (value) => {
        expect(DECODE_REASONS).toContain(outcomeOf(() => decodePass(value)));
        expect(DECODE_REASONS).toContain(verdict(value));
      }),
      { numRuns: 300 },
    );
  });

  it('never accept base45 text behind the prefix or without it, whatever it decodes to', () => {
    fc.assert(
      fc.property(base45Text(170), fc.boolean(), (body, withPrefix) => {
        const text = withPrefix ? QR_PREFIX + body : body;
        expect(VERIFY_REASONS).toContain(verdict(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('never accept random bytes with a valid header, the trusted kid and a plausible length', () => {
    // Gets past the structural checks far more often than random text, so the signature check is exercised.
    const kid = decodePass(encodePass(anyAlumni(), signer).qrText).kid;
    fc.assert(
      fc.property(fc.constantFrom(99, 100), fc.uint8Array({ minLength: 100, maxLength: 100 }), (length, noise) => {
        const bytes = noise.slice(0, length);
        bytes[OFFSET.version] = 1;
        bytes[OFFSET.kind] = length === 99 ? 1 : 2;
        bytes.set(kid, OFFSET.kid);
        bytes[OFFSET.flags] = bytes[OFFSET.flags]! & 0x01;
        expect(VERIFY_REASONS).toContain(verdict(toQr(bytes)));
      }),
      { numRuns: 500 },
    );
  });

  it('refuse oversize input with too-long, before looking at it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: MAX_QR_TEXT_LENGTH + 1, maxLength: 5000 }), (text) => {
        expect(verdict(text)).toBe('too-long');
        expect(verdict(QR_PREFIX + text)).toBe('too-long');
      }),
      { numRuns: 100 },
    );
    expect(verdict(`${QR_PREFIX}${'0'.repeat(MAX_QR_TEXT_LENGTH - QR_PREFIX.length)}`)).not.toBe('too-long');
  });
});

describe('a genuine pass, damaged', () => {
  it('is refused at every truncation of its bytes', () => {
    fc.assert(
      fc.property(passFields, (fields) => {
        const { bytes } = encodePass(fields, signer);
        for (let length = 0; length < bytes.length; length++) {
          expect(verdict(toQr(bytes.subarray(0, length)))).toBe('bad-length');
        }
      }),
      { numRuns: 30 },
    );
  });

  it('is refused at every truncation of its QR text', () => {
    fc.assert(
      fc.property(passFields, (fields) => {
        const { qrText } = encodePass(fields, signer);
        for (let length = 0; length < qrText.length; length++) {
          const outcome = verdict(qrText.slice(0, length));
          expect(['bad-prefix', 'bad-base45', 'bad-length']).toContain(outcome);
        }
      }),
      { numRuns: 30 },
    );
  });

  it.each<[string, PassFields]>([
    ['alumni day pass', anyAlumni()],
    [
      'guest pass',
      { kind: 'guest', passId: '0f'.repeat(16), campusDay: 20_400, scope: 6, flags: { singleEntry: true }, hostEcardId: 77, guestIndex: 2 },
    ],
  ])('%s: every single-bit flip is refused by node:crypto with a structural or signature reason', (_label, fields) => {
    const { bytes, qrText } = encodePass(fields, signer);
    expect(verdict(qrText)).toBe('accepted');
    const seen = new Set<string>();
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = bytes.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const outcome = verdict(toQr(flipped));
      expect(VERIFY_REASONS).toContain(outcome);
      seen.add(outcome);
    }
    // Sanity: the flips reached both the structural checks and the signature check.
    expect([...seen].sort()).toEqual(expect.arrayContaining(['bad-flags', 'bad-signature', 'unknown-kid', 'unknown-version']));
  });

  it('tweetnacl gives the same verdict as node:crypto on a sample of bit flips', () => {
    // tweetnacl verifies ~100/s, so a sample rather than all 800 flips.
    const { bytes } = encodePass(anyAlumni(), signer);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), (bit) => {
        const flipped = bytes.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        const outcome = verdict(toQr(flipped), naclVerifier);
        expect(VERIFY_REASONS).toContain(outcome);
        expect(outcome).toBe(verdict(toQr(flipped), nodeVerifier));
      }),
      { numRuns: 25 },
    );
  });
});

describe('round trip', () => {
  it('verifies arbitrary valid fields with both verifiers and returns them unchanged', () => {
    fc.assert(
      fc.property(passFields, (fields) => {
        const { qrText } = encodePass(fields, signer);
        expect(verifyPass(qrText, keySet, nodeVerifier).fields).toEqual(fields);
        expect(verifyPass(qrText, keySet, naclVerifier).fields).toEqual(fields);
      }),
      { numRuns: 20 },
    );
  });
});

function anyAlumni(): PassFields {
  return { kind: 'alumni-day', passId: 'a5'.repeat(16), campusDay: 20_332, scope: 0, flags: { singleEntry: false }, ecardId: 9_876_543 };
}
