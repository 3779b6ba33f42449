import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { bytesToHex, kidOf } from '@campuspass/pass-token';
import { GATE_BUNDLE_FORMAT, gateBundleSchema, signedGateBundleSchema, type GateBundle } from '@campuspass/contracts';
import { BundleError, BundleErrorCode } from './bundle.error.js';

// SPKI DER header for a raw Ed25519 public key (OID 1.3.101.112); node:crypto imports raw keys only inside it.
const SPKI_ED25519_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);

/** The portal's bundle public key, pinned at enrollment. Built once; verifies any number of bundles. */
export class PinnedBundleKey {
  readonly kidHex: string;
  readonly #keyObject: KeyObject;

  constructor(publicKey: Uint8Array) {
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
      throw new BundleError(BundleErrorCode.KeyMismatch, 'the pinned bundle key must be a 32-byte Ed25519 public key; re-enroll the gate');
    }
    this.kidHex = bytesToHex(kidOf(publicKey));
    this.#keyObject = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
  }

  verify(payload: string, signatureBase64: string): boolean {
    try {
      return verify(null, Buffer.from(payload, 'utf8'), this.#keyObject, Buffer.from(signatureBase64, 'base64'));
    } catch {
      return false;
    }
  }
}

/**
 * Checks a SignedGateBundle envelope (as received, unknown JSON) with the pinned key, then — and only then —
 * parses the payload. Version order, gate and freshness are checked when the bundle is applied (bundle-state.ts).
 */
export function openSignedBundle(envelope: unknown, pinnedKey: PinnedBundleKey): GateBundle {
  const parsedEnvelope = signedGateBundleSchema.safeParse(envelope);
  if (!parsedEnvelope.success) {
    const issue = parsedEnvelope.error.issues[0];
    throw new BundleError(
      BundleErrorCode.MalformedEnvelope,
      `expected {kid, payload, signature} from GET /api/gate/bundle; ${issue?.path.join('.') || 'envelope'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const { kid, payload, signature } = parsedEnvelope.data;
  if (kid !== pinnedKey.kidHex) {
    throw new BundleError(
      BundleErrorCode.KeyMismatch,
      `bundle signed by key ${kid}, but this gate pinned ${pinnedKey.kidHex}; if the portal's bundle key was rotated, re-enroll the gate`,
    );
  }
  if (!pinnedKey.verify(payload, signature)) {
    throw new BundleError(
      BundleErrorCode.BadSignature,
      'the signature does not verify with the pinned bundle key; the bundle was altered or forged',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (error) {
    throw new BundleError(BundleErrorCode.InvalidPayload, 'the signed payload is not JSON; report this to the portal operators', {
      cause: error,
    });
  }
  const bundle = gateBundleSchema.safeParse(json);
  if (!bundle.success) {
    const issue = bundle.error.issues[0];
    throw new BundleError(
      BundleErrorCode.InvalidPayload,
      `the signed payload is not a ${GATE_BUNDLE_FORMAT} bundle; ${issue?.path.join('.') || 'bundle'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return bundle.data;
}
