/**
 * Hong Kong Identity Card numbers: one or two letters, six digits and a check digit (0-9 or A), written
 * `A123456(3)` or `AB987654(3)`. The check digit makes the weighted sum of all eight positions divisible
 * by 11: letters count A=10 … Z=35, a missing first letter counts as a space (36), weights are 9 down to 1.
 */
const SHAPE = /^([A-Z]{1,2})([0-9]{6})([0-9A])$/;

/**
 * The canonical form of an HKID number (upper case, no spaces or parentheses: `A1234563`), or null when
 * the text does not have the shape of one. Accepts `a123456(3)`, `A 123456 (3)`, `A1234563`. The check
 * digit is not verified here (see isValidHkid).
 */
export function normaliseHkid(value: string): string | null {
  const compact = value.normalize('NFKC').replace(/[\s]/gu, '').toUpperCase();
  // Parentheses only around the check digit, as printed on the card.
  const match = /^([A-Z]{1,2}[0-9]{6})(?:\(([0-9A])\)|([0-9A]))$/.exec(compact);
  if (!match) return null;
  return `${match[1]}${match[2] ?? match[3]}`;
}

/** The check digit (`0`-`9` or `A`) for a prefix of one or two letters and six digits, e.g. ('A', '123456') → '3'. */
export function hkidCheckDigit(letters: string, digits: string): string {
  if (!/^[A-Z]{1,2}$/.test(letters) || !/^[0-9]{6}$/.test(digits))
    throw new RangeError('an HKID prefix is one or two letters A-Z and six digits');
  const padded = letters.length === 1 ? ` ${letters}` : letters;
  const letterValue = (char: string) => (char === ' ' ? 36 : char.charCodeAt(0) - 55);
  let sum = letterValue(padded[0]) * 9 + letterValue(padded[1]) * 8;
  for (let index = 0; index < 6; index++) sum += Number(digits[index]) * (7 - index);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? 'A' : String(check);
}

/** True when the text is an HKID number (any accepted spelling, see normaliseHkid) with a correct check digit. */
export function isValidHkid(value: string): boolean {
  const normalised = normaliseHkid(value);
  if (!normalised) return false;
  const [, letters, digits, check] = SHAPE.exec(normalised)!;
  return hkidCheckDigit(letters, digits) === check;
}
