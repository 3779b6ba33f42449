// Shared by the gate benchmarks: a fixed clock, a pass-signing key and a gate bundle of the usual size.
import { randomBytes } from 'node:crypto';
import { bytesToHex, campusDayOf, kidOf } from '@campuspass/pass-token';
import { createNodeSigner } from '@campuspass/pass-token/node';
import { GATE_BUNDLE_FORMAT } from '@campuspass/contracts';
import { applyBundle } from '../../apps/gate-agent/dist/bundle/bundle-state.js';

export const GATE_ID = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';
export const now = new Date('2025-09-03T02:00:00.000Z'); // Wednesday 10:00 Hong Kong
export const today = campusDayOf(now);
export const signer = createNodeSigner(new Uint8Array(32).fill(11));
export const randomPassId = () => randomBytes(16).toString('hex');

/**
 * A full bundle as a gate holds it: the signer's key active and a next key, `passCount` passes with display data (the
 * given pass ids first, then random ones, eCard ids from `firstEcardId`), 200 revocations, weekday hours 07:00-23:00,
 * a 60 s re-entry window. Returns the bundle and the gate's applied state.
 */
export function benchBundle({ passIds = [], passCount = 2000, firstEcardId = 1 } = {}) {
  const bundle = {
    format: GATE_BUNDLE_FORMAT,
    gateId: GATE_ID,
    gateName: 'Bench gate',
    kind: 'full',
    version: 1,
    baseVersion: null,
    issuedAt: now.toISOString(),
    campusDay: today,
    keys: [signer, createNodeSigner(new Uint8Array(32).fill(12))].map((key, index) => ({
      kid: bytesToHex(kidOf(key.publicKey)),
      publicKey: bytesToHex(key.publicKey),
      status: index === 0 ? 'active' : 'next',
      notBeforeDay: null,
      notAfterDay: null,
    })),
    policy: {
      passKinds: ['alumni-day', 'guest'],
      zone: 0,
      hours: [{ weekdays: [1, 2, 3, 4, 5], open: '07:00', close: '23:00' }],
      reEntryWindowSeconds: 60,
    },
    revocations: Array.from({ length: 200 }, () => ({ passId: randomPassId(), campusDay: today })),
    passes: [...passIds, ...Array.from({ length: Math.max(0, passCount - passIds.length) }, randomPassId)].map((passId, i) => ({
      passId,
      kind: 'alumni-day',
      campusDay: today,
      ecardId: firstEcardId + i,
      guestIndex: null,
      displayName: `Alumnus ${i}`,
      hostName: null,
      thumbnailJpegBase64: null,
    })),
  };
  const state = applyBundle(undefined, bundle, { gateId: GATE_ID, clock: { trustedNow: () => now, floor: () => undefined } });
  return { bundle, state };
}
