import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { outcomeOf } from '../test/support.js';
import { bytesToHex, hexToBytes } from './hex.js';
import { keyCoversDay, KeySet } from './key-set.js';
import { kidOf } from './kid.js';

const keyOf = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);

describe('kidOf', () => {
  it('is the first 8 bytes of SHA-256 of the public key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (publicKey) => {
        const reference = createHash('sha256').update(publicKey).digest().subarray(0, 8);
        expect(bytesToHex(kidOf(publicKey))).toBe(reference.toString('hex'));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses anything but 32 bytes', () => {
    expect(outcomeOf(() => kidOf(new Uint8Array(31)))).toBe('bad-key');
    expect(outcomeOf(() => kidOf(new Uint8Array(33)))).toBe('bad-key');
    expect(outcomeOf(() => kidOf('00'.repeat(32) as unknown as Uint8Array))).toBe('bad-key');
  });
});

describe('hex helpers', () => {
  it('round-trip bytes, writing lowercase and reading either case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const hex = bytesToHex(bytes);
        expect(hex).toMatch(/^[0-9a-f]*$/);
        expect(hexToBytes(hex)).toEqual(bytes);
        expect(hexToBytes(hex.toUpperCase())).toEqual(bytes);
      }),
    );
  });

  it.each(['0', 'zz', '0g', ' 00', '00 ', '0x00'])('refuses %j', (hex) => {
    expect(outcomeOf(() => hexToBytes(hex))).toBe('bad-key');
  });

  it('refuses hex of the wrong length when a length is expected', () => {
    expect(outcomeOf(() => hexToBytes('00'.repeat(31), 32))).toBe('bad-key');
    expect(hexToBytes('00'.repeat(32), 32)).toHaveLength(32);
  });
});

describe('KeySet', () => {
  it('returns every key that shares a kid, and nothing for an unknown kid', () => {
    const first = { publicKey: keyOf(1), notAfterDay: 100, label: 'old window' };
    const republished = { publicKey: keyOf(1), notAfterDay: 200, label: 'extended window' };
    const other = { publicKey: keyOf(2) };
    const keySet = new KeySet([first, other, republished]);

    expect(keySet.size).toBe(3);
    expect(keySet.candidates(kidOf(keyOf(1))).map((key) => key.label)).toEqual(['old window', 'extended window']);
    expect(keySet.candidates(kidOf(keyOf(2)))).toHaveLength(1);
    expect(keySet.candidates(kidOf(keyOf(3)))).toEqual([]);
    expect(keySet.candidates(new Uint8Array(3))).toEqual([]);
  });

  it('keeps its own copy of each public key', () => {
    const publicKey = keyOf(7);
    const keySet = new KeySet([{ publicKey }]);
    publicKey.fill(0);
    expect(keySet.candidates(kidOf(keyOf(7)))[0]?.publicKey).toEqual(keyOf(7));
  });

  it('refuses malformed keys and windows', () => {
    expect(outcomeOf(() => new KeySet([{ publicKey: new Uint8Array(31) }]))).toBe('bad-key');
    expect(outcomeOf(() => new KeySet([{ publicKey: keyOf(1), notBeforeDay: -1 }]))).toBe('bad-key');
    expect(outcomeOf(() => new KeySet([{ publicKey: keyOf(1), notAfterDay: 1.5 }]))).toBe('bad-key');
    expect(outcomeOf(() => new KeySet([{ publicKey: keyOf(1), notBeforeDay: 10, notAfterDay: 9 }]))).toBe('bad-key');
  });

  it('treats windows as inclusive and open where absent', () => {
    const key = { publicKey: keyOf(1), notBeforeDay: 10, notAfterDay: 20 };
    expect([9, 10, 20, 21].map((day) => keyCoversDay(key, day))).toEqual([false, true, true, false]);
    expect(keyCoversDay({ publicKey: keyOf(1) }, 0)).toBe(true);
    expect(keyCoversDay({ publicKey: keyOf(1), notBeforeDay: 10 }, 65_535)).toBe(true);
    expect(keyCoversDay({ publicKey: keyOf(1), notAfterDay: 10 }, 0)).toBe(true);
  });
});
