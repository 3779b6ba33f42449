// The browser-safe entry: no node:crypto here (see ./node.ts for the node:crypto backend).
export { BASE45_ALPHABET, decodeBase45, encodeBase45 } from './base45.js';
export { campusDayOf, campusDayStart, campusDayToIsoDate, isoDateToCampusDay, MAX_ISO_CAMPUS_DAY, type CampusDay } from './campus-day.js';
export { isPassTokenError, PASS_TOKEN_ERROR_REASONS, PassTokenError, type PassTokenErrorReason } from './errors.js';
export { bytesToHex, hexToBytes } from './hex.js';
export { KeySet, keyCoversDay, type KeySetEntry, type PassKey } from './key-set.js';
export { KID_LENGTH, kidOf, PUBLIC_KEY_LENGTH } from './kid.js';
export {
  FORMAT_VERSION,
  MAX_CAMPUS_DAY,
  MAX_ECARD_ID,
  MAX_GUEST_INDEX,
  MAX_QR_TEXT_LENGTH,
  MAX_SCOPE,
  QR_PREFIX,
  TOTAL_LENGTH,
} from './layout.js';
export { decodePass, encodePass, scopeIncludesZone, verifyPass, type EncodedPass, type VerifiedPass } from './pass.js';
export type { DecodedPass } from './pass-binary.js';
export type { AlumniDayPassFields, GuestPassFields, PassFields, PassFlags, PassKind } from './pass-fields.js';
export { SEED_LENGTH, SIGNATURE_LENGTH, type PassSigner, type SignatureVerifier } from './signature.js';
export { createTweetnaclSigner, createTweetnaclVerifier } from './tweetnacl.js';
