/** Why a gate bundle (from the portal or from the local cache) was refused. Each code says what to do. */
export enum BundleErrorCode {
  /** The envelope is not a SignedGateBundle (missing field, wrong type). */
  MalformedEnvelope = 'bundle-malformed-envelope',
  /** The envelope names a bundle key other than the one pinned at enrollment. */
  KeyMismatch = 'bundle-key-mismatch',
  /** The Ed25519 signature over the payload does not verify with the pinned key. */
  BadSignature = 'bundle-bad-signature',
  /** The signed payload is not a valid gate bundle. */
  InvalidPayload = 'bundle-invalid-payload',
  /** The bundle was built for another gate. */
  WrongGate = 'bundle-wrong-gate',
  /** The bundle's version is lower than the one the gate holds. */
  VersionRollback = 'bundle-version-rollback',
  /** A delta whose baseVersion is not the version the gate holds: ask for a full bundle. */
  DeltaBaseMismatch = 'bundle-delta-base-mismatch',
  /** issuedAt is older than GATE_BUNDLE_MAX_AGE_SECONDS by the trusted clock. */
  Stale = 'bundle-stale',
  /** issuedAt lies further in the future than the gate tolerates. */
  FromTheFuture = 'bundle-from-the-future',
  /** The cached bundle state cannot be read back; the gate runs with no bundle until the next pull. */
  CorruptCache = 'bundle-corrupt-cache',
}

/** A bundle the gate refuses to use. `message` says what is wrong and what to do about it. */
export class BundleError extends Error {
  override readonly name = 'BundleError';

  constructor(
    readonly code: BundleErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${code}: ${message}`, options);
  }

  /** True when the fix is to fetch a full bundle (the gate's state and the delta do not line up). */
  get needsFullBundle(): boolean {
    return this.code === BundleErrorCode.DeltaBaseMismatch;
  }
}

export function isBundleError(error: unknown): error is BundleError {
  return error instanceof BundleError;
}
