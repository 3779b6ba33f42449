import type { BundlePass, DenialReason } from '@campuspass/contracts';
import {
  campusDayOf,
  decodePass,
  isPassTokenError,
  scopeIncludesZone,
  verifyPass,
  type DecodedPass,
  type PassTokenErrorReason,
  type SignatureVerifier,
} from '@campuspass/pass-token';
import type { BundleState } from '../bundle/bundle-state.js';
import type { GateConfig } from '../config/gate-config.schema.js';
import type { UsageStore } from '../store/store.ports.js';

/** The pass a scan concerned, in the shape of a gate event's `pass`. */
export interface ScanPass {
  readonly passId: string;
  readonly kind: 'alumni-day' | 'guest';
  readonly campusDay: number;
  /** The holder's eCard id (alumni) or the inviting alumnus's (guests). */
  readonly ecardId: number;
  readonly guestIndex: number | null;
  readonly scope: number;
  readonly singleEntry: boolean;
}

export interface ScanDecision {
  readonly decision: 'granted' | 'denied';
  readonly reason?: DenialReason;
  /** Present whenever the QR text decoded as a pass, even if denied afterwards. */
  readonly pass?: ScanPass;
  /** The bundle's display data (name, photo) for the guard page, when the bundle lists the pass. */
  readonly display?: BundlePass;
  /** Granted under the degraded clock policy (allow-known-passes) while the clock was untrusted. */
  readonly degradedClock?: true;
}

/** A reading of the gate's TrustedClock taken for this scan. */
export interface ClockReading {
  /** Best known time; when untrusted, the system clock but never earlier than the last trusted time. */
  readonly now: Date;
  readonly trusted: boolean;
}

/** The local half of the policy (gate.yaml `policy`); the bundle's policy is the other half. */
export type LocalPolicy = Pick<GateConfig['policy'], 'reEntryWindowSeconds' | 'degradedClockPolicy'>;

export interface ScanContext {
  /** The verified bundle, or undefined before the first one ('no-bundle'). */
  readonly bundle: BundleState | undefined;
  readonly clock: ClockReading;
  readonly usage: Pick<UsageStore, 'get'>;
  readonly verifier: SignatureVerifier;
  readonly localPolicy: LocalPolicy;
}

// Scanners end lines with CR, LF or both; the pass format accepts the text only exactly as written.
const TRAILING_LINE_END = /[\r\n]+$/;

/**
 * Decides one scanned text, offline. Checks, in order (the first failure is the reason):
 * malformed → no-bundle → unknown-key / bad-signature / key-not-valid-for-day → clock-untrusted (or the degraded
 * policy) → wrong-day → not-for-this-gate → kind-not-allowed → revoked → outside-hours → already-used →
 * re-entry-window. Never throws for any text.
 *
 * Which policy wins: pass kinds, zone and hours come from the bundle only; the re-entry window is the longer of
 * the bundle's and the local one; the degraded clock policy is local only (documented in gate.example.yaml).
 */
export function decideScan(text: unknown, context: ScanContext): ScanDecision {
  const input = typeof text === 'string' ? text.replace(TRAILING_LINE_END, '') : text;
  const { bundle } = context;
  if (bundle === undefined) {
    let decoded: DecodedPass;
    try {
      decoded = decodePass(input);
    } catch {
      return denied('malformed');
    }
    return denied('no-bundle', toScanPass(decoded));
  }

  let verified: DecodedPass;
  try {
    verified = verifyPass(input, bundle.keySet, context.verifier);
  } catch (error) {
    const reason = isPassTokenError(error) ? denialFor(error.reason) : 'malformed';
    // The pass is reported for signature/key failures too (the event says which pass was tried), never trusted.
    return denied(reason, reason === 'malformed' ? undefined : safeDecode(input));
  }

  const pass = toScanPass(verified);
  const display = bundle.passes.get(pass.passId);
  const clock = context.clock;
  let degradedClock = false;
  if (!clock.trusted) {
    // Degraded: only passes the portal listed for today/tomorrow, and only those, are admitted; every such grant
    // is flagged. The day check below still uses the best known time.
    if (context.localPolicy.degradedClockPolicy !== 'allow-known-passes' || display === undefined) {
      return denied('clock-untrusted', pass, display);
    }
    degradedClock = true;
  }
  const nowMs = clock.now.getTime();
  if (pass.campusDay !== campusDayOf(nowMs)) return denied('wrong-day', pass, display);
  if (!scopeIncludesZone(pass.scope, bundle.policy.zone)) return denied('not-for-this-gate', pass, display);
  if (!bundle.policy.passKinds.includes(pass.kind)) return denied('kind-not-allowed', pass, display);
  if (bundle.isRevoked(pass.passId)) return denied('revoked', pass, display);
  if (!bundle.openingHours.isOpenAt(nowMs)) return denied('outside-hours', pass, display);

  const usage = context.usage.get(pass.passId);
  if (usage !== undefined && usage.passages > 0) {
    if (pass.singleEntry) return denied('already-used', pass, display);
    const windowSeconds = Math.max(bundle.policy.reEntryWindowSeconds, context.localPolicy.reEntryWindowSeconds);
    const sinceLastMs = nowMs - usage.lastPassageAt.getTime();
    // A passage recorded "in the future" (clock re-synced backwards since) also counts as inside the window.
    if (windowSeconds > 0 && sinceLastMs < windowSeconds * 1000) return denied('re-entry-window', pass, display);
  }
  return degradedClock
    ? { decision: 'granted', pass, ...(display === undefined ? {} : { display }), degradedClock: true }
    : { decision: 'granted', pass, ...(display === undefined ? {} : { display }) };
}

function denied(reason: DenialReason, pass?: ScanPass, display?: BundlePass): ScanDecision {
  return {
    decision: 'denied',
    reason,
    ...(pass === undefined ? {} : { pass }),
    ...(display === undefined ? {} : { display }),
  };
}

function denialFor(reason: PassTokenErrorReason): DenialReason {
  switch (reason) {
    case 'unknown-kid':
      return 'unknown-key';
    case 'bad-signature':
      return 'bad-signature';
    case 'key-not-valid':
      return 'key-not-valid-for-day';
    default:
      // Every structural reason (prefix, base45, length, version, kind, flags, fields, internal-error).
      return 'malformed';
  }
}

function safeDecode(input: unknown): ScanPass | undefined {
  try {
    return toScanPass(decodePass(input));
  } catch {
    return undefined;
  }
}

function toScanPass(decoded: DecodedPass): ScanPass {
  const fields = decoded.fields;
  return fields.kind === 'alumni-day'
    ? {
        passId: fields.passId,
        kind: fields.kind,
        campusDay: fields.campusDay,
        ecardId: fields.ecardId,
        guestIndex: null,
        scope: fields.scope,
        singleEntry: fields.flags.singleEntry,
      }
    : {
        passId: fields.passId,
        kind: fields.kind,
        campusDay: fields.campusDay,
        ecardId: fields.hostEcardId,
        guestIndex: fields.guestIndex,
        scope: fields.scope,
        singleEntry: fields.flags.singleEntry,
      };
}
