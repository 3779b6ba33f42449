import { createHmac, randomInt } from 'node:crypto';
import { ENROLLMENT_CODE_PATTERN } from '@campuspass/contracts';
import { deriveKey } from '../core/crypto/secrets.js';

/** The alphabet of ENROLLMENT_CODE_PATTERN: no 0/O, 1/I/L, so a code read out over the phone is not misheard. */
export const ENROLLMENT_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** How long an enrollment code can be used. */
export const ENROLLMENT_CODE_TTL_MS = 24 * 60 * 60 * 1000;

/** A one-time enrollment code like `K7P2-9QXM-4TRD`: 12 characters drawn uniformly from 31 (about 59 bits). */
export function newEnrollmentCode(): string {
  const groups = Array.from({ length: 3 }, () =>
    Array.from({ length: 4 }, () => ENROLLMENT_CODE_ALPHABET[randomInt(0, ENROLLMENT_CODE_ALPHABET.length)]).join(''),
  );
  const code = groups.join('-');
  if (!ENROLLMENT_CODE_PATTERN.test(code)) throw new Error('enrollment code alphabet and pattern disagree');
  return code;
}

/**
 * The stored form of an enrollment code: an HMAC with a key derived from APP_SECRET, so a copy of the database
 * does not give the codes away. No salt: the portal finds the gate by the hash of the code it is given.
 */
export class EnrollmentCodeHasher {
  readonly #key: Buffer;

  constructor(appSecret: string | undefined) {
    if (!appSecret) throw new Error('APP_SECRET is not resolved: enrollment codes are stored as keyed hashes');
    this.#key = deriveKey(appSecret, 'one-time-code-hmac');
  }

  /** Expects a normalised code (upper case, dashes), as gateEnrollRequestSchema leaves it. */
  hash(code: string): Buffer {
    return createHmac('sha256', this.#key).update(`gate-enrollment:${code}`).digest();
  }
}
