import { z } from 'zod';

/**
 * A gate event: one fact a gate recorded (a scan decision, a passage outcome, an alarm, a guard's manual open).
 *
 * Transport: the gate's outbox is drained to the `gate-events` BullMQ queue, one job per event with
 * `jobId = eventId`, added in batches (`addBulk`). The job data is a {@link SignedGateEvent}: the event as JSON
 * text and the gate's Ed25519 signature over its UTF-8 bytes, so the portal worker can check which gate said it
 * before it inserts with `eventId` unique (an event is counted once however often it is delivered).
 */
export const GATE_EVENT_FORMAT = 'campuspass.gate-event/1';

/** Machine-readable reasons a scan was denied. */
export const DENIAL_REASONS = [
  'malformed',
  'unknown-key',
  'bad-signature',
  'key-not-valid-for-day',
  'wrong-day',
  'not-for-this-gate',
  'kind-not-allowed',
  'revoked',
  're-entry-window',
  'already-used',
  'outside-hours',
  'clock-untrusted',
  'no-bundle',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

export const GATE_EVENT_TYPES = ['scan', 'passage', 'forced-passage', 'manual-open', 'sensor-fault', 'alert'] as const;
export type GateEventType = (typeof GATE_EVENT_TYPES)[number];

/**
 * How a grant ended: the turnstile turned, it did not within the timeout (or the relay failed), the sensor failed,
 * or the gate agent stopped abruptly (crash, power loss) before the passage ended and recorded that on restart.
 */
export const GATE_PASSAGE_OUTCOMES = ['passed', 'not-passed', 'sensor-fault', 'interrupted'] as const;
export type GatePassageOutcome = (typeof GATE_PASSAGE_OUTCOMES)[number];

const hex = (bytes: number) =>
  z
    .string()
    .length(bytes * 2)
    .regex(/^[0-9a-f]+$/, 'lowercase hex');

export const gateEventSchema = z
  .strictObject({
    format: z.literal(GATE_EVENT_FORMAT),
    /** UUID made by the gate when it recorded the event; the idempotency key end to end. */
    eventId: z.uuid(),
    gateId: z.uuid(),
    /** Per-gate sequence number, strictly increasing in the order the gate recorded events. */
    sequence: z.number().int().positive(),
    type: z.enum(GATE_EVENT_TYPES),
    /** When it happened by the gate's clock (ISO, UTC). */
    occurredAt: z.iso.datetime({ offset: false }),
    /** Whether the gate trusted its clock (NTP or signed portal time) when it recorded the event. */
    clockTrusted: z.boolean(),
    /** Bundle version the decision was made with (0: none yet). */
    bundleVersion: z.number().int().min(0),
    /** scan: the decision; null for other types. */
    decision: z.enum(['granted', 'denied']).nullable(),
    /** scan denied: why; alert: what (free code); null otherwise. */
    reason: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, 'kebab-case code')
      .nullable(),
    /** The pass concerned, when the QR decoded (even if denied afterwards). */
    pass: z
      .strictObject({
        passId: hex(16),
        kind: z.enum(['alumni-day', 'guest']),
        campusDay: z.number().int().min(0).max(65535),
        ecardId: z.number().int().positive(),
        guestIndex: z.number().int().min(1).max(255).nullable(),
      })
      .nullable(),
    /** passage: the outcome of a grant (the scan event it follows is `scanEventId`). */
    passage: z.enum(GATE_PASSAGE_OUTCOMES).nullable(),
    scanEventId: z.uuid().nullable(),
    /** manual-open: who opened, as the guard identified on the guard page. */
    operator: z.string().max(200).nullable(),
    /** Free detail for people (never a token or secret). */
    detail: z.string().max(500).nullable(),
  })
  .refine((event) => (event.type === 'scan') === (event.decision !== null), {
    message: 'a scan event has a decision and other events do not',
    path: ['decision'],
  });
export type GateEvent = z.infer<typeof gateEventSchema>;

export const signedGateEventSchema = z.strictObject({
  gateId: z.uuid(),
  /** The event as JSON text; the signature covers its UTF-8 bytes. */
  payload: z.string().min(2).max(8192),
  /** Ed25519 signature by the gate's identity key, base64. */
  signature: z.base64().length(88),
});
export type SignedGateEvent = z.infer<typeof signedGateEventSchema>;
