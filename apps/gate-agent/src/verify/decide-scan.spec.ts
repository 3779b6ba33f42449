import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { DENIAL_REASONS, type DenialReason, type GatePolicy } from '@campuspass/contracts';
import { bytesToHex, campusDayStart, decodePass, encodeBase45, type SignatureVerifier } from '@campuspass/pass-token';
import { applyBundle, type BundleState } from '../bundle/bundle-state.js';
import { decideScan, type LocalPolicy, type ScanContext } from './decide-scan.js';
import { createSignatureVerifier } from './signature-verifier.js';
import {
  alumniPass,
  displayFor,
  fixedClock,
  fullBundle,
  GATE_ID,
  guestPass,
  otherPassSigner,
  passSigner,
  TODAY,
  WEDNESDAY_10_00_HK,
} from './testing/gate-fixtures.js';
import { InMemoryUsageStore } from './testing/in-memory-stores.js';

interface TestVectors {
  keys: { kidHex: string; publicKeyHex: string; trusted: boolean; notBeforeDay?: number; notAfterDay?: number }[];
  vectors: {
    name: string;
    qrText: string;
    fields?: { campusDay?: number; scope?: number };
    expected: { verdict: string; reason?: string };
  }[];
}
const testVectors = JSON.parse(
  readFileSync(new URL('../../../../libs/pass-token/test-vectors.json', import.meta.url), 'utf8'),
) as TestVectors;

const nodeVerifier = createSignatureVerifier('node-crypto');
const naclVerifier = createSignatureVerifier('tweetnacl');

function stateWith(overrides: Parameters<typeof fullBundle>[0] = {}): BundleState {
  return applyBundle(undefined, fullBundle(overrides), { gateId: GATE_ID, clock: fixedClock(undefined) });
}

function policy(overrides: Partial<GatePolicy>): GatePolicy {
  return { passKinds: ['alumni-day', 'guest'], zone: 0, hours: [], reEntryWindowSeconds: 0, ...overrides };
}

interface ContextOverrides {
  bundle?: BundleState | undefined;
  now?: Date;
  trusted?: boolean;
  usage?: InMemoryUsageStore;
  verifier?: SignatureVerifier;
  localPolicy?: Partial<LocalPolicy>;
}

function context(overrides: ContextOverrides = {}): ScanContext {
  return {
    bundle: 'bundle' in overrides ? overrides.bundle : stateWith(),
    clock: { now: overrides.now ?? WEDNESDAY_10_00_HK, trusted: overrides.trusted ?? true },
    usage: overrides.usage ?? new InMemoryUsageStore(),
    verifier: overrides.verifier ?? nodeVerifier,
    localPolicy: { reEntryWindowSeconds: 0, degradedClockPolicy: 'deny', ...overrides.localPolicy },
  };
}

/** The pass's record with one byte changed, as QR text (canonical base45, so only the content differs). */
function withByte(qrText: string, index: number, value: number): string {
  const bytes = Uint8Array.from(decodePass(qrText).bytes);
  bytes[index] = value;
  return `CP1:${encodeBase45(bytes)}`;
}

const hk = (isoLocal: string) => new Date(`${isoLocal}+08:00`);

describe('decideScan: granted', () => {
  it('grants a valid pass for today with the bundle’s display data', () => {
    const pass = alumniPass();
    const result = decideScan(pass.qrText, context({ bundle: stateWith({ passes: [displayFor(pass.passId)] }) }));
    expect(result).toEqual({
      decision: 'granted',
      pass: { passId: pass.passId, kind: 'alumni-day', campusDay: TODAY, ecardId: 4711, guestIndex: null, scope: 0, singleEntry: false },
      display: displayFor(pass.passId),
    });
  });

  it.each([['\r\n'], ['\n'], ['\r'], ['\r\n\r\n']])('strips a scanner’s trailing line end %j', (ending) => {
    expect(decideScan(alumniPass().qrText + ending, context()).decision).toBe('granted');
  });
});

describe('decideScan: every denial reason', () => {
  const reasonsSeen = new Set<DenialReason>();
  const expectDenied = (result: ReturnType<typeof decideScan>, reason: DenialReason) => {
    expect(result.decision).toBe('denied');
    expect(result.reason).toBe(reason);
    reasonsSeen.add(reason);
  };

  afterAll(() => {
    // Keeps this block honest: a reason added to the contract needs a test here.
    expect([...reasonsSeen].sort()).toEqual([...DENIAL_REASONS].sort());
  });

  it.each([
    ['an empty string', ''],
    ['a URL', 'https://example.com/'],
    ['lowercase prefix', alumniPass().qrText.replace('CP1:', 'cp1:')],
    ['leading whitespace', ` ${alumniPass().qrText}`],
    ['a truncated pass', alumniPass().qrText.slice(0, 100)],
    ['text over 256 characters', `CP1:${'0'.repeat(300)}`],
  ])('malformed: %s', (_name, text) => {
    const result = decideScan(text, context());
    expectDenied(result, 'malformed');
    expect(result.pass).toBeUndefined();
  });

  it('malformed: not a string at all', () => {
    expectDenied(decideScan(Buffer.from('CP1:'), context()), 'malformed');
  });

  it('no-bundle: a well-formed pass before the first bundle, reporting the pass', () => {
    const pass = alumniPass();
    const result = decideScan(pass.qrText, context({ bundle: undefined }));
    expectDenied(result, 'no-bundle');
    expect(result.pass?.passId).toBe(pass.passId);
  });

  it('unknown-key: signed by a key the bundle does not list', () => {
    expectDenied(decideScan(alumniPass({}, otherPassSigner).qrText, context()), 'unknown-key');
  });

  it('bad-signature: a flipped signature bit', () => {
    const pass = alumniPass();
    const result = decideScan(withByte(pass.qrText, 98, decodePass(pass.qrText).bytes[98]! ^ 1), context());
    expectDenied(result, 'bad-signature');
    expect(result.pass?.passId).toBe(pass.passId);
  });

  it('bad-signature: a changed eCard id', () => {
    const pass = alumniPass({ ecardId: 4711 });
    expectDenied(decideScan(withByte(pass.qrText, 34, 0x68), context()), 'bad-signature');
  });

  it('key-not-valid-for-day: the key’s window ended yesterday', () => {
    const bundle = stateWith({
      keys: [{ ...fullBundle().keys[0]!, status: 'retired', notBeforeDay: null, notAfterDay: TODAY - 1 }],
    });
    expectDenied(decideScan(alumniPass().qrText, context({ bundle })), 'key-not-valid-for-day');
  });

  it('wrong-day: tomorrow’s and yesterday’s passes', () => {
    expectDenied(decideScan(alumniPass({ campusDay: TODAY + 1 }).qrText, context()), 'wrong-day');
    expectDenied(decideScan(alumniPass({ campusDay: TODAY - 1 }).qrText, context()), 'wrong-day');
  });

  it('not-for-this-gate: scope without this gate’s zone', () => {
    const bundle = stateWith({ policy: policy({ zone: 3 }) });
    expectDenied(decideScan(alumniPass({ scope: 0b0100 }).qrText, context({ bundle })), 'not-for-this-gate');
    expect(decideScan(alumniPass({ scope: 0b1000 }).qrText, context({ bundle })).decision).toBe('granted');
    expect(decideScan(alumniPass({ scope: 0 }).qrText, context({ bundle })).decision).toBe('granted');
  });

  it('kind-not-allowed: a guest pass at an alumni-only gate', () => {
    const bundle = stateWith({ policy: policy({ passKinds: ['alumni-day'] }) });
    expectDenied(decideScan(guestPass().qrText, context({ bundle })), 'kind-not-allowed');
    expect(decideScan(alumniPass().qrText, context({ bundle })).decision).toBe('granted');
  });

  it('revoked: listed in the bundle’s revocations', () => {
    const pass = alumniPass();
    const bundle = stateWith({ revocations: [{ passId: pass.passId, campusDay: TODAY }] });
    expectDenied(decideScan(pass.qrText, context({ bundle })), 'revoked');
  });

  it('re-entry-window: the bundle’s window after a passage, then granted once it has passed', () => {
    const pass = alumniPass();
    const usage = new InMemoryUsageStore();
    usage.recordPassage(pass.passId, TODAY, new Date(WEDNESDAY_10_00_HK.getTime() - 30_000));
    const bundle = stateWith({ policy: policy({ reEntryWindowSeconds: 60 }) });
    expectDenied(decideScan(pass.qrText, context({ bundle, usage })), 're-entry-window');
    const later = new Date(WEDNESDAY_10_00_HK.getTime() + 31_000);
    expect(decideScan(pass.qrText, context({ bundle, usage, now: later })).decision).toBe('granted');
  });

  it('re-entry-window: the longer of the local and the bundle window applies', () => {
    const pass = alumniPass();
    const usage = new InMemoryUsageStore();
    usage.recordPassage(pass.passId, TODAY, new Date(WEDNESDAY_10_00_HK.getTime() - 90_000));
    const bundle = stateWith({ policy: policy({ reEntryWindowSeconds: 60 }) });
    expectDenied(decideScan(pass.qrText, context({ bundle, usage, localPolicy: { reEntryWindowSeconds: 120 } })), 're-entry-window');
    expect(decideScan(pass.qrText, context({ bundle, usage, localPolicy: { reEntryWindowSeconds: 30 } })).decision).toBe('granted');
  });

  it('already-used: a single-entry guest pass after one passage, whatever the window', () => {
    const pass = guestPass({ flags: { singleEntry: true } });
    const usage = new InMemoryUsageStore();
    expect(decideScan(pass.qrText, context({ usage })).decision).toBe('granted');
    usage.recordPassage(pass.passId, TODAY, new Date(WEDNESDAY_10_00_HK.getTime() - 3_600_000));
    expectDenied(decideScan(pass.qrText, context({ usage })), 'already-used');
  });

  it('outside-hours: before opening on a weekday', () => {
    const bundle = stateWith({ policy: policy({ hours: [{ weekdays: [1, 2, 3, 4, 5], open: '11:00', close: '18:00' }] }) });
    expectDenied(decideScan(alumniPass().qrText, context({ bundle })), 'outside-hours');
  });

  it('clock-untrusted: denied under the default policy, and the pass is still reported', () => {
    const pass = alumniPass();
    const bundle = stateWith({ passes: [displayFor(pass.passId)] });
    const result = decideScan(pass.qrText, context({ bundle, trusted: false }));
    expectDenied(result, 'clock-untrusted');
    expect(result.pass?.passId).toBe(pass.passId);
  });
});

describe('decideScan: campus day edges in Hong Kong time', () => {
  // 2025-09-02 23:59:59.999 HK = 15:59:59.999Z, the last instant of day TODAY - 1.
  const lastInstant = new Date(campusDayStart(TODAY).getTime() - 1);
  const firstInstant = campusDayStart(TODAY);

  it('at 23:59:59.999 Hong Kong, yesterday’s pass still works and today’s does not yet', () => {
    expect(lastInstant.toISOString()).toBe('2025-09-02T15:59:59.999Z');
    expect(decideScan(alumniPass({ campusDay: TODAY - 1 }).qrText, context({ now: lastInstant })).decision).toBe('granted');
    expect(decideScan(alumniPass({ campusDay: TODAY }).qrText, context({ now: lastInstant })).reason).toBe('wrong-day');
  });

  it('at 00:00:00.000 Hong Kong, today’s pass works and yesterday’s no longer does', () => {
    expect(decideScan(alumniPass({ campusDay: TODAY }).qrText, context({ now: firstInstant })).decision).toBe('granted');
    expect(decideScan(alumniPass({ campusDay: TODAY - 1 }).qrText, context({ now: firstInstant })).reason).toBe('wrong-day');
  });

  it('at 23:59 Hong Kong (15:59Z) the UTC date is already the same as the pass day, yet only HK counts', () => {
    const at2359 = hk('2025-09-03T23:59:00');
    expect(decideScan(alumniPass({ campusDay: TODAY }).qrText, context({ now: at2359 })).decision).toBe('granted');
    expect(decideScan(alumniPass({ campusDay: TODAY + 1 }).qrText, context({ now: hk('2025-09-04T00:00:00') })).decision).toBe('granted');
  });
});

describe('decideScan: opening hours across weekdays (Hong Kong time)', () => {
  const weekdaysOnly = stateWith({
    policy: policy({
      hours: [
        { weekdays: [1, 2, 3, 4, 5], open: '07:30', close: '22:00' },
        { weekdays: [6], open: '09:00', close: '13:00' },
        // Friday night event running past midnight into Saturday.
        { weekdays: [5], open: '23:00', close: '01:30' },
      ],
    }),
  });
  const decideAt = (isoLocal: string) => {
    const now = hk(isoLocal);
    const day = Math.floor((now.getTime() + 8 * 3_600_000) / 86_400_000);
    return decideScan(alumniPass({ campusDay: day }).qrText, context({ bundle: weekdaysOnly, now })).reason ?? 'granted';
  };

  it.each([
    ['2025-09-01T07:29', 'Monday before opening', 'outside-hours'],
    ['2025-09-01T07:30', 'Monday at opening', 'granted'],
    ['2025-09-03T21:59', 'Wednesday last minute', 'granted'],
    ['2025-09-03T22:00', 'Wednesday at closing', 'outside-hours'],
    ['2025-09-06T10:00', 'Saturday morning', 'granted'],
    ['2025-09-06T14:00', 'Saturday afternoon', 'outside-hours'],
    ['2025-09-07T10:00', 'Sunday', 'outside-hours'],
    ['2025-09-05T23:30', 'Friday night event', 'granted'],
    ['2025-09-06T01:00', 'Saturday 01:00, the Friday event continued', 'granted'],
    ['2025-09-06T01:30', 'Saturday 01:30, the Friday event over', 'outside-hours'],
    ['2025-09-02T01:00', 'Tuesday 01:00 (no event on Monday night)', 'outside-hours'],
  ])('%s (%s): %s', (isoLocal, _label, expected) => {
    expect(decideAt(isoLocal)).toBe(expected);
  });
});

describe('decideScan: untrusted clock, degraded policy allow-known-passes', () => {
  const local = { degradedClockPolicy: 'allow-known-passes' as const };

  it('grants a pass listed in the bundle, flagged as degraded', () => {
    const pass = alumniPass();
    const bundle = stateWith({ passes: [displayFor(pass.passId)] });
    const result = decideScan(pass.qrText, context({ bundle, trusted: false, localPolicy: local }));
    expect(result.decision).toBe('granted');
    expect(result.degradedClock).toBe(true);
    expect(result.display?.displayName).toBe('Chan Tai Man');
  });

  it('denies a validly signed pass the bundle does not list', () => {
    const result = decideScan(alumniPass().qrText, context({ trusted: false, localPolicy: local }));
    expect(result.reason).toBe('clock-untrusted');
  });

  it('still applies revocation and the other rules to known passes', () => {
    const pass = alumniPass();
    const bundle = stateWith({ passes: [displayFor(pass.passId)], revocations: [{ passId: pass.passId, campusDay: TODAY }] });
    expect(decideScan(pass.qrText, context({ bundle, trusted: false, localPolicy: local })).reason).toBe('revoked');
  });

  it('never flags a grant made with a trusted clock', () => {
    const pass = alumniPass();
    const bundle = stateWith({ passes: [displayFor(pass.passId)] });
    expect(decideScan(pass.qrText, context({ bundle, localPolicy: local })).degradedClock).toBeUndefined();
  });
});

describe('decideScan: node:crypto and tweetnacl agree', () => {
  const trustedKeys = testVectors.keys.filter((key) => key.trusted);
  const vectorBundle = stateWith({
    keys: trustedKeys.map((key) => ({
      kid: key.kidHex,
      publicKey: key.publicKeyHex,
      status: 'active' as const,
      notBeforeDay: key.notBeforeDay ?? null,
      notAfterDay: key.notAfterDay ?? null,
    })),
  });
  const expectedDenial: Record<string, DenialReason> = {
    'unknown-kid': 'unknown-key',
    'bad-signature': 'bad-signature',
    'key-not-valid': 'key-not-valid-for-day',
  };

  it.each(testVectors.vectors.map((vector) => [vector.name, vector] as const))('on test vector %s', (_name, vector) => {
    const fields = vector.fields;
    const day = fields?.campusDay ?? TODAY;
    const scope = fields?.scope ?? 0;
    const bundle = stateWith({
      keys: vectorBundle.keys.map((key) => ({ ...key })),
      policy: policy({ zone: scope === 0 ? 0 : Math.log2(scope & -scope) }),
    });
    const now = new Date(campusDayStart(day).getTime() + 12 * 3_600_000);
    const byNode = decideScan(vector.qrText, context({ bundle, now, verifier: nodeVerifier }));
    const byNacl = decideScan(vector.qrText, context({ bundle, now, verifier: naclVerifier }));
    expect(byNacl).toEqual(byNode);
    if (vector.expected.verdict === 'valid') {
      expect(byNode.decision).toBe('granted');
    } else {
      expect(byNode.reason).toBe(expectedDenial[vector.expected.reason!] ?? 'malformed');
    }
  });

  it('on random passes and tampered copies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 98 }), fc.integer({ min: 1, max: 255 }), (index, delta) => {
        const pass = alumniPass();
        const original = decodePass(pass.qrText).bytes[index]!;
        const tampered = withByte(pass.qrText, index, (original + delta) % 256);
        const byNode = decideScan(tampered, context({ verifier: nodeVerifier }));
        const byNacl = decideScan(tampered, context({ verifier: naclVerifier }));
        expect(byNacl).toEqual(byNode);
      }),
      { numRuns: 8 },
    );
  });
});

describe('decideScan: tampering never admits', () => {
  const pass = alumniPass({ scope: 0b10 });
  const guest = guestPass();
  const bundle = stateWith({ policy: policy({ zone: 1 }) });

  it('the untouched passes are granted (so the property below is meaningful)', () => {
    expect(decideScan(pass.qrText, context({ bundle })).decision).toBe('granted');
    expect(decideScan(guest.qrText, context({ bundle })).decision).toBe('granted');
  });

  it('any single-byte change to the record is never granted', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), (useGuest, position, delta) => {
        const qrText = useGuest ? guest.qrText : pass.qrText;
        const bytes = decodePass(qrText).bytes;
        const index = position % bytes.length;
        const tampered = withByte(qrText, index, (bytes[index]! + delta) % 256);
        return decideScan(tampered, context({ bundle })).decision === 'denied';
      }),
      { numRuns: 1000 },
    );
  });

  it('any single-character change to the QR text is never granted', () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:abc\r\n\u0000';
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...alphabet), (position, character) => {
        const index = position % pass.qrText.length;
        fc.pre(pass.qrText[index] !== character);
        const tampered = pass.qrText.slice(0, index) + character + pass.qrText.slice(index + 1);
        return decideScan(tampered, context({ bundle })).decision === 'denied';
      }),
      { numRuns: 1000 },
    );
  });

  it('the key the pass names is the bundle’s key (sanity of the fixture)', () => {
    expect(bytesToHex(decodePass(pass.qrText).kid)).toBe(fullBundle().keys[0]!.kid);
    expect(passSigner.publicKey).toHaveLength(32);
  });
});
