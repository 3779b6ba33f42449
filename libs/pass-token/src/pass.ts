import { decodeBase45, encodeBase45 } from './base45.js';
import { describeValue, isPassTokenError, PassTokenError } from './errors.js';
import { keyCoversDay, type KeySet, type KeySetEntry } from './key-set.js';
import { assertPublicKey, kidOf } from './kid.js';
import { MAX_QR_TEXT_LENGTH, QR_PREFIX } from './layout.js';
import { parsePassBytes, serializeSignedPart, type DecodedPass } from './pass-binary.js';
import { assertValidFields, type PassFields } from './pass-fields.js';
import { hasCanonicalScalar, SIGNATURE_LENGTH, type PassSigner, type SignatureVerifier } from './signature.js';

/** A signed pass, as bytes and as the text to put in the QR code. */
export interface EncodedPass {
  readonly bytes: Uint8Array;
  readonly qrText: string;
}

/** A pass whose signature checked out against a key of the set that covers its campus day. */
export interface VerifiedPass extends DecodedPass {
  /** The key that verified it. */
  readonly key: KeySetEntry;
}

/**
 * Validates the fields, signs them and returns the record and its QR text.
 * Throws PassTokenError: 'bad-field' (naming the field), 'bad-key', or 'bad-signature' if the
 * signer returns something that is not a 64-byte signature.
 */
export function encodePass(fields: PassFields, signer: PassSigner): EncodedPass {
  assertValidFields(fields);
  assertPublicKey(signer.publicKey);
  const signedPart = serializeSignedPart(fields, kidOf(signer.publicKey));
  const signature = signer.sign(signedPart);
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) {
    throw new PassTokenError('bad-signature', `signer returned ${describeValue(signature?.length)} bytes, expected ${SIGNATURE_LENGTH}`);
  }
  const bytes = new Uint8Array(signedPart.length + SIGNATURE_LENGTH);
  bytes.set(signedPart);
  bytes.set(signature, signedPart.length);
  return { bytes, qrText: QR_PREFIX + encodeBase45(bytes) };
}

/**
 * Parses QR text into the pass's fields WITHOUT verifying the signature — for display and
 * diagnostics only; admit no one on this. Throws only PassTokenError, for any input whatsoever.
 */
export function decodePass(qrText: unknown): DecodedPass {
  return guarded(() => {
    if (typeof qrText !== 'string') {
      throw new PassTokenError('not-a-string', `expected QR text, got ${describeValue(qrText)}`);
    }
    // Before any other work, so a hostile scanner feed cannot make us decode megabytes.
    if (qrText.length > MAX_QR_TEXT_LENGTH) {
      throw new PassTokenError('too-long', `${qrText.length} characters exceeds ${MAX_QR_TEXT_LENGTH}`);
    }
    if (!qrText.startsWith(QR_PREFIX)) {
      throw new PassTokenError('bad-prefix', `QR text must start with ${QR_PREFIX}`);
    }
    return parsePassBytes(decodeBase45(qrText.slice(QR_PREFIX.length)));
  });
}

/**
 * Decodes the QR text and verifies its signature with every key of the set sharing its kid.
 * Throws only PassTokenError: any decodePass reason, 'unknown-kid', 'bad-signature' or
 * 'key-not-valid' (a key verified it, but its window does not cover the pass's campus day).
 * It does NOT check the campus day against a clock, the scope against a gate, or revocations:
 * that is the gate's decision, with its trusted clock and bundle.
 */
export function verifyPass(qrText: unknown, keySet: KeySet, verifier: SignatureVerifier): VerifiedPass {
  return guarded(() => {
    const decoded = decodePass(qrText);
    const candidates = keySet.candidates(decoded.kid);
    if (candidates.length === 0) {
      throw new PassTokenError('unknown-kid', 'no trusted key has this key id');
    }
    if (!hasCanonicalScalar(decoded.signature)) {
      throw new PassTokenError('bad-signature', 'signature is not in canonical form');
    }
    let verifiedOutsideWindow = false;
    for (const key of candidates) {
      if (!verifySafely(verifier, decoded, key)) continue;
      if (keyCoversDay(key, decoded.fields.campusDay)) return { ...decoded, key };
      verifiedOutsideWindow = true;
    }
    if (verifiedOutsideWindow) {
      throw new PassTokenError('key-not-valid', `the signing key is not valid for campus day ${decoded.fields.campusDay}`);
    }
    throw new PassTokenError('bad-signature', 'no trusted key with this key id verifies the signature');
  });
}

/** True if a pass scoped to `scope` opens gates of `zone` (0..15). Scope 0 opens every gate. */
export function scopeIncludesZone(scope: number, zone: number): boolean {
  if (!Number.isInteger(zone) || zone < 0 || zone > 15) {
    throw new PassTokenError('bad-field', `zone must be an integer 0..15, got ${describeValue(zone)}`);
  }
  return scope === 0 || (scope & (1 << zone)) !== 0;
}

function verifySafely(verifier: SignatureVerifier, decoded: DecodedPass, key: KeySetEntry): boolean {
  try {
    return verifier.verify(decoded.signedBytes, decoded.signature, key.publicKey) === true;
  } catch {
    // A verifier must return false rather than throw; if one throws anyway, fail closed.
    return false;
  }
}

// The promise to callers is "only PassTokenError escapes". Should a bug let anything else through
// (a RangeError deep in a codec, say), refuse the pass with 'internal-error' instead of crashing a
// gate's scan loop; the distinct reason keeps the bug visible in denied-scan events and in tests.
function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isPassTokenError(error)) throw error;
    throw new PassTokenError(
      'internal-error',
      `unexpected failure while reading the pass: ${error instanceof Error ? error.message : 'unknown error'}`,
    );
  }
}
