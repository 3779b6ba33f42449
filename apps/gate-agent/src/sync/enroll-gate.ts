import type { GateIdentity } from '../identity/gate-identity.js';
import type { GateEnrollment, IdentityStore } from '../identity/identity-store.js';
import type { PortalClient } from './portal-client.js';
import { SyncError, SyncErrorCode } from './sync.error.js';

/** Reported to the portal at enrollment and in heartbeats. */
export const GATE_AGENT_VERSION = '0.1.0';

export interface EnsureEnrolledOptions {
  readonly store: IdentityStore;
  readonly client: PortalClient;
  /** portal.url, kept with the enrollment. */
  readonly portalUrl: string;
  /** portal.enrollmentCode or `--enroll <code>`; used only when the gate is not enrolled yet. */
  readonly enrollmentCode?: string | undefined;
  readonly agentVersion?: string;
  readonly now?: () => Date;
}

export interface EnrolledGate {
  readonly identity: GateIdentity;
  readonly enrollment: GateEnrollment;
  /** True when this call enrolled the gate (false: it already was). */
  readonly enrolledNow: boolean;
}

/**
 * Makes sure the gate is enrolled: loads (or makes and stores) the identity key; when no enrollment is pinned,
 * registers the public key with the one-time code and pins the portal's answer durably before returning it.
 */
export async function ensureEnrolled(options: EnsureEnrolledOptions): Promise<EnrolledGate> {
  const now = options.now ?? (() => new Date());
  const existing = await options.store.loadIdentity();
  if (existing) {
    const enrollment = await options.store.loadEnrollment(existing);
    if (enrollment) return { identity: existing, enrollment, enrolledNow: false };
  }
  const code = options.enrollmentCode?.trim();
  if (!code) {
    throw new SyncError(
      SyncErrorCode.NotEnrolled,
      `this gate is not enrolled (no ${options.store.enrollmentPath}); ask the Alumni Affairs Office for an enrollment code for this gate, then set portal.enrollmentCode in the gate configuration or run the agent with --enroll <code>`,
    );
  }
  const { identity } = existing ? { identity: existing } : await options.store.loadOrCreateIdentity(now());
  const response = await options.client.enroll({
    enrollmentCode: code,
    publicKey: identity.publicKeyHex,
    agentVersion: options.agentVersion ?? GATE_AGENT_VERSION,
  });
  const enrollment = await options.store.saveEnrollment(identity, options.portalUrl, response, now());
  return { identity, enrollment, enrolledNow: true };
}
