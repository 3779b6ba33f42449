/**
 * Why a pass (or an input to this library) was refused. Gates record the reason in denied-scan
 * events, so these strings are part of the contract: add codes, never rename them.
 */
export type PassTokenErrorReason =
  /** The input was not a string at all. */
  | 'not-a-string'
  /** Longer than MAX_QR_TEXT_LENGTH; refused before any decoding work. */
  | 'too-long'
  /** Does not start with the exact uppercase prefix `CP1:`. */
  | 'bad-prefix'
  /** The text after the prefix is not strict RFC 9285 base45. */
  | 'bad-base45'
  /** The byte length does not match the pass kind (or is too short to hold a header). */
  | 'bad-length'
  /** Format version byte is not one this library knows. */
  | 'unknown-version'
  /** Pass kind byte is not one this library knows. */
  | 'unknown-kind'
  /** A reserved flag bit is set. */
  | 'bad-flags'
  /** A field holds a value outside its documented range (on decode or on encode). */
  | 'bad-field'
  /** No key in the key set has the pass's kid. */
  | 'unknown-kid'
  /** No candidate key verifies the signature (or the signature is not canonical). */
  | 'bad-signature'
  /** The signature verifies, but the signing key is not valid for the pass's campus day. */
  | 'key-not-valid'
  /** Key material handed to the library is malformed (wrong length, bad hex). */
  | 'bad-key'
  /** A bug: something other than a PassTokenError was thrown while reading a pass. The pass is refused. */
  | 'internal-error';

/** Every reason code, for exhaustive handling and for checking test vectors. */
export const PASS_TOKEN_ERROR_REASONS: readonly PassTokenErrorReason[] = [
  'not-a-string',
  'too-long',
  'bad-prefix',
  'bad-base45',
  'bad-length',
  'unknown-version',
  'unknown-kind',
  'bad-flags',
  'bad-field',
  'unknown-kid',
  'bad-signature',
  'key-not-valid',
  'bad-key',
  'internal-error',
];

/** The only error this library throws on purpose. `reason` is machine-readable; `message` is for people. */
export class PassTokenError extends Error {
  override readonly name = 'PassTokenError';

  constructor(
    readonly reason: PassTokenErrorReason,
    message: string,
  ) {
    super(`${reason}: ${message}`);
  }
}

/** Type guard that also works across bundles/realms, where `instanceof` may not. */
export function isPassTokenError(value: unknown): value is PassTokenError {
  if (value instanceof PassTokenError) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; reason?: unknown };
  return (
    candidate.name === 'PassTokenError' &&
    typeof candidate.reason === 'string' &&
    (PASS_TOKEN_ERROR_REASONS as readonly string[]).includes(candidate.reason)
  );
}

/**
 * A short, never-throwing rendering of an untrusted value for error messages (String() and
 * JSON.stringify both throw on some inputs, e.g. BigInt or null-prototype objects).
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  return `a value of type ${typeof value}`;
}
