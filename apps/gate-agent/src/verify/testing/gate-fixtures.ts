import { randomBytes } from 'node:crypto';
import {
  bytesToHex,
  campusDayOf,
  encodePass,
  kidOf,
  type AlumniDayPassFields,
  type GuestPassFields,
  type PassSigner,
} from '@campuspass/pass-token';
import { createNodeSigner } from '@campuspass/pass-token/node';
import { GATE_BUNDLE_FORMAT, type BundlePass, type GateBundle, type SignedGateBundle } from '@campuspass/contracts';
import type { BundleClock } from '../../bundle/bundle-state.js';

// Fixed TEST keys and builders for real signed passes and bundles. Never trust these keys outside tests.

export const GATE_ID = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';
export const OTHER_GATE_ID = '0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b';

export const passSigner: PassSigner = createNodeSigner(new Uint8Array(32).fill(11));
export const otherPassSigner: PassSigner = createNodeSigner(new Uint8Array(32).fill(12));
export const bundleSigner: PassSigner = createNodeSigner(new Uint8Array(32).fill(21));
export const forgerSigner: PassSigner = createNodeSigner(new Uint8Array(32).fill(22));

/** 2025-09-03 (a Wednesday), 10:00 Hong Kong = 02:00Z. Campus day 20334. */
export const WEDNESDAY_10_00_HK = new Date('2025-09-03T02:00:00.000Z');
export const TODAY = campusDayOf(WEDNESDAY_10_00_HK);

export function newPassId(): string {
  return randomBytes(16).toString('hex');
}

export function alumniPass(
  overrides: Partial<AlumniDayPassFields> = {},
  signer: PassSigner = passSigner,
): { qrText: string; passId: string } {
  const fields: AlumniDayPassFields = {
    kind: 'alumni-day',
    passId: newPassId(),
    campusDay: TODAY,
    scope: 0,
    flags: { singleEntry: false },
    ecardId: 4711,
    ...overrides,
  };
  return { qrText: encodePass(fields, signer).qrText, passId: fields.passId };
}

export function guestPass(overrides: Partial<GuestPassFields> = {}, signer: PassSigner = passSigner): { qrText: string; passId: string } {
  const fields: GuestPassFields = {
    kind: 'guest',
    passId: newPassId(),
    campusDay: TODAY,
    scope: 0,
    flags: { singleEntry: true },
    hostEcardId: 4711,
    guestIndex: 1,
    ...overrides,
  };
  return { qrText: encodePass(fields, signer).qrText, passId: fields.passId };
}

export function displayFor(passId: string, overrides: Partial<BundlePass> = {}): BundlePass {
  return {
    passId,
    kind: 'alumni-day',
    campusDay: TODAY,
    ecardId: 4711,
    guestIndex: null,
    displayName: 'Chan Tai Man',
    hostName: null,
    thumbnailJpegBase64: null,
    ...overrides,
  };
}

export function fullBundle(overrides: Partial<GateBundle> = {}): GateBundle {
  return {
    format: GATE_BUNDLE_FORMAT,
    gateId: GATE_ID,
    gateName: 'North entrance',
    kind: 'full',
    version: 10,
    baseVersion: null,
    issuedAt: WEDNESDAY_10_00_HK.toISOString(),
    campusDay: TODAY,
    keys: [
      {
        kid: bytesToHex(kidOf(passSigner.publicKey)),
        publicKey: bytesToHex(passSigner.publicKey),
        status: 'active',
        notBeforeDay: null,
        notAfterDay: null,
      },
    ],
    policy: { passKinds: ['alumni-day', 'guest'], zone: 0, hours: [], reEntryWindowSeconds: 0 },
    revocations: [],
    passes: [],
    ...overrides,
  };
}

export function deltaBundle(baseVersion: number, version: number, overrides: Partial<GateBundle> = {}): GateBundle {
  return fullBundle({ kind: 'delta', baseVersion, version, ...overrides });
}

/** Signs a bundle as the portal does: Ed25519 over the UTF-8 bytes of the payload text. */
export function signBundle(bundle: unknown, signer: PassSigner = bundleSigner): SignedGateBundle {
  const payload = JSON.stringify(bundle);
  return {
    kid: bytesToHex(kidOf(signer.publicKey)),
    payload,
    signature: Buffer.from(signer.sign(Buffer.from(payload, 'utf8'))).toString('base64'),
  };
}

/** A BundleClock fixed at a time (trusted) or untrusted with an optional floor. */
export function fixedClock(trustedNow: Date | undefined, floor?: Date): BundleClock {
  return { trustedNow: () => trustedNow, floor: () => floor };
}
