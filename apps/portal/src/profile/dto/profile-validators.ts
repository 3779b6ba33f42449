import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { hongKongToday } from '../../alumni/graduate-names.js';

/** `YYYY-MM`, months 01-12. */
export const YEAR_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

// C0/C1 controls, line/paragraph separators, bidirectional overrides, isolates and marks, and invisible characters
// (zero-width space, word joiner, byte-order mark, soft hyphen): what can make text display as something else, or
// two different texts look the same. Zero-width joiner and non-joiner stay: emoji and several scripts need them.
// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;
// The same, but line breaks (and tabs) are fine in a longer text.
const CONTROL_CHARACTERS_BUT_LINES =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

/** Plain text on one line (what IsPlainLine accepts), for checks outside a DTO: a command's argument. */
export function isPlainLineText(value: string): boolean {
  return !CONTROL_CHARACTERS.test(value);
}

/** Plain text that may span lines (what IsPlainText accepts), for checks outside a DTO. */
export function isPlainMultilineText(value: string): boolean {
  return !CONTROL_CHARACTERS_BUT_LINES.test(value);
}

/** This month and year in Hong Kong, the university's "now", whatever the server's zone. */
export function currentYearMonth(now: Date = new Date()): string {
  return hongKongToday(now).slice(0, 7);
}

export function currentYear(now: Date = new Date()): number {
  return Number(hongKongToday(now).slice(0, 4));
}

/** Spaces around a typed value are not part of it. */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Trimmed; an empty or blank text means "none" (null). */
export const TrimToNull = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  });

/** Each string of an array trimmed (other values left for the validators to refuse). */
export const TrimEach = () =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item.trim() : item)) : value,
  );

function decorator(
  name: string,
  validate: (value: unknown, args: ValidationArguments) => boolean,
  message: string,
  options?: ValidationOptions,
  constraints: unknown[] = [],
) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name,
      target: object.constructor,
      propertyName,
      constraints,
      options: { message, ...options },
      validator: { validate },
    });
}

/** Plain text on one line: letters of any script, digits, punctuation; no control characters. */
export const IsPlainLine = (options?: ValidationOptions) =>
  decorator(
    'isPlainLine',
    (value) => typeof value === 'string' && isPlainLineText(value),
    '$property must be text on one line, without control characters',
    options,
  );

/** Plain text that may span lines. */
export const IsPlainText = (options?: ValidationOptions) =>
  decorator(
    'isPlainText',
    (value) => typeof value === 'string' && isPlainMultilineText(value),
    '$property must be text without control characters',
    options,
  );

/** A `YYYY-MM` not after this month (Hong Kong). Checks only values that already have the shape. */
export const IsNotFutureMonth = (options?: ValidationOptions) =>
  decorator(
    'isNotFutureMonth',
    (value) => typeof value !== 'string' || !YEAR_MONTH.test(value) || value <= currentYearMonth(),
    '$property must not be in the future',
    options,
  );

/** A year not after this one (Hong Kong). */
export const IsNotFutureYear = (options?: ValidationOptions) =>
  decorator(
    'isNotFutureYear',
    (value) => typeof value !== 'number' || value <= currentYear(),
    '$property must not be in the future',
    options,
  );

/** Not before the value of another property (when both are there and comparable). */
export const IsNotBefore = (property: string, options?: ValidationOptions) =>
  decorator(
    'isNotBefore',
    (value, args) => {
      const other = (args.object as Record<string, unknown>)[args.constraints[0] as string];
      if (typeof value === 'string' && typeof other === 'string') return value >= other;
      if (typeof value === 'number' && typeof other === 'number') return value >= other;
      return true;
    },
    `$property must not be before ${property}`,
    options,
    [property],
  );

/** On `current`: a current job has no `to`; a past one needs it. */
export const MatchesEndMonth = (options?: ValidationOptions) => (object: object, propertyName: string) =>
  registerDecorator({
    name: 'matchesEndMonth',
    target: object.constructor,
    propertyName,
    options: {
      message: (args: ValidationArguments) =>
        args.value === true ? 'to must be left out (or null) for your current job' : 'to is required unless this is your current job',
      ...options,
    },
    validator: {
      validate: (value: unknown, args: ValidationArguments) => {
        const to = (args.object as Record<string, unknown>).to;
        if (value === true) return to == null;
        if (value === false) return to != null;
        return true;
      },
    },
  });
