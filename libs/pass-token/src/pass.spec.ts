import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { passFields } from '../test/arbitraries.js';
import { outcomeOf } from '../test/support.js';
import { decodeBase45, encodeBase45 } from './base45.js';
import { isPassTokenError, PassTokenError } from './errors.js';
import { KeySet } from './key-set.js';
import { kidOf } from './kid.js';
import { QR_PREFIX, TOTAL_LENGTH } from './layout.js';
import { createNodeSigner, createNodeVerifier } from './node.js';
import { decodePass, encodePass, scopeIncludesZone, verifyPass } from './pass.js';
import type { AlumniDayPassFields, GuestPassFields, PassFields } from './pass-fields.js';
import type { PassSigner, SignatureVerifier } from './signature.js';
import { createTweetnaclVerifier } from './tweetnacl.js';

const signer = createNodeSigner(new Uint8Array(32).fill(0x11));
const otherSigner = createNodeSigner(new Uint8Array(32).fill(0x22));
const nodeVerifier = createNodeVerifier();
const trusted = new KeySet([{ publicKey: signer.publicKey }]);

const alumni: AlumniDayPassFields = {
  kind: 'alumni-day',
  passId: '00112233445566778899aabbccddeeff',
  campusDay: 20_332,
  scope: 0,
  flags: { singleEntry: false },
  ecardId: 1_234_567,
};
const guest: GuestPassFields = {
  kind: 'guest',
  passId: 'ffeeddccbbaa99887766554433221100',
  campusDay: 20_332,
  scope: 0x0003,
  flags: { singleEntry: true },
  hostEcardId: 1_234_567,
  guestIndex: 3,
};

describe('encodePass', () => {
  it.each([alumni, guest])('writes a $kind pass of the documented length, under 170 characters of QR text', (fields) => {
    const { bytes, qrText } = encodePass(fields, signer);
    expect(bytes).toHaveLength(TOTAL_LENGTH[fields.kind]);
    expect(qrText.startsWith(QR_PREFIX)).toBe(true);
    expect(qrText.length).toBeLessThanOrEqual(170);
    expect(qrText).toMatch(/^[0-9A-Z $%*+\-./:]+$/); // QR alphanumeric mode only
    expect(decodeBase45(qrText.slice(QR_PREFIX.length))).toEqual(bytes);
  });

  it('never exceeds 170 characters for any valid fields', () => {
    fc.assert(
      fc.property(passFields, (fields) => {
        expect(encodePass(fields, signer).qrText.length).toBeLessThanOrEqual(170);
      }),
      { numRuns: 200 },
    );
  });

  it('puts the signer kid in the record', () => {
    const decoded = decodePass(encodePass(alumni, otherSigner).qrText);
    expect(decoded.kid).toEqual(kidOf(otherSigner.publicKey));
  });

  it.each<[string, PassFields]>([
    ['passId', { ...alumni, passId: '0011' }],
    ['passId', { ...alumni, passId: alumni.passId.toUpperCase() }],
    ['passId', { ...alumni, passId: 'g'.repeat(32) }],
    ['campusDay', { ...alumni, campusDay: -1 }],
    ['campusDay', { ...alumni, campusDay: 65_536 }],
    ['campusDay', { ...alumni, campusDay: 20_332.5 }],
    ['scope', { ...alumni, scope: 0x1_0000 }],
    ['scope', { ...alumni, scope: -1 }],
    ['ecardId', { ...alumni, ecardId: 0 }],
    ['ecardId', { ...alumni, ecardId: 2 ** 32 }],
    ['ecardId', { ...alumni, ecardId: Number.NaN }],
    ['hostEcardId', { ...guest, hostEcardId: 0 }],
    ['guestIndex', { ...guest, guestIndex: 0 }],
    ['guestIndex', { ...guest, guestIndex: 256 }],
    ['flags', { ...alumni, flags: undefined as unknown as AlumniDayPassFields['flags'] }],
    ['flags', { ...alumni, flags: { singleEntry: 1 as unknown as boolean } }],
    ['kind', { ...alumni, kind: 'staff' as unknown as 'alumni-day' }],
    ['ecardId', { ...guest, kind: 'alumni-day' } as unknown as PassFields],
  ])('refuses a bad %s with bad-field naming it (%j)', (field, fields) => {
    let thrown: unknown;
    try {
      encodePass(fields, signer);
    } catch (error) {
      thrown = error;
    }
    expect(isPassTokenError(thrown) && thrown.reason).toBe('bad-field');
    expect(isPassTokenError(thrown) && thrown.message).toContain(field);
  });

  it('refuses a signer with a malformed public key or signature', () => {
    const badKey: PassSigner = { publicKey: new Uint8Array(31), sign: signer.sign };
    const badSignature: PassSigner = { publicKey: signer.publicKey, sign: () => new Uint8Array(63) };
    expect(outcomeOf(() => encodePass(alumni, badKey))).toBe('bad-key');
    expect(outcomeOf(() => encodePass(alumni, badSignature))).toBe('bad-signature');
  });
});

describe('decodePass', () => {
  it('round-trips arbitrary valid fields, without needing any key', () => {
    fc.assert(
      fc.property(passFields, (fields) => {
        const decoded = decodePass(encodePass(fields, signer).qrText);
        expect(decoded.fields).toEqual(fields);
        expect(decoded.version).toBe(1);
        expect(decoded.signedBytes.length + decoded.signature.length).toBe(decoded.bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a pass signed by an unknown key (it does not verify)', () => {
    expect(decodePass(encodePass(guest, otherSigner).qrText).fields).toEqual(guest);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['an object', {}],
    ['an array', ['CP1:']],
    ['a symbol', Symbol('qr')],
    ['a bigint', 10n],
    ['the raw bytes', new Uint8Array(99)],
  ])('refuses %s with not-a-string', (_label, input) => {
    expect(outcomeOf(() => decodePass(input))).toBe('not-a-string');
  });

  it('refuses text over the limit before decoding, even with a valid pass in front', () => {
    const { qrText } = encodePass(alumni, signer);
    expect(outcomeOf(() => decodePass(qrText + '0'.repeat(200)))).toBe('too-long');
    expect(outcomeOf(() => decodePass('x'.repeat(10_000_000)))).toBe('too-long');
  });

  it('does not trim or case-fold: scanners must deliver the exact text', () => {
    const { qrText } = encodePass(alumni, signer);
    expect(outcomeOf(() => decodePass(`${qrText}\r\n`))).toBe('bad-base45');
    expect(outcomeOf(() => decodePass(` ${qrText}`))).toBe('bad-prefix');
    expect(outcomeOf(() => decodePass(qrText.toLowerCase()))).toBe('bad-prefix');
  });
});

describe('verifyPass', () => {
  it.each([
    ['node:crypto', nodeVerifier],
    ['tweetnacl', createTweetnaclVerifier()],
  ])('accepts a genuine pass with %s and names the key', (_name, verifier) => {
    const verified = verifyPass(encodePass(guest, signer).qrText, trusted, verifier);
    expect(verified.fields).toEqual(guest);
    expect(verified.key.publicKey).toEqual(signer.publicKey);
  });

  it('refuses a pass from a key outside the set with unknown-kid', () => {
    expect(outcomeOf(() => verifyPass(encodePass(alumni, otherSigner).qrText, trusted, nodeVerifier))).toBe('unknown-kid');
  });

  it('refuses a changed field with bad-signature', () => {
    const { bytes } = encodePass(alumni, signer);
    const tampered = bytes.slice();
    tampered[34] ^= 0x01; // lowest byte of the eCard id
    expect(outcomeOf(() => verifyPass(QR_PREFIX + encodeBase45(tampered), trusted, nodeVerifier))).toBe('bad-signature');
  });

  it('checks the key window against the pass campus day, inclusively', () => {
    const windowed = new KeySet([{ publicKey: signer.publicKey, notBeforeDay: 100, notAfterDay: 200 }]);
    const verdict = (campusDay: number) =>
      outcomeOf(() => verifyPass(encodePass({ ...alumni, campusDay }, signer).qrText, windowed, nodeVerifier));
    expect([99, 100, 200, 201].map(verdict)).toEqual(['key-not-valid', 'accepted', 'accepted', 'key-not-valid']);
  });

  it('tries every key sharing the kid: a later entry with a covering window wins', () => {
    const keySet = new KeySet([
      { publicKey: signer.publicKey, notAfterDay: 100, label: 'first window' },
      { publicKey: signer.publicKey, notBeforeDay: 101, label: 'second window' },
    ]);
    expect(verifyPass(encodePass({ ...alumni, campusDay: 150 }, signer).qrText, keySet, nodeVerifier).key.label).toBe('second window');
    expect(verifyPass(encodePass({ ...alumni, campusDay: 50 }, signer).qrText, keySet, nodeVerifier).key.label).toBe('first window');
  });

  it('asks the verifier about every candidate until one verifies', () => {
    const asked: string[] = [];
    const keySet = new KeySet([
      { publicKey: signer.publicKey, label: 'a' },
      { publicKey: signer.publicKey, label: 'b' },
    ]);
    // Rejects the first call: stands in for a kid collision where the first key is not the signer.
    const verifier: SignatureVerifier = {
      verify: (message, signature, publicKey) => {
        asked.push('call');
        return asked.length > 1 && nodeVerifier.verify(message, signature, publicKey);
      },
    };
    expect(verifyPass(encodePass(alumni, signer).qrText, keySet, verifier).key.label).toBe('b');
    expect(asked).toHaveLength(2);
  });

  it('refuses a non-canonical signature (S + L) even with a verifier that would accept it', () => {
    // Raw tweetnacl accepts S + L; the check in verifyPass must not depend on the backend.
    const permissive: SignatureVerifier = {
      verify: (message, signature, publicKey) => nacl.sign.detached.verify(message, signature, publicKey),
    };
    const { bytes } = encodePass(alumni, signer);
    const malleated = bytes.slice();
    let carry = 0;
    const groupOrder = [
      0xed,
      0xd3,
      0xf5,
      0x5c,
      0x1a,
      0x63,
      0x12,
      0x58,
      0xd6,
      0x9c,
      0xf7,
      0xa2,
      0xde,
      0xf9,
      0xde,
      0x14,
      ...new Array<number>(15).fill(0),
      0x10,
    ];
    for (let index = 0; index < 32; index++) {
      const sum = malleated[bytes.length - 32 + index]! + groupOrder[index]! + carry;
      malleated[bytes.length - 32 + index] = sum & 0xff;
      carry = sum >> 8;
    }
    expect(permissive.verify(malleated.subarray(0, 35), malleated.subarray(35), signer.publicKey)).toBe(true);
    expect(outcomeOf(() => verifyPass(QR_PREFIX + encodeBase45(malleated), trusted, permissive))).toBe('bad-signature');
  });

  it('fails closed with bad-signature when a verifier throws', () => {
    const throwing: SignatureVerifier = {
      verify: () => {
        throw new TypeError('backend exploded');
      },
    };
    expect(outcomeOf(() => verifyPass(encodePass(alumni, signer).qrText, trusted, throwing))).toBe('bad-signature');
  });

  it('reports a bug as internal-error rather than letting another exception escape', () => {
    const brokenKeySet = { candidates: () => null } as unknown as KeySet;
    expect(outcomeOf(() => verifyPass(encodePass(alumni, signer).qrText, brokenKeySet, nodeVerifier))).toBe('internal-error');
  });
});

describe('scopeIncludesZone', () => {
  it('opens every zone for scope 0 and only the masked zones otherwise', () => {
    expect([0, 7, 15].every((zone) => scopeIncludesZone(0, zone))).toBe(true);
    expect([0, 1, 2, 3].map((zone) => scopeIncludesZone(0b0101, zone))).toEqual([true, false, true, false]);
    expect(scopeIncludesZone(0x8000, 15)).toBe(true);
    expect(scopeIncludesZone(0x8000, 14)).toBe(false);
  });

  it('refuses zones outside 0..15', () => {
    expect(outcomeOf(() => scopeIncludesZone(0, 16))).toBe('bad-field');
    expect(outcomeOf(() => scopeIncludesZone(0, -1))).toBe('bad-field');
  });
});

describe('PassTokenError', () => {
  it('carries the reason in the message and is recognised by the guard', () => {
    const error = new PassTokenError('bad-prefix', 'QR text must start with CP1:');
    expect(error.message).toBe('bad-prefix: QR text must start with CP1:');
    expect(error).toBeInstanceOf(Error);
    expect(isPassTokenError(error)).toBe(true);
    expect(isPassTokenError(new Error('bad-prefix'))).toBe(false);
    expect(isPassTokenError({ name: 'PassTokenError', reason: 'made-up' })).toBe(false);
    expect(isPassTokenError(null)).toBe(false);
  });
});
