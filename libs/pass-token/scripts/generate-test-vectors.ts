// Builds libs/pass-token/test-vectors.json. Deterministic (fixed seeds, Ed25519 is deterministic),
// so re-running it must reproduce the committed file byte for byte; a spec checks exactly that.
//
//   npx tsc -p libs/pass-token/scripts/tsconfig.json
//   node libs/pass-token/dist/generator/scripts/generate-test-vectors.js > libs/pass-token/test-vectors.json
import { sha256 } from '@noble/hashes/sha2.js';
import { pathToFileURL } from 'node:url';
import { encodeBase45 } from '../src/base45.js';
import { campusDayToIsoDate, isoDateToCampusDay } from '../src/campus-day.js';
import { bytesToHex } from '../src/hex.js';
import { kidOf } from '../src/kid.js';
import { OFFSET, QR_PREFIX, SIGNED_LENGTH } from '../src/layout.js';
import { createNodeSigner } from '../src/node.js';
import { encodePass } from '../src/pass.js';
import type { AlumniDayPassFields, GuestPassFields, PassFields } from '../src/pass-fields.js';
import { SIGNATURE_LENGTH, type PassSigner } from '../src/signature.js';
import type { TestVector, TestVectorFile, TestVectorKey, TestVectorVerdict } from '../test/test-vector-file.js';

const encoder = new TextEncoder();

/** 32 bytes that look random but are fixed: SHA-256 of a label. */
function fixedBytes(label: string, length: number): Uint8Array {
  return sha256(encoder.encode(label)).slice(0, length);
}

interface KeyMaterial {
  readonly description: TestVectorKey;
  readonly signer: PassSigner;
}

function makeKey(name: string, trusted: boolean, window: { notBeforeDay?: number; notAfterDay?: number } = {}): KeyMaterial {
  const seed = fixedBytes(`campuspass test vector key ${name}`, 32);
  const signer = createNodeSigner(seed);
  return {
    signer,
    description: {
      name,
      seedHex: bytesToHex(seed),
      publicKeyHex: bytesToHex(signer.publicKey),
      kidHex: bytesToHex(kidOf(signer.publicKey)),
      trusted,
      ...window,
    },
  };
}

const VALID: TestVectorVerdict = { verdict: 'valid' };
const invalid = (reason: Extract<TestVectorVerdict, { verdict: 'invalid' }>['reason']): TestVectorVerdict => ({
  verdict: 'invalid',
  reason,
});

/** Builds the whole vector file. */
export function buildTestVectors(): TestVectorFile {
  const keyA = makeKey('key-a', true);
  const keyB = makeKey('key-b', true, { notBeforeDay: isoDateToCampusDay('2025-01-01'), notAfterDay: isoDateToCampusDay('2025-12-31') });
  const keyC = makeKey('key-c', false);
  const vectors: TestVector[] = [];

  const signed = (name: string, description: string, fields: PassFields, key: KeyMaterial, expected: TestVectorVerdict): Uint8Array => {
    const { bytes, qrText } = encodePass(fields, key.signer);
    vectors.push({
      name,
      description,
      qrText,
      bytesHex: bytesToHex(bytes),
      fields,
      campusDate: campusDayToIsoDate(fields.campusDay),
      signedBy: key.description.name,
      expected,
    });
    return bytes;
  };
  // A record built by hand: the library would refuse to encode it, or it has been tampered with.
  const raw = (name: string, description: string, bytes: Uint8Array, expected: TestVectorVerdict, fields?: PassFields): void => {
    vectors.push({
      name,
      description,
      qrText: QR_PREFIX + encodeBase45(bytes),
      bytesHex: bytesToHex(bytes),
      ...(fields === undefined ? {} : { fields, campusDate: campusDayToIsoDate(fields.campusDay) }),
      expected,
    });
  };
  const text = (name: string, description: string, qrText: string, expected: TestVectorVerdict): void => {
    vectors.push({ name, description, qrText, expected });
  };

  const passId = (label: string): string => bytesToHex(fixedBytes(`campuspass test vector pass ${label}`, 16));
  const alumni = (label: string, overrides: Partial<AlumniDayPassFields> = {}): AlumniDayPassFields => ({
    kind: 'alumni-day',
    passId: passId(label),
    campusDay: isoDateToCampusDay('2025-09-01'),
    scope: 0,
    flags: { singleEntry: false },
    ecardId: 1_234_567,
    ...overrides,
  });
  const guest = (label: string, overrides: Partial<GuestPassFields> = {}): GuestPassFields => ({
    kind: 'guest',
    passId: passId(label),
    campusDay: isoDateToCampusDay('2025-09-01'),
    scope: 0,
    flags: { singleEntry: true },
    hostEcardId: 1_234_567,
    guestIndex: 1,
    ...overrides,
  });

  // --- valid ---
  const alumniBasic = alumni('alumni-basic');
  const alumniBytes = signed('alumni-day-basic', 'Alumni day pass, all gates, no flags, signed by key-a.', alumniBasic, keyA, VALID);
  signed(
    'alumni-day-zoned',
    'Alumni day pass for zones 0 and 2 (scope 0x0005), signed by key-b inside its window.',
    alumni('alumni-zoned', { scope: 0x0005, ecardId: 42, campusDay: isoDateToCampusDay('2025-03-15') }),
    keyB,
    VALID,
  );
  signed(
    'alumni-day-key-window-last-day',
    'Signed by key-b for its notAfterDay: the window is inclusive.',
    alumni('alumni-last-day', { campusDay: isoDateToCampusDay('2025-12-31') }),
    keyB,
    VALID,
  );
  signed(
    'alumni-day-minimum-fields',
    'Smallest values: campus day 0 (1970-01-01), eCard id 1, pass id all zero.',
    alumni('alumni-min', { passId: '0'.repeat(32), campusDay: 0, ecardId: 1 }),
    keyA,
    VALID,
  );
  const guestFields = guest('guest-basic', { scope: 0x0002 });
  const guestBytes = signed(
    'guest-single-entry',
    "Guest pass (the host's first guest), single entry, zone 1 only.",
    guestFields,
    keyA,
    VALID,
  );
  signed(
    'guest-maximum-fields',
    'Largest values: campus day 65535 (2149-06-06), host eCard 4294967295, guest 255, all zones by mask 0xffff.',
    guest('guest-max', { passId: 'f'.repeat(32), campusDay: 0xffff, scope: 0xffff, hostEcardId: 0xffff_ffff, guestIndex: 255 }),
    keyA,
    VALID,
  );

  // --- well-formed, correctly signed, refused by key policy ---
  signed(
    'unknown-kid',
    'Correctly signed by key-c, which the verifier does not trust.',
    alumni('unknown-kid'),
    keyC,
    invalid('unknown-kid'),
  );
  signed(
    'key-not-valid-after-window',
    "Signed by key-b for 2026-01-01, the day after key-b's notAfterDay.",
    alumni('after-window', { campusDay: isoDateToCampusDay('2026-01-01') }),
    keyB,
    invalid('key-not-valid'),
  );
  signed(
    'key-not-valid-before-window',
    "Signed by key-b for 2024-12-31, the day before key-b's notBeforeDay.",
    guest('before-window', { campusDay: isoDateToCampusDay('2024-12-31') }),
    keyB,
    invalid('key-not-valid'),
  );

  // --- tampered: well-formed, signature does not match ---
  const flipped = alumniBytes.slice();
  flipped[flipped.length - 1]! ^= 0x01;
  raw(
    'bad-signature-flipped-bit',
    'alumni-day-basic with the lowest bit of the last signature byte flipped.',
    flipped,
    invalid('bad-signature'),
    alumniBasic,
  );
  const otherHolder = alumniBytes.slice();
  new DataView(otherHolder.buffer).setUint32(OFFSET.ecardId, alumniBasic.ecardId + 1);
  raw(
    'bad-signature-changed-holder',
    'alumni-day-basic with the eCard id changed to 1234568, signature kept.',
    otherHolder,
    invalid('bad-signature'),
    { ...alumniBasic, ecardId: alumniBasic.ecardId + 1 },
  );
  raw(
    'bad-signature-non-canonical-s',
    'alumni-day-basic with S replaced by S + L (the group order): tweetnacl alone would accept it, node:crypto refuses; both must refuse.',
    withNonCanonicalScalar(alumniBytes),
    invalid('bad-signature'),
    alumniBasic,
  );
  const forgedKid = resign(alumni('forged-kid'), keyC.signer, kidOf(keyA.signer.publicKey));
  raw(
    'bad-signature-borrowed-kid',
    "Signed by untrusted key-c but carrying key-a's kid: the kid is only a hint.",
    forgedKid,
    invalid('bad-signature'),
    alumni('forged-kid'),
  );

  // --- malformed text ---
  const alumniText = QR_PREFIX + encodeBase45(alumniBytes);
  const body = alumniText.slice(QR_PREFIX.length);
  text('bad-prefix-lowercase', 'alumni-day-basic with the prefix in lowercase.', `cp1:${body}`, invalid('bad-prefix'));
  text('bad-prefix-missing', 'alumni-day-basic without the prefix.', body, invalid('bad-prefix'));
  text('bad-prefix-other-version', 'alumni-day-basic behind the prefix CP2:.', `CP2:${body}`, invalid('bad-prefix'));
  text(
    'bad-base45-lowercase',
    'alumni-day-basic with one base45 character in lowercase (outside the alphabet).',
    QR_PREFIX + lowercaseFirstLetter(body),
    invalid('bad-base45'),
  );
  text(
    'bad-base45-triple-overflow',
    'Starts with the triple "GGW" (65536 > 65535, the RFC 9285 example).',
    `${QR_PREFIX}GGW${body}`,
    invalid('bad-base45'),
  );
  text(
    'bad-base45-dangling-character',
    'guest-single-entry with one extra character (length = 1 mod 3).',
    `${QR_PREFIX}${encodeBase45(guestBytes)}0`,
    invalid('bad-base45'),
  );
  text(
    'too-long',
    '300 base45 characters after the prefix: refused before decoding.',
    `${QR_PREFIX}${'0'.repeat(300)}`,
    invalid('too-long'),
  );
  raw('bad-length-empty', 'The prefix alone: zero bytes.', new Uint8Array(0), invalid('bad-length'));
  raw('bad-length-truncated', 'alumni-day-basic without its last byte.', alumniBytes.slice(0, -1), invalid('bad-length'));
  raw(
    'bad-length-kind-mismatch',
    'guest-single-entry (100 bytes) with its kind byte set to alumni day pass (99 bytes), re-signed.',
    patched(guestBytes, OFFSET.kind, 1, keyA.signer),
    invalid('bad-length'),
  );

  // --- malformed record, correctly signed by a trusted key: structure is checked regardless ---
  raw(
    'unknown-version',
    'alumni-day-basic with version byte 2, re-signed by key-a.',
    patched(alumniBytes, OFFSET.version, 2, keyA.signer),
    invalid('unknown-version'),
  );
  raw(
    'unknown-kind',
    'alumni-day-basic with kind byte 3, re-signed by key-a.',
    patched(alumniBytes, OFFSET.kind, 3, keyA.signer),
    invalid('unknown-kind'),
  );
  raw(
    'bad-flags',
    'alumni-day-basic with reserved flag bit 0x80 set, re-signed by key-a.',
    patched(alumniBytes, OFFSET.flags, 0x80, keyA.signer),
    invalid('bad-flags'),
  );
  const zeroEcard = alumniBytes.slice(0, SIGNED_LENGTH['alumni-day']);
  new DataView(zeroEcard.buffer).setUint32(OFFSET.ecardId, 0);
  raw(
    'bad-field-ecard-zero',
    'alumni-day-basic with eCard id 0, re-signed by key-a.',
    withSignature(zeroEcard, keyA.signer),
    invalid('bad-field'),
  );
  raw(
    'bad-field-guest-index-zero',
    'guest-single-entry with guest index 0, re-signed by key-a.',
    patched(guestBytes, OFFSET.guestIndex, 0, keyA.signer),
    invalid('bad-field'),
  );

  return {
    description:
      'CampusPass pass-token test vectors, format version 1 (see FORMAT.md). Fixed TEST keys: never trust them outside tests. ' +
      'Every consumer must reproduce qrText/bytesHex for vectors with signedBy, and the expected verdict of every vector against the trusted keys.',
    formatVersion: 1,
    qrPrefix: QR_PREFIX,
    keys: [keyA, keyB, keyC].map((key) => key.description),
    vectors,
  };
}

function withSignature(signedPart: Uint8Array, signer: PassSigner): Uint8Array {
  const signature = signer.sign(signedPart);
  const bytes = new Uint8Array(signedPart.length + signature.length);
  bytes.set(signedPart);
  bytes.set(signature, signedPart.length);
  return bytes;
}

/** Copy of a signed record with one byte changed and a fresh signature. */
function patched(bytes: Uint8Array, offset: number, value: number, signer: PassSigner): Uint8Array {
  const signedPart = bytes.slice(0, bytes.length - SIGNATURE_LENGTH);
  signedPart[offset] = value;
  return withSignature(signedPart, signer);
}

/** A record for `fields` signed by `signer` but carrying `kid` (a forged key id). */
function resign(fields: PassFields, signer: PassSigner, kid: Uint8Array): Uint8Array {
  const signedPart = encodePass(fields, signer).bytes.slice(0, SIGNED_LENGTH[fields.kind]);
  signedPart.set(kid, OFFSET.kid);
  return withSignature(signedPart, signer);
}

const GROUP_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n;

function withNonCanonicalScalar(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const sOffset = copy.length - 32;
  let s = 0n;
  for (let index = 31; index >= 0; index--) s = (s << 8n) | BigInt(copy[sOffset + index]!);
  let bumped = s + GROUP_ORDER; // < 2^253, still fits in 32 bytes
  for (let index = 0; index < 32; index++) {
    copy[sOffset + index] = Number(bumped & 0xffn);
    bumped >>= 8n;
  }
  return copy;
}

function lowercaseFirstLetter(text: string): string {
  const index = text.search(/[A-Z]/);
  return text.slice(0, index) + text[index]!.toLowerCase() + text.slice(index + 1);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(buildTestVectors(), null, 2)}\n`);
}
