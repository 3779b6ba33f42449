import { z } from 'zod';

/**
 * The gate bundle: everything a gate needs to decide offline, signed by the portal's bundle key.
 *
 * Wire form (`GET /api/gate/bundle`, JSON): a {@link SignedGateBundle} envelope. The signature is Ed25519 over the
 * UTF-8 bytes of `payload` exactly as sent, so no canonical JSON is needed: the gate verifies the bytes with
 * the bundle public key it pinned at enrollment, and only then parses them with {@link gateBundleSchema}.
 *
 * Versions: one portal-wide, strictly increasing number. A full bundle is the whole state at `version`; a delta
 * carries what changed after `baseVersion` (the version the gate already holds) up to `version`. Keys and policy
 * are small and always complete, in both kinds. A gate applies a delta only when `baseVersion` equals its own
 * version, and never accepts a version lower than the one it holds.
 */
export const GATE_BUNDLE_FORMAT = 'campuspass.gate-bundle/1';

/** How long after `issuedAt` a bundle may still be used to start from (the gate's freshness check). */
export const GATE_BUNDLE_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

/** Headers of the gate's signed requests (see {@link gateRequestSigningInput}). */
export const GATE_ID_HEADER = 'x-gate-id';
export const GATE_TIMESTAMP_HEADER = 'x-gate-timestamp';
export const GATE_SIGNATURE_HEADER = 'x-gate-signature';
/** A signed request older or newer than this (portal clock) is refused, so a captured request cannot be replayed later. */
export const GATE_REQUEST_MAX_SKEW_SECONDS = 300;

const hex = (bytes: number) =>
  z
    .string()
    .length(bytes * 2)
    .regex(/^[0-9a-f]+$/, 'lowercase hex');
const campusDay = z.number().int().min(0).max(65535);
const isoInstant = z.iso.datetime({ offset: false });

export const bundleKeySchema = z.strictObject({
  /** kid as in the pass (first 8 bytes of SHA-256 of the public key), hex. */
  kid: hex(8),
  /** Ed25519 public key, hex. */
  publicKey: hex(32),
  /** `next` keys are published before they sign; `retired` ones stay until their passes expire. */
  status: z.enum(['next', 'active', 'retired']),
  notBeforeDay: campusDay.nullable(),
  notAfterDay: campusDay.nullable(),
});
export type BundleKey = z.infer<typeof bundleKeySchema>;

export const bundleRevocationSchema = z.strictObject({
  passId: hex(16),
  /** The pass's campus day: the gate drops the revocation once that day is over. */
  campusDay,
});
export type BundleRevocation = z.infer<typeof bundleRevocationSchema>;

export const bundlePassSchema = z.strictObject({
  passId: hex(16),
  kind: z.enum(['alumni-day', 'guest']),
  campusDay,
  ecardId: z.number().int().positive(),
  /** Guests: 1-based index within the host's passes for the day; null for alumni. */
  guestIndex: z.number().int().min(1).max(255).nullable(),
  /** What the guard page shows: the alumnus's name, or the guest's name. */
  displayName: z.string().min(1).max(200),
  /** Guests: the inviting alumnus's name. */
  hostName: z.string().max(200).nullable(),
  /** Small JPEG of the eCard photo as base64 (alumni passes); null for guests or when there is no photo. */
  thumbnailJpegBase64: z
    .string()
    .max(64 * 1024)
    .nullable(),
});
export type BundlePass = z.infer<typeof bundlePassSchema>;

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24-hour, Hong Kong time)');

export const gatePolicySchema = z.strictObject({
  /** Pass kinds this gate admits. */
  passKinds: z.array(z.enum(['alumni-day', 'guest'])).min(1),
  /** Zone bit of this gate (0–15) matched against the pass's scope; scope 0 means every gate. */
  zone: z.number().int().min(0).max(15),
  /** Opening hours in Hong Kong time per ISO weekday (1 = Monday); an empty list means always open. */
  hours: z.array(z.strictObject({ weekdays: z.array(z.number().int().min(1).max(7)).min(1), open: timeOfDay, close: timeOfDay })),
  /** Anti-passback: the same pass is refused at this gate for this long after a passage. */
  reEntryWindowSeconds: z.number().int().min(0).max(86400),
});
export type GatePolicy = z.infer<typeof gatePolicySchema>;

export const gateBundleSchema = z
  .strictObject({
    format: z.literal(GATE_BUNDLE_FORMAT),
    gateId: z.uuid(),
    gateName: z.string().min(1).max(200),
    kind: z.enum(['full', 'delta']),
    version: z.number().int().positive(),
    /** Delta: the version it applies on top of. Full: null. */
    baseVersion: z.number().int().positive().nullable(),
    /** The portal's clock when it built the bundle (a signed time the gate may trust). */
    issuedAt: isoInstant,
    /** The portal's campus day when it built the bundle. */
    campusDay,
    keys: z.array(bundleKeySchema).min(1),
    policy: gatePolicySchema,
    /** Full: every unexpired revocation. Delta: revocations added after baseVersion. */
    revocations: z.array(bundleRevocationSchema),
    /** Full: display data of every live pass for today and tomorrow. Delta: passes issued after baseVersion. */
    passes: z.array(bundlePassSchema),
  })
  .refine((bundle) => (bundle.kind === 'full') === (bundle.baseVersion === null), {
    message: 'a full bundle has no baseVersion and a delta has one',
    path: ['baseVersion'],
  })
  .refine((bundle) => bundle.baseVersion === null || bundle.baseVersion < bundle.version, {
    message: 'baseVersion must be lower than version',
    path: ['baseVersion'],
  });
export type GateBundle = z.infer<typeof gateBundleSchema>;

export const signedGateBundleSchema = z.strictObject({
  /** kid of the bundle key that signed (hex), so a gate can tell a re-keyed portal from a forgery. */
  kid: hex(8),
  /** The bundle as JSON text; the signature covers its UTF-8 bytes. */
  payload: z
    .string()
    .min(2)
    .max(32 * 1024 * 1024),
  /** Ed25519 signature, base64. */
  signature: z.base64().length(88),
});
export type SignedGateBundle = z.infer<typeof signedGateBundleSchema>;

/**
 * The bytes a gate signs for an authenticated request: method, path with query, the timestamp header and the
 * SHA-256 of the body (hex; of the empty string when there is none), one per line. The signature goes in
 * {@link GATE_SIGNATURE_HEADER} as base64. The timestamp ({@link GATE_TIMESTAMP_HEADER}) is the Unix time in whole
 * seconds, in decimal; the path is the one sent, e.g. `/api/gate/bundle?since=12`.
 */
export function gateRequestSigningInput(method: string, pathWithQuery: string, timestamp: string, bodySha256Hex: string): string {
  return ['campuspass.gate-request/1', method.toUpperCase(), pathWithQuery, timestamp, bodySha256Hex].join('\n');
}
