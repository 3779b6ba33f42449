import { GATE_BUNDLE_MAX_AGE_SECONDS } from '@campuspass/contracts';
import {
  alumniPass,
  bundleSigner,
  deltaBundle,
  displayFor,
  fixedClock,
  forgerSigner,
  fullBundle,
  GATE_ID,
  OTHER_GATE_ID,
  signBundle,
  TODAY,
  WEDNESDAY_10_00_HK,
} from '../verify/testing/gate-fixtures.js';
import { InMemoryBundleStateStore } from '../verify/testing/in-memory-stores.js';
import { BundleErrorCode, isBundleError } from './bundle.error.js';
import { PinnedBundleKey } from './bundle-signature.js';
import { applyBundle, type BundleClock } from './bundle-state.js';
import { deserializeBundleState, serializeBundleState } from './bundle-state-codec.js';
import { GateBundleHolder } from './gate-bundle-holder.js';

const pinnedKey = new PinnedBundleKey(bundleSigner.publicKey);

function holder(clock: BundleClock = fixedClock(WEDNESDAY_10_00_HK), store = new InMemoryBundleStateStore()) {
  return { holder: new GateBundleHolder({ gateId: GATE_ID, pinnedKey, store, clock }), store };
}

function refusal(work: () => unknown): { code: string; message: string } {
  try {
    work();
  } catch (error) {
    if (isBundleError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a BundleError, but the bundle was accepted');
}

const hoursAfter = (date: Date, hours: number) => new Date(date.getTime() + hours * 3_600_000);

describe('GateBundleHolder.accept: the envelope', () => {
  it('accepts a full bundle signed with the pinned key, saves it, and hands back the portal time', () => {
    const { holder: gate, store } = holder();
    const outcome = gate.accept(signBundle(fullBundle()));
    expect(outcome.state.version).toBe(10);
    expect(outcome.portalTime.toISOString()).toBe(WEDNESDAY_10_00_HK.toISOString());
    expect(gate.current()).toBe(outcome.state);
    expect(store.saved?.version).toBe(10);
  });

  it('refuses a bundle signed by another key that claims the pinned kid', () => {
    const forged = signBundle(fullBundle(), forgerSigner);
    const envelope = { ...forged, kid: pinnedKey.kidHex };
    const { holder: gate, store } = holder();
    expect(refusal(() => gate.accept(envelope)).code).toBe(BundleErrorCode.BadSignature);
    expect(gate.current()).toBeUndefined();
    expect(store.saves).toBe(0);
  });

  it('refuses a payload altered after signing', () => {
    const signed = signBundle(fullBundle());
    const altered = { ...signed, payload: signed.payload.replace('"zone":0', '"zone":1') };
    expect(altered.payload).not.toBe(signed.payload);
    expect(refusal(() => holder().holder.accept(altered)).code).toBe(BundleErrorCode.BadSignature);
  });

  it('refuses a bundle whose kid is not the pinned key, telling to re-enroll', () => {
    const result = refusal(() => holder().holder.accept(signBundle(fullBundle(), forgerSigner)));
    expect(result.code).toBe(BundleErrorCode.KeyMismatch);
    expect(result.message).toMatch(/re-enroll/);
  });

  it('refuses an envelope that is not {kid, payload, signature}', () => {
    const result = refusal(() => holder().holder.accept({ payload: '{}' }));
    expect(result.code).toBe(BundleErrorCode.MalformedEnvelope);
    expect(result.message).toMatch(/kid/);
  });

  it('refuses a correctly signed payload that is not a valid bundle, naming the field', () => {
    const result = refusal(() => holder().holder.accept(signBundle({ ...fullBundle(), version: -1 })));
    expect(result.code).toBe(BundleErrorCode.InvalidPayload);
    expect(result.message).toMatch(/version/);
  });

  it('refuses a bundle for another gate', () => {
    const result = refusal(() => holder().holder.accept(signBundle(fullBundle({ gateId: OTHER_GATE_ID }))));
    expect(result.code).toBe(BundleErrorCode.WrongGate);
  });
});

describe('GateBundleHolder.accept: version order', () => {
  it('never goes back to a lower version, and keeps the held state', () => {
    const { holder: gate } = holder();
    gate.accept(signBundle(fullBundle({ version: 10 })));
    expect(refusal(() => gate.accept(signBundle(fullBundle({ version: 9 })))).code).toBe(BundleErrorCode.VersionRollback);
    expect(gate.current()?.version).toBe(10);
  });

  it('applies a delta only on the exact base version held, asking for a full bundle otherwise', () => {
    const { holder: gate } = holder();
    gate.accept(signBundle(fullBundle({ version: 10 })));
    try {
      gate.accept(signBundle(deltaBundle(11, 12)));
      throw new Error('expected a refusal');
    } catch (error) {
      expect(isBundleError(error) && error.code).toBe(BundleErrorCode.DeltaBaseMismatch);
      expect(isBundleError(error) && error.needsFullBundle).toBe(true);
    }
    expect(gate.accept(signBundle(deltaBundle(10, 12))).state.version).toBe(12);
  });

  it('refuses a delta when the gate holds no bundle yet', () => {
    expect(refusal(() => holder().holder.accept(signBundle(deltaBundle(10, 11)))).code).toBe(BundleErrorCode.DeltaBaseMismatch);
  });
});

describe('GateBundleHolder.accept: freshness', () => {
  const issued = WEDNESDAY_10_00_HK;

  it('refuses a bundle older than GATE_BUNDLE_MAX_AGE_SECONDS by the trusted clock', () => {
    const now = new Date(issued.getTime() + (GATE_BUNDLE_MAX_AGE_SECONDS + 1) * 1000);
    const result = refusal(() => holder(fixedClock(now)).holder.accept(signBundle(fullBundle())));
    expect(result.code).toBe(BundleErrorCode.Stale);
  });

  it('accepts one just inside the maximum age', () => {
    const now = new Date(issued.getTime() + (GATE_BUNDLE_MAX_AGE_SECONDS - 1) * 1000);
    expect(holder(fixedClock(now)).holder.accept(signBundle(fullBundle())).state.version).toBe(10);
  });

  it('refuses a bundle issued absurdly in the future of the trusted clock', () => {
    const now = hoursAfter(issued, -2);
    expect(refusal(() => holder(fixedClock(now)).holder.accept(signBundle(fullBundle()))).code).toBe(BundleErrorCode.FromTheFuture);
  });

  it('with an untrusted clock, judges age by the last trusted time persisted', () => {
    const floor = new Date(issued.getTime() + (GATE_BUNDLE_MAX_AGE_SECONDS + 60) * 1000);
    expect(refusal(() => holder(fixedClock(undefined, floor)).holder.accept(signBundle(fullBundle()))).code).toBe(BundleErrorCode.Stale);
    // With no reference at all (first boot, no NTP) the signed bundle is accepted: it is what makes the clock trusted.
    expect(holder(fixedClock(undefined)).holder.accept(signBundle(fullBundle())).state.version).toBe(10);
  });
});

describe('applyBundle: deltas and pruning', () => {
  const clock = fixedClock(WEDNESDAY_10_00_HK);
  const options = { gateId: GATE_ID, clock };

  it('adds a delta’s revocations and passes, and replaces keys and policy', () => {
    const first = alumniPass();
    const second = alumniPass();
    const base = applyBundle(
      undefined,
      fullBundle({ revocations: [{ passId: first.passId, campusDay: TODAY }], passes: [displayFor(first.passId)] }),
      options,
    );
    const next = applyBundle(
      base,
      deltaBundle(10, 11, {
        revocations: [{ passId: second.passId, campusDay: TODAY }],
        passes: [displayFor(second.passId, { displayName: 'Wong Siu Ming' })],
        policy: { passKinds: ['alumni-day'], zone: 3, hours: [], reEntryWindowSeconds: 120 },
      }),
      options,
    );
    expect(next.isRevoked(first.passId)).toBe(true);
    expect(next.isRevoked(second.passId)).toBe(true);
    expect(next.passes.get(first.passId)?.displayName).toBe('Chan Tai Man');
    expect(next.passes.get(second.passId)?.displayName).toBe('Wong Siu Ming');
    expect(next.policy.zone).toBe(3);
    // The old state is untouched (immutable).
    expect(base.isRevoked(second.passId)).toBe(false);
    expect(base.policy.zone).toBe(0);
  });

  it('prunes revocations and passes of campus days that are over', () => {
    const old = alumniPass({ campusDay: TODAY - 1 });
    const current = alumniPass();
    const tomorrow = alumniPass({ campusDay: TODAY + 1 });
    const state = applyBundle(
      undefined,
      fullBundle({
        revocations: [
          { passId: old.passId, campusDay: TODAY - 1 },
          { passId: current.passId, campusDay: TODAY },
        ],
        passes: [displayFor(old.passId, { campusDay: TODAY - 1 }), displayFor(tomorrow.passId, { campusDay: TODAY + 1 })],
      }),
      options,
    );
    expect(state.isRevoked(old.passId)).toBe(false);
    expect(state.isRevoked(current.passId)).toBe(true);
    expect([...state.passes.keys()]).toEqual([tomorrow.passId]);
  });

  it('keeps yesterday’s revocation while the gate’s trusted clock is still in yesterday', () => {
    const pass = alumniPass({ campusDay: TODAY - 1 });
    // The portal already counts TODAY; the gate (a few seconds behind, before midnight) still counts TODAY - 1.
    const gateJustBeforeMidnight = new Date(Date.UTC(2025, 8, 2, 15, 59, 58));
    const portalJustAfterMidnight = new Date(Date.UTC(2025, 8, 2, 16, 0, 5));
    const bundle = fullBundle({
      issuedAt: portalJustAfterMidnight.toISOString(),
      revocations: [{ passId: pass.passId, campusDay: TODAY - 1 }],
    });
    const state = applyBundle(undefined, bundle, {
      gateId: GATE_ID,
      clock: fixedClock(gateJustBeforeMidnight),
    });
    expect(state.isRevoked(pass.passId)).toBe(true);
  });
});

describe('bundle state cache', () => {
  it('round-trips through the store and decides the same', () => {
    const pass = alumniPass();
    const { holder: gate, store } = holder();
    gate.accept(signBundle(fullBundle({ revocations: [{ passId: pass.passId, campusDay: TODAY }], passes: [displayFor(pass.passId)] })));
    const { holder: restarted } = holder(undefined, store);
    expect(restarted.restore()).toEqual({ status: 'restored', version: 10 });
    const state = restarted.current()!;
    expect(state.isRevoked(pass.passId)).toBe(true);
    expect(state.passes.get(pass.passId)?.displayName).toBe('Chan Tai Man');
    expect(state.keySet.size).toBe(1);
    expect(serializeBundleState(state)).toBe(store.saved?.stateJson);
  });

  it('reports an empty cache as empty', () => {
    expect(holder().holder.restore()).toEqual({ status: 'empty' });
  });

  it.each([
    ['truncated JSON', (json: string) => json.slice(0, json.length / 2), /not JSON/],
    ['a key with a bad public key', (json: string) => json.replace(/"publicKey":"[0-9a-f]+"/, '"publicKey":"zz"'), /keys\.0\.publicKey/],
    ['a version that disagrees with the store', (json: string) => json.replace('"version":10', '"version":11'), /version 11/],
    ['another gate’s state', (json: string) => json.replace(GATE_ID, OTHER_GATE_ID), /saved for gate/],
  ])('refuses a corrupt cache (%s) with a clear error and falls back to no bundle', (_name, corrupt, message) => {
    const { holder: gate, store } = holder();
    gate.accept(signBundle(fullBundle()));
    store.saved = { version: 10, stateJson: corrupt(store.saved!.stateJson) };
    const { holder: restarted } = holder(undefined, store);
    const outcome = restarted.restore();
    expect(outcome.status).toBe('corrupt');
    if (outcome.status !== 'corrupt') return;
    expect(outcome.error.code).toBe(BundleErrorCode.CorruptCache);
    expect(outcome.error.message).toMatch(message);
    expect(outcome.error.message).toMatch(/waits for the next bundle/);
    expect(restarted.current()).toBeUndefined();
  });

  it('refuses a cached key whose window is inverted (it could never verify)', () => {
    const state = applyBundle(undefined, fullBundle(), { gateId: GATE_ID, clock: fixedClock(WEDNESDAY_10_00_HK) });
    const json = serializeBundleState(state).replace('"notBeforeDay":null,"notAfterDay":null', '"notBeforeDay":20000,"notAfterDay":19000');
    expect(() => deserializeBundleState(json, { gateId: GATE_ID, version: 10 })).toThrow(/notBeforeDay 20000 is after notAfterDay 19000/);
  });
});
