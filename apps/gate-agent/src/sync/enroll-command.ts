import type { GateConfig } from '../config/gate-config.schema.js';
import { IdentityStore } from '../identity/identity-store.js';
import { isIdentityError } from '../identity/identity.error.js';
import { ensureEnrolled } from './enroll-gate.js';
import { PortalClient } from './portal-client.js';
import { isSyncError, SyncErrorCode } from './sync.error.js';

/** sysexits(3) codes of `gate-agent --enroll`. */
export enum EnrollExitCode {
  Ok = 0,
  /** The portal refused the code (wrong, used, expired) or the gate was revoked. */
  Refused = 77,
  /** The portal could not be reached or answered badly: try again later. */
  Unavailable = 69,
  /** The identity or enrollment file cannot be used (permissions, corrupt, disk). */
  IoError = 74,
}

export interface EnrollCommandOutput {
  write(text: string): unknown;
}

/**
 * `gate-agent --enroll <code>`: makes the identity key if there is none, registers it with the one-time code, pins
 * the answer under storage.dataDir and prints what was pinned (never the key or the queue credentials).
 * A gate already enrolled is left as it is.
 */
export async function runEnrollCommand(
  config: Pick<GateConfig, 'portal' | 'storage'>,
  code: string | undefined,
  output: { stdout: EnrollCommandOutput; stderr: EnrollCommandOutput },
  fetchImpl?: typeof fetch,
): Promise<EnrollExitCode> {
  const store = new IdentityStore(config.storage.dataDir);
  const client = new PortalClient({
    baseUrl: config.portal.url,
    timeoutMs: config.portal.requestTimeoutMs,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  try {
    const { enrollment, enrolledNow, identity } = await ensureEnrolled({
      store,
      client,
      portalUrl: config.portal.url,
      enrollmentCode: code ?? config.portal.enrollmentCode,
    });
    output.stdout.write(
      `${JSON.stringify({
        enrolled: true,
        enrolledNow,
        gateId: enrollment.gateId,
        gateName: enrollment.gateName,
        bundleKid: enrollment.bundleKid,
        identityPublicKey: identity.publicKeyHex,
        enrollmentFile: store.enrollmentPath,
      })}\n`,
    );
    return EnrollExitCode.Ok;
  } catch (error) {
    if (isSyncError(error)) {
      output.stderr.write(`${error.message}\n`);
      return [SyncErrorCode.EnrollmentRefused, SyncErrorCode.GateRevoked, SyncErrorCode.NotEnrolled].includes(error.code)
        ? EnrollExitCode.Refused
        : EnrollExitCode.Unavailable;
    }
    if (isIdentityError(error)) {
      output.stderr.write(`${error.message}\n`);
      return EnrollExitCode.IoError;
    }
    throw error;
  }
}
