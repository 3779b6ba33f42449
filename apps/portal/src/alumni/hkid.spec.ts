import { hkidCheckDigit, isValidHkid, normaliseHkid } from './hkid.js';

// Each check digit below was computed by hand from the weights (9..2, space = 36, A = 10), e.g.
// A123456: 36·9 + 10·8 + 1·7 + 2·6 + 3·5 + 4·4 + 5·3 + 6·2 = 481; 481 mod 11 = 8; 11 − 8 = 3.
const VALID = [
  'A123456(3)', // sum 481, remainder 8 → 3
  'AB987654(3)', // two letters: 10·9 + 11·8 + … = 371, remainder 8 → 3
  'G123456(A)', // sum 529, remainder 1 → 10 → A
  'K000000(0)', // sum 484, remainder 0 → 0
  'C668668(9)', // sum 596, remainder 2 → 9
  'XA000000(8)', // 33·9 + 10·8 = 377, remainder 3 → 8
];

describe('hkidCheckDigit', () => {
  it.each([
    ['A', '123456', '3'],
    ['AB', '987654', '3'],
    ['G', '123456', 'A'],
    ['K', '000000', '0'],
    ['C', '668668', '9'],
    ['XA', '000000', '8'],
  ])('%s%s → %s', (letters, digits, expected) => {
    expect(hkidCheckDigit(letters, digits)).toBe(expected);
  });

  it('refuses a prefix that is not one or two letters and six digits', () => {
    expect(() => hkidCheckDigit('ABC', '123456')).toThrow(RangeError);
    expect(() => hkidCheckDigit('A', '12345')).toThrow(RangeError);
  });
});

describe('isValidHkid', () => {
  it.each(VALID)('accepts %s', (value) => {
    expect(isValidHkid(value)).toBe(true);
  });

  it('accepts every spelling: without parentheses, with spaces, lower case, full-width', () => {
    for (const value of ['A1234563', 'a123456(3)', ' A 123456 (3) ', 'ab987654(3)', 'AB 987654 3', 'Ａ１２３４５６（３）']) {
      expect(isValidHkid(value)).toBe(true);
    }
  });

  it.each(['A123456(4)', 'AB987654(2)', 'G123456(0)', 'K000000(A)'])('refuses a wrong check digit: %s', (value) => {
    expect(isValidHkid(value)).toBe(false);
  });

  it.each([
    '',
    '123456(3)',
    'ABC123456(3)',
    'A12345(3)',
    'A1234567(3)',
    'A123456(B)',
    'A123456((3))',
    'A123456(3',
    'A-123456(3)',
    '1A23456(3)',
  ])('refuses something that is not an HKID number: %j', (value) => {
    expect(isValidHkid(value)).toBe(false);
  });
});

describe('normaliseHkid', () => {
  it('gives one canonical form for every spelling, so hashes match', () => {
    expect(normaliseHkid('a123456(3)')).toBe('A1234563');
    expect(normaliseHkid(' A 123456 (3)')).toBe('A1234563');
    expect(normaliseHkid('A1234563')).toBe('A1234563');
    expect(normaliseHkid('ab987654(3)')).toBe('AB9876543');
    expect(normaliseHkid('g123456(a)')).toBe('G123456A');
  });

  it('returns null for what is not shaped like an HKID number (check digit not verified here)', () => {
    expect(normaliseHkid('A12345')).toBeNull();
    expect(normaliseHkid('hello')).toBeNull();
    expect(normaliseHkid('A123456(4)')).toBe('A1234564');
  });
});
