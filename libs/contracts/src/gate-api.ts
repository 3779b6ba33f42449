import { z } from 'zod';

/**
 * The gate ↔ portal HTTP API besides the bundle (see gate-bundle.ts).
 *
 * - `POST /api/gate/enroll` (unauthenticated, rate limited): the gate proves it holds a one-time enrollment code an
 *   AAO admin created for a named gate, and registers the public half of the identity key it made itself. The
 *   answer pins the portal's bundle public key and says where the gate drains its events.
 * - `POST /api/gate/heartbeat` (signed like every gate request, see gateRequestSigningInput): the gate's health;
 *   the answer carries the portal's time signed with the bundle key, which the gate may trust for its clock.
 */

const hex = (bytes: number) =>
  z
    .string()
    .length(bytes * 2)
    .regex(/^[0-9a-f]+$/, 'lowercase hex');

/** Enrollment codes as the AAO reads them out: 3 groups of 4 from an alphabet without 0/O, 1/I/L. */
export const ENROLLMENT_CODE_PATTERN = /^[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){2}$/;

export const gateEnrollRequestSchema = z.strictObject({
  enrollmentCode: z.string().trim().toUpperCase().regex(ENROLLMENT_CODE_PATTERN, 'an enrollment code looks like K7P2-9QXM-4TRD'),
  /** The gate's Ed25519 identity public key, hex. */
  publicKey: hex(32),
  /** Agent version, for the gate list. */
  agentVersion: z.string().min(1).max(40),
});
export type GateEnrollRequest = z.infer<typeof gateEnrollRequestSchema>;

export const gateEnrollResponseSchema = z.strictObject({
  gateId: z.uuid(),
  gateName: z.string().min(1).max(200),
  /** The portal's bundle-signing public key (Ed25519, hex): the gate pins it and refuses bundles signed otherwise. */
  bundlePublicKey: hex(32),
  bundleKid: hex(8),
  /** Where the gate drains its outbox: the BullMQ connection for the gate-events queue (credentials of the gates' ACL user). */
  eventQueue: z.strictObject({
    redisUrl: z.string().min(1).max(2000),
    prefix: z.string().min(1).max(100),
  }),
});
export type GateEnrollResponse = z.infer<typeof gateEnrollResponseSchema>;

export const gateHealthSchema = z.enum(['ok', 'fault', 'absent']);

export const gateHeartbeatRequestSchema = z.strictObject({
  agentVersion: z.string().min(1).max(40),
  /** Bundle version the gate decides with (0: none). */
  bundleVersion: z.number().int().min(0),
  clockTrusted: z.boolean(),
  /** Gate clock minus portal clock at the last sync, in ms (null: not measured yet). */
  clockOffsetMs: z.number().int().nullable(),
  outboxPending: z.number().int().min(0),
  /** Outbox fill, 0–1. */
  outboxFill: z.number().min(0).max(1),
  oldestPendingAt: z.iso.datetime({ offset: false }).nullable(),
  relay: gateHealthSchema,
  passageSensor: gateHealthSchema,
  input: gateHealthSchema,
  /** Fire/panic input state where wired. */
  fireInput: z.enum(['normal', 'active', 'absent']),
  uptimeSeconds: z.number().int().min(0),
});
export type GateHeartbeatRequest = z.infer<typeof gateHeartbeatRequestSchema>;

/**
 * The portal's time, signed with the bundle key over {@link portalTimeSigningInput}: bound to the gate and to the
 * x-gate-timestamp of the heartbeat it answers, so an old answer replayed to a gate (say, after a reboot) does not
 * verify against the request the gate just sent.
 */
export const gateHeartbeatResponseSchema = z.strictObject({
  portalTime: z.iso.datetime({ offset: false }),
  /** Ed25519 signature by the bundle key, base64. */
  signature: z.base64().length(88),
  /** The newest bundle version: the gate pulls at once when it holds an older one. */
  bundleVersion: z.number().int().min(0),
});
export type GateHeartbeatResponse = z.infer<typeof gateHeartbeatResponseSchema>;

export function portalTimeSigningInput(gateId: string, portalTime: string, requestTimestamp: string): string {
  return ['campuspass.portal-time/1', gateId, portalTime, requestTimestamp].join('\n');
}
