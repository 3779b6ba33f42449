import { PassTokenError } from './errors.js';
import { bytesToHex } from './hex.js';
import { KID_LENGTH } from './kid.js';
import {
  FLAG_SINGLE_ENTRY,
  FORMAT_VERSION,
  KIND_CODE,
  KNOWN_FLAGS_MASK,
  OFFSET,
  PASS_ID_LENGTH,
  SIGNED_LENGTH,
  TOTAL_LENGTH,
} from './layout.js';
import type { PassFields, PassKind } from './pass-fields.js';
import { SIGNATURE_LENGTH } from './signature.js';

/** A pass record split into its parts. Nothing here has been verified. */
export interface DecodedPass {
  readonly version: typeof FORMAT_VERSION;
  readonly fields: PassFields;
  /** Key id of the key that claims to have signed the pass. */
  readonly kid: Uint8Array;
  /** The whole record. */
  readonly bytes: Uint8Array;
  /** The bytes the signature covers: every byte before it. */
  readonly signedBytes: Uint8Array;
  /** The last 64 bytes. */
  readonly signature: Uint8Array;
}

/** Writes the signed part of a record (everything but the signature). Fields must already be valid. */
export function serializeSignedPart(fields: PassFields, kid: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(SIGNED_LENGTH[fields.kind]);
  const view = new DataView(bytes.buffer);
  bytes[OFFSET.version] = FORMAT_VERSION;
  bytes[OFFSET.kind] = KIND_CODE[fields.kind];
  bytes.set(kid, OFFSET.kid);
  for (let index = 0; index < PASS_ID_LENGTH; index++) {
    bytes[OFFSET.passId + index] = Number.parseInt(fields.passId.slice(index * 2, index * 2 + 2), 16);
  }
  view.setUint16(OFFSET.campusDay, fields.campusDay);
  view.setUint16(OFFSET.scope, fields.scope);
  bytes[OFFSET.flags] = fields.flags.singleEntry ? FLAG_SINGLE_ENTRY : 0;
  if (fields.kind === 'alumni-day') {
    view.setUint32(OFFSET.ecardId, fields.ecardId);
  } else {
    view.setUint32(OFFSET.ecardId, fields.hostEcardId);
    bytes[OFFSET.guestIndex] = fields.guestIndex;
  }
  return bytes;
}

/**
 * Parses a whole record. Checks structure only — version, kind, exact length, reserved flag bits,
 * field ranges — in that order, so the reason names the first thing wrong. No signature check.
 */
export function parsePassBytes(bytes: Uint8Array): DecodedPass {
  if (bytes.length < 2) {
    throw new PassTokenError('bad-length', `${bytes.length} bytes is too short for a pass header`);
  }
  if (bytes[OFFSET.version] !== FORMAT_VERSION) {
    throw new PassTokenError('unknown-version', `format version ${bytes[OFFSET.version]} is not supported (expected ${FORMAT_VERSION})`);
  }
  const kind = kindOf(bytes[OFFSET.kind]!);
  if (bytes.length !== TOTAL_LENGTH[kind]) {
    throw new PassTokenError('bad-length', `a ${kind} pass is ${TOTAL_LENGTH[kind]} bytes, got ${bytes.length}`);
  }
  const flagByte = bytes[OFFSET.flags]!;
  if ((flagByte & ~KNOWN_FLAGS_MASK) !== 0) {
    throw new PassTokenError('bad-flags', `reserved flag bits set: 0x${flagByte.toString(16).padStart(2, '0')}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const common = {
    passId: bytesToHex(bytes.subarray(OFFSET.passId, OFFSET.passId + PASS_ID_LENGTH)),
    campusDay: view.getUint16(OFFSET.campusDay),
    scope: view.getUint16(OFFSET.scope),
    flags: { singleEntry: (flagByte & FLAG_SINGLE_ENTRY) !== 0 },
  };
  const ecardId = view.getUint32(OFFSET.ecardId);
  if (ecardId === 0) {
    throw new PassTokenError('bad-field', 'eCard id 0 is never issued');
  }
  let fields: PassFields;
  if (kind === 'alumni-day') {
    fields = { kind, ...common, ecardId };
  } else {
    const guestIndex = bytes[OFFSET.guestIndex]!;
    if (guestIndex === 0) {
      throw new PassTokenError('bad-field', 'guest index starts at 1');
    }
    fields = { kind, ...common, hostEcardId: ecardId, guestIndex };
  }
  const signedLength = SIGNED_LENGTH[kind];
  // Copies, so the result does not alias a buffer the caller may reuse.
  return {
    version: FORMAT_VERSION,
    fields,
    kid: bytes.slice(OFFSET.kid, OFFSET.kid + KID_LENGTH),
    bytes: bytes.slice(),
    signedBytes: bytes.slice(0, signedLength),
    signature: bytes.slice(signedLength, signedLength + SIGNATURE_LENGTH),
  };
}

function kindOf(code: number): PassKind {
  for (const [kind, kindCode] of Object.entries(KIND_CODE) as [PassKind, number][]) {
    if (kindCode === code) return kind;
  }
  throw new PassTokenError('unknown-kind', `pass kind ${code} is not supported`);
}
