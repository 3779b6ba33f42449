import { campusDayOf, hexToBytes, KeySet, type PassKey } from '@campuspass/pass-token';
import {
  GATE_BUNDLE_MAX_AGE_SECONDS,
  type BundleKey,
  type BundlePass,
  type BundleRevocation,
  type GateBundle,
  type GatePolicy,
} from '@campuspass/contracts';
import { OpeningHours } from '../verify/opening-hours.js';
import { BundleError, BundleErrorCode } from './bundle.error.js';

/** How far in the future a bundle's issuedAt may lie by the trusted clock before the gate refuses it. */
export const DEFAULT_BUNDLE_MAX_FUTURE_SECONDS = 300;

/** What a BundleState is built from: the applied full bundle plus every delta since. */
export interface BundleStateData {
  readonly gateId: string;
  readonly gateName: string;
  readonly version: number;
  readonly issuedAt: Date;
  readonly campusDay: number;
  readonly keys: readonly BundleKey[];
  readonly policy: GatePolicy;
  readonly revocations: readonly BundleRevocation[];
  readonly passes: readonly BundlePass[];
}

/**
 * The verified bundle a gate decides with. Immutable: applying a bundle makes a new state, so a scan never sees
 * a half-applied one. Everything a scan needs is prepared here once (key set, revocation set, pass map, hours).
 */
export class BundleState {
  readonly gateId: string;
  readonly gateName: string;
  readonly version: number;
  readonly issuedAt: Date;
  readonly campusDay: number;
  readonly keys: readonly BundleKey[];
  readonly policy: GatePolicy;
  readonly keySet: KeySet;
  readonly openingHours: OpeningHours;
  /** passId → the campus day of the revoked pass. */
  readonly revocations: ReadonlyMap<string, number>;
  /** passId → display data for the guard page. */
  readonly passes: ReadonlyMap<string, BundlePass>;

  private constructor(data: BundleStateData) {
    this.gateId = data.gateId;
    this.gateName = data.gateName;
    this.version = data.version;
    this.issuedAt = new Date(data.issuedAt.getTime());
    this.campusDay = data.campusDay;
    this.keys = Object.freeze(data.keys.map((key) => Object.freeze({ ...key })));
    this.policy = Object.freeze({ ...data.policy, passKinds: Object.freeze([...data.policy.passKinds]) as GatePolicy['passKinds'] });
    this.keySet = new KeySet(this.keys.map(toPassKey));
    this.openingHours = new OpeningHours(data.policy.hours);
    this.revocations = new Map(data.revocations.map((revocation) => [revocation.passId, revocation.campusDay]));
    this.passes = new Map(data.passes.map((pass) => [pass.passId, Object.freeze({ ...pass })]));
  }

  /** Builds a state; throws BundleError(InvalidPayload) when a key cannot be used (bad window, bad length). */
  static create(data: BundleStateData): BundleState {
    try {
      return new BundleState(data);
    } catch (error) {
      throw new BundleError(BundleErrorCode.InvalidPayload, `the bundle's keys cannot be used: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  isRevoked(passId: string): boolean {
    return this.revocations.has(passId);
  }

  /** True when the bundle is older than GATE_BUNDLE_MAX_AGE_SECONDS at `now` (the guard page shows it as stale). */
  isStaleAt(now: Date): boolean {
    return now.getTime() - this.issuedAt.getTime() > GATE_BUNDLE_MAX_AGE_SECONDS * 1000;
  }

  toData(): BundleStateData {
    return {
      gateId: this.gateId,
      gateName: this.gateName,
      version: this.version,
      issuedAt: this.issuedAt,
      campusDay: this.campusDay,
      keys: this.keys,
      policy: this.policy,
      revocations: [...this.revocations].map(([passId, campusDay]) => ({ passId, campusDay })),
      passes: [...this.passes.values()],
    };
  }
}

/** The clock as the bundle check needs it. */
export interface BundleClock {
  /** Trusted current time, or undefined while the clock is untrusted. */
  trustedNow(): Date | undefined;
  /** The last trusted time persisted: the clock never goes back past it. */
  floor(): Date | undefined;
}

export interface ApplyBundleOptions {
  /** This gate's id (from enrollment). */
  readonly gateId: string;
  readonly clock: BundleClock;
  readonly maxFutureSeconds?: number;
}

/**
 * Checks a verified bundle against what the gate holds and returns the new state:
 * the gate is ours, the version never goes down, a delta sits exactly on the held version, and the bundle is
 * fresh by the trusted clock (or, while the clock is untrusted, not older than the persisted last trusted time
 * allows). Revocations and passes of campus days already over are pruned.
 */
export function applyBundle(held: BundleState | undefined, bundle: GateBundle, options: ApplyBundleOptions): BundleState {
  if (bundle.gateId !== options.gateId) {
    throw new BundleError(
      BundleErrorCode.WrongGate,
      `bundle is for gate ${bundle.gateId} (${bundle.gateName}), this gate is ${options.gateId}; check the gate's enrollment`,
    );
  }
  if (held !== undefined && bundle.version < held.version) {
    throw new BundleError(
      BundleErrorCode.VersionRollback,
      `bundle version ${bundle.version} is lower than the version held (${held.version}); a bundle never goes back`,
    );
  }
  const issuedAtMs = Date.parse(bundle.issuedAt);
  checkFreshness(issuedAtMs, options);

  const trustedNow = options.clock.trustedNow();
  // Prune only days that are over by both the portal's and the gate's count, so a revocation is never dropped
  // while the gate still lives in its day (the two may straddle midnight by the clock skew).
  const pruneBefore = trustedNow === undefined ? bundle.campusDay : Math.min(bundle.campusDay, campusDayOf(trustedNow));
  const base = {
    gateId: bundle.gateId,
    gateName: bundle.gateName,
    version: bundle.version,
    issuedAt: new Date(issuedAtMs),
    campusDay: bundle.campusDay,
    keys: bundle.keys,
    policy: bundle.policy,
  };
  if (bundle.kind === 'full') {
    return BundleState.create({
      ...base,
      revocations: bundle.revocations.filter((revocation) => revocation.campusDay >= pruneBefore),
      passes: bundle.passes.filter((pass) => pass.campusDay >= pruneBefore),
    });
  }
  if (held === undefined || bundle.baseVersion !== held.version) {
    throw new BundleError(
      BundleErrorCode.DeltaBaseMismatch,
      `delta ${bundle.baseVersion}→${bundle.version} does not apply to ${held === undefined ? 'a gate with no bundle' : `version ${held.version}`}; fetch a full bundle`,
    );
  }
  const revocations = new Map(held.revocations);
  for (const revocation of bundle.revocations) revocations.set(revocation.passId, revocation.campusDay);
  const passes = new Map(held.passes);
  for (const pass of bundle.passes) passes.set(pass.passId, pass);
  return BundleState.create({
    ...base,
    revocations: [...revocations].filter(([, campusDay]) => campusDay >= pruneBefore).map(([passId, campusDay]) => ({ passId, campusDay })),
    passes: [...passes.values()].filter((pass) => pass.campusDay >= pruneBefore),
  });
}

function checkFreshness(issuedAtMs: number, options: ApplyBundleOptions): void {
  const trustedNow = options.clock.trustedNow();
  const reference = trustedNow ?? options.clock.floor();
  if (reference !== undefined && reference.getTime() - issuedAtMs > GATE_BUNDLE_MAX_AGE_SECONDS * 1000) {
    throw new BundleError(
      BundleErrorCode.Stale,
      `bundle issued at ${new Date(issuedAtMs).toISOString()} is older than ${GATE_BUNDLE_MAX_AGE_SECONDS / 86400} days by the gate's ${
        trustedNow === undefined ? 'last trusted time' : 'trusted clock'
      } (${reference.toISOString()}); the portal must serve a current bundle`,
    );
  }
  const maxFutureMs = (options.maxFutureSeconds ?? DEFAULT_BUNDLE_MAX_FUTURE_SECONDS) * 1000;
  if (trustedNow !== undefined && issuedAtMs - trustedNow.getTime() > maxFutureMs) {
    throw new BundleError(
      BundleErrorCode.FromTheFuture,
      `bundle issued at ${new Date(issuedAtMs).toISOString()}, more than ${maxFutureMs / 1000} s after the gate's trusted time ${trustedNow.toISOString()}; check the portal's and the gate's clocks`,
    );
  }
}

function toPassKey(key: BundleKey): PassKey {
  return {
    publicKey: hexToBytes(key.publicKey),
    ...(key.notBeforeDay === null ? {} : { notBeforeDay: key.notBeforeDay }),
    ...(key.notAfterDay === null ? {} : { notAfterDay: key.notAfterDay }),
    label: `${key.kid} (${key.status})`,
  };
}
