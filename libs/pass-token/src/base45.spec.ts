import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { outcomeOf } from '../test/support.js';
import { BASE45_ALPHABET, decodeBase45, encodeBase45 } from './base45.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('base45 (RFC 9285)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ])('encodes and decodes the RFC example %j ↔ %j', (plain, encoded) => {
    expect(encodeBase45(utf8(plain))).toBe(encoded);
    expect(decodeBase45(encoded)).toEqual(utf8(plain));
  });

  it('handles the empty input and the extremes of a pair and a single byte', () => {
    expect(encodeBase45(new Uint8Array(0))).toBe('');
    expect(decodeBase45('')).toEqual(new Uint8Array(0));
    expect(encodeBase45(Uint8Array.of(0xff, 0xff))).toBe('FGW');
    expect(decodeBase45('FGW')).toEqual(Uint8Array.of(0xff, 0xff));
    expect(encodeBase45(Uint8Array.of(0xff))).toBe('U5');
    expect(decodeBase45('U5')).toEqual(Uint8Array.of(0xff));
  });

  it.each([
    ['GGW', 'a triple above 65535 (the RFC example)'],
    [':::', 'the largest triple, 91124'],
    ['V5', 'a trailing pair of 256'],
    ['::', 'the largest pair, 2024'],
    ['A', 'a single character'],
    ['BB8A', 'length 1 mod 3'],
    ['bb8', 'lowercase letters'],
    ['BB=', 'a character outside the alphabet'],
    ['BB\u00e9', 'a non-ASCII character'],
    ['BB\u0000', 'a NUL character'],
  ])('rejects %j (%s) with bad-base45', (text) => {
    expect(outcomeOf(() => decodeBase45(text))).toBe('bad-base45');
  });

  it('round-trips arbitrary bytes, and the text stays inside the alphabet', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase45(bytes);
        expect([...text].every((character) => BASE45_ALPHABET.includes(character))).toBe(true);
        expect(text.length).toBe(Math.floor(bytes.length / 2) * 3 + (bytes.length % 2) * 2);
        expect(decodeBase45(text)).toEqual(bytes);
      }),
    );
  });

  it('decodes any alphabet string either to bytes that re-encode to the same text, or refuses it', () => {
    // Canonical: no two texts decode to the same bytes, so a QR string cannot be re-spelled.
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...BASE45_ALPHABET), maxLength: 60 }), (text) => {
        const outcome = outcomeOf(() => decodeBase45(text));
        if (outcome === 'accepted') {
          expect(encodeBase45(decodeBase45(text))).toBe(text);
        } else {
          expect(outcome).toBe('bad-base45');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses arbitrary strings only with bad-base45', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(['accepted', 'bad-base45']).toContain(outcomeOf(() => decodeBase45(text)));
      }),
    );
  });
});
