// Byte layout of format version 1. FORMAT.md is the prose version of this file; keep them in step.
// Common fields sit at the same offsets in every kind; the kind-specific tail and then the
// signature follow, so the signature is always the last 64 bytes.

/** The format version this library reads and writes. */
export const FORMAT_VERSION = 1;

/** QR text = this prefix + base45(bytes). Uppercase so the whole string stays in QR alphanumeric mode. */
export const QR_PREFIX = 'CP1:';

/** Longest text decodePass looks at; anything longer is refused before decoding (valid passes are ≤ 154). */
export const MAX_QR_TEXT_LENGTH = 256;

/** Kind byte values. */
export const KIND_CODE = { 'alumni-day': 1, guest: 2 } as const;

/** Flag bits; every other bit is reserved and must be zero. */
export const FLAG_SINGLE_ENTRY = 0x01;
export const KNOWN_FLAGS_MASK = FLAG_SINGLE_ENTRY;

export const OFFSET = {
  version: 0,
  kind: 1,
  kid: 2,
  passId: 10,
  campusDay: 26,
  scope: 28,
  flags: 30,
  ecardId: 31,
  /** Guest pass only. */
  guestIndex: 35,
} as const;

export const PASS_ID_LENGTH = 16;

/** Bytes covered by the signature, per kind. */
export const SIGNED_LENGTH = { 'alumni-day': 35, guest: 36 } as const;

/** Whole record, per kind: signed bytes + 64-byte signature. */
export const TOTAL_LENGTH = { 'alumni-day': 99, guest: 100 } as const;

/** Largest values of the fixed-width fields. */
export const MAX_CAMPUS_DAY = 0xffff;
export const MAX_SCOPE = 0xffff;
export const MAX_ECARD_ID = 0xffff_ffff;
export const MAX_GUEST_INDEX = 0xff;
