import type { CampusDay } from './campus-day.js';
import { describeValue, PassTokenError } from './errors.js';
import { MAX_CAMPUS_DAY, MAX_ECARD_ID, MAX_GUEST_INDEX, MAX_SCOPE } from './layout.js';

/** Pass kinds of format version 1. */
export type PassKind = 'alumni-day' | 'guest';

/** Flag bits, by name. */
export interface PassFlags {
  /** The gate admits this pass for one confirmed passage only (e.g. a single-use guest pass). */
  readonly singleEntry: boolean;
}

interface CommonPassFields {
  /** 128-bit random pass id as 32 lowercase hex characters. */
  readonly passId: string;
  /** The one Hong Kong calendar day the pass is valid for (days since 1970-01-01), 0..65535. */
  readonly campusDay: CampusDay;
  /** Gate zones the pass opens: bit n = zone n (0..15); 0 means every gate. */
  readonly scope: number;
  readonly flags: PassFlags;
}

/** An alumnus's own one-day pass. */
export interface AlumniDayPassFields extends CommonPassFields {
  readonly kind: 'alumni-day';
  /** The holder's eCard id, 1..4294967295. */
  readonly ecardId: number;
}

/** A one-day pass for a guest named by an alumnus. */
export interface GuestPassFields extends CommonPassFields {
  readonly kind: 'guest';
  /** The inviting alumnus's eCard id, 1..4294967295. */
  readonly hostEcardId: number;
  /** Which of the host's guests for that day, 1..255. */
  readonly guestIndex: number;
}

/** The signed content of a pass, without key id and signature. */
export type PassFields = AlumniDayPassFields | GuestPassFields;

const PASS_ID_PATTERN = /^[0-9a-f]{32}$/;

/** Throws PassTokenError('bad-field') naming the first field outside its documented range. */
export function assertValidFields(fields: PassFields): void {
  if (typeof fields !== 'object' || fields === null) {
    throw new PassTokenError('bad-field', 'pass fields must be an object');
  }
  if (typeof fields.passId !== 'string' || !PASS_ID_PATTERN.test(fields.passId)) {
    throw new PassTokenError('bad-field', 'passId must be 32 lowercase hex characters (16 random bytes)');
  }
  assertInteger('campusDay', fields.campusDay, 0, MAX_CAMPUS_DAY);
  assertInteger('scope', fields.scope, 0, MAX_SCOPE);
  if (typeof fields.flags !== 'object' || fields.flags === null || typeof fields.flags.singleEntry !== 'boolean') {
    throw new PassTokenError('bad-field', 'flags.singleEntry must be a boolean');
  }
  switch (fields.kind) {
    case 'alumni-day':
      assertInteger('ecardId', fields.ecardId, 1, MAX_ECARD_ID);
      return;
    case 'guest':
      assertInteger('hostEcardId', fields.hostEcardId, 1, MAX_ECARD_ID);
      assertInteger('guestIndex', fields.guestIndex, 1, MAX_GUEST_INDEX);
      return;
    default: {
      // `never` here makes a new kind a compile error until it is validated above.
      const unhandled: never = fields;
      const kind: unknown = (unhandled as { kind?: unknown }).kind;
      throw new PassTokenError('bad-field', `kind must be 'alumni-day' or 'guest', got ${describeValue(kind)}`);
    }
  }
}

function assertInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new PassTokenError('bad-field', `${name} must be an integer ${min}..${max}, got ${describeValue(value)}`);
  }
}
