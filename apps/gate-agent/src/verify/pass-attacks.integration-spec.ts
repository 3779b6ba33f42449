import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { campusDayOf, campusDayStart, decodePass, encodeBase45, encodePass, type PassSigner } from '@campuspass/pass-token';
import { createNodeSigner } from '@campuspass/pass-token/node';
import type { DenialReason } from '@campuspass/contracts';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ecardOf } from '../../../../test/support/ecard-fixtures.js';
import { signGateRequest } from '../../../../test/support/gate-client.js';
import {
  GATE_ALICE,
  inviteGuests,
  registeredGate,
  startPortalWithActiveAlumnus,
  type GatePortal,
} from '../../../../test/support/gate-fixtures.js';
import type { GateKeyPair } from '../../../../test/support/gate-client.js';
import { post, type HttpSession } from '../../../../test/support/http-sessions.js';
import { decodeQrPng } from '../../../../test/support/qr-screenshot.js';
import { AAO_ADMIN, SECURITY_GUARD, STAFF_PASSWORD, createStaffAndSignIn } from '../../../../test/support/staff-fixtures.js';
import { AuditService } from '../../../portal/src/admin/audit.service.js';
import { StaffService } from '../../../portal/src/admin/staff.service.js';
import { EcardService } from '../../../portal/src/ecard/ecard.service.js';
import { GateAdminService } from '../../../portal/src/gates/gate-admin.service.js';
import { Clock } from '../../../portal/src/identity/clock.js';
import { KeysService } from '../../../portal/src/keys/keys.service.js';
import { GUEST_PASS_QR_CID } from '../../../portal/src/mail/mail-templates.js';
import { openSignedBundle, PinnedBundleKey } from '../bundle/bundle-signature.js';
import { applyBundle, type BundleState } from '../bundle/bundle-state.js';
import { isBundleError } from '../bundle/bundle.error.js';
import { decideScan, type ScanDecision } from './decide-scan.js';
import { createSignatureVerifier } from './signature-verifier.js';
import { InMemoryUsageStore } from './testing/in-memory-stores.js';

/**
 * Attacks on the pass, end to end: passes the portal really issued, bundles the portal really signed (fetched over HTTP
 * as a gate does, opened with the pinned bundle key), decided by the gate's own decideScan. Forged, tampered, replayed
 * on another day, signed by a retired key (while it is published and after the bundle drops it) or a revoked one, shown at a gate whose
 * policy refuses it or with another gate's bundle, garbage payloads, and the passes of a revoked eCard.
 */

const HOUR_MS = 3_600_000;
const verifier = createSignatureVerifier('node-crypto');

interface Gate {
  id: string;
  keys: GateKeyPair;
}

describe('pass attacks against a gate, with what the portal issued (PostgreSQL, Redis, real HTTP app)', () => {
  let system: GatePortal;
  let pinned: PinnedBundleKey;
  let north: Gate;
  let alumniOnly: Gate;
  let alicePass: { passId: string; qrText: string };
  let guestPass: { id: string; qrText: string };
  /** Key A: the pass key that signed today's passes, held as an attacker who stole it would. */
  let keyA: { kid: string; signer: PassSigner };
  /** A security officer's session, for the portal's handheld check. */
  let guard: HttpSession;
  const today = campusDayOf(Date.now());
  /** Mid-day (Hong Kong) of a campus day, as the gate's trusted clock. */
  const middayOf = (day: number) => new Date(campusDayStart(day).getTime() + 12 * HOUR_MS);

  async function bundleAt(gate: Gate, at: Date, held?: BundleState): Promise<BundleState> {
    const clock = system.portal.app.get(Clock);
    const spy = jest.spyOn(clock, 'now').mockReturnValue(at);
    try {
      const path = '/api/gate/bundle';
      const headers = signGateRequest({
        gateId: gate.id,
        privateKey: gate.keys.privateKey,
        method: 'GET',
        pathWithQuery: path,
        timestamp: Math.floor(at.getTime() / 1000),
      });
      const response = await request(system.portal.app.getHttpServer()).get(path).set(headers).expect(200);
      const bundle = openSignedBundle(response.body, pinned);
      return applyBundle(held, bundle, { gateId: gate.id, clock: { trustedNow: () => at, floor: () => undefined } });
    } finally {
      spy.mockRestore();
    }
  }

  function decide(text: unknown, bundle: BundleState, at: Date): ScanDecision {
    return decideScan(text, {
      bundle,
      clock: { now: at, trusted: true },
      usage: new InMemoryUsageStore(),
      verifier,
      localPolicy: { reEntryWindowSeconds: 0, degradedClockPolicy: 'deny' },
    });
  }

  const reason = (decision: ScanDecision): DenialReason | 'granted' => (decision.decision === 'granted' ? 'granted' : decision.reason!);

  /** The pass's own fields, signed anew by `signer` (for another day, if given). */
  function resign(qrText: string, signer: PassSigner, campusDay?: number): string {
    const { fields } = decodePass(qrText);
    return encodePass({ ...fields, ...(campusDay === undefined ? {} : { campusDay }) } as Parameters<typeof encodePass>[0], signer).qrText;
  }

  beforeAll(async () => {
    system = await startPortalWithActiveAlumnus();
    const keys = system.portal.app.get(KeysService);
    const bundleKey = (await keys.list()).find((key) => key.purpose === 'bundle' && key.status === 'active')!;
    pinned = new PinnedBundleKey(Uint8Array.from(Buffer.from(bundleKey.publicKey, 'base64')));
    north = await registeredGate(system.portal, 'North 1');
    alumniOnly = await registeredGate(system.portal, 'Staff Lane');
    await system.portal.app
      .get(GateAdminService)
      .setPolicy(alumniOnly.id, { passKinds: ['alumni-day'], zone: 0, hours: [], reEntryWindowSeconds: 0 });
    alicePass = (await system.alice.agent.get('/api/passes/today').expect(200)).body as { passId: string; qrText: string };
    [guestPass] = (await inviteGuests(system.alice, ['Guest One'])) as [{ id: string; qrText: string }];
    const active = await keys.activeSigner('pass', today);
    keyA = { kid: active.kid, signer: active.signer };
    guard = await createStaffAndSignIn(system.portal, system.smtp, SECURITY_GUARD);
  }, 120_000);

  afterAll(async () => {
    await system?.close();
  });

  it('grants what the portal issued, at the gate, with the bundle the portal signed (so every denial below means something)', async () => {
    const now = new Date();
    const bundle = await bundleAt(north, now);
    expect(reason(decide(alicePass.qrText, bundle, now))).toBe('granted');
    expect(reason(decide(guestPass.qrText, bundle, now))).toBe('granted');
  });

  it('denies a forged pass: random key, or the portal key’s kid with a forger’s signature', async () => {
    const now = new Date();
    const bundle = await bundleAt(north, now);
    const forger = createNodeSigner(randomBytes(32));
    expect(reason(decide(resign(alicePass.qrText, forger), bundle, now))).toBe('unknown-key');
    // The forger's record with the portal key's kid written in (kid: bytes 2..9 of the record, FORMAT.md).
    const forged = Uint8Array.from(decodePass(resign(alicePass.qrText, forger)).bytes);
    const genuine = decodePass(alicePass.qrText).bytes;
    forged.set(genuine.subarray(2, 10), 2);
    expect(Buffer.from(forged.subarray(2, 10)).toString('hex')).toBe(keyA.kid);
    expect(reason(decide(`CP1:${encodeBase45(forged)}`, bundle, now))).toBe('bad-signature');
  });

  it('denies every single-byte change to a portal-issued pass and guest pass, at every byte', async () => {
    const now = new Date();
    const bundle = await bundleAt(north, now);
    const granted: string[] = [];
    for (const qrText of [alicePass.qrText, guestPass.qrText]) {
      const bytes = decodePass(qrText).bytes;
      for (let index = 0; index < bytes.length; index++) {
        for (const mask of [0x01, 0x80, 0xff]) {
          const changed = Uint8Array.from(bytes);
          changed[index] = changed[index]! ^ mask;
          if (decide(`CP1:${encodeBase45(changed)}`, bundle, now).decision === 'granted') granted.push(`${index}^${mask}`);
        }
      }
    }
    expect(granted).toEqual([]);
  });

  it("denies today's pass replayed tomorrow and yesterday, with those days' bundles", async () => {
    const tomorrow = middayOf(today + 1);
    const yesterday = middayOf(today - 1);
    const tomorrowsBundle = await bundleAt(north, tomorrow);
    expect(reason(decide(alicePass.qrText, tomorrowsBundle, tomorrow))).toBe('wrong-day');
    const yesterdaysBundle = await bundleAt(north, yesterday);
    expect(reason(decide(alicePass.qrText, yesterdaysBundle, yesterday))).toBe('wrong-day');
  });

  it('garbage, truncated and oversized payloads are malformed, and never granted', async () => {
    const now = new Date();
    const bundle = await bundleAt(north, now);
    const payloads: unknown[] = [
      '',
      'CP1:',
      alicePass.qrText.slice(0, -1),
      alicePass.qrText.slice(0, 40),
      `${alicePass.qrText}00`,
      `${alicePass.qrText}${alicePass.qrText.slice(4)}`,
      `CP1:${'A'.repeat(100_000)}`,
      'CP1:<script>alert(1)</script>',
      `CP1:${alicePass.qrText.slice(4).toLowerCase()}`,
      'CP2:' + alicePass.qrText.slice(4),
      '\u0000'.repeat(50),
      null,
      42,
      { qrText: alicePass.qrText },
    ];
    for (const payload of payloads) {
      const decision = decide(payload, bundle, now);
      expect({ payload: String(payload).slice(0, 30), decision: decision.decision }).toEqual({
        payload: String(payload).slice(0, 30),
        decision: 'denied',
      });
      expect(['malformed', 'bad-signature']).toContain(decision.reason);
    }
  });

  it("another gate's bundle is refused; a gate whose policy is alumni-only denies the guest pass the other gate admits", async () => {
    const now = new Date();
    const northBundle = await bundleAt(north, now);
    const clock = { trustedNow: () => now, floor: () => undefined };
    // The north gate's (genuinely signed) bundle, offered to the staff lane gate.
    const envelope = await (async () => {
      const path = '/api/gate/bundle';
      const headers = signGateRequest({ gateId: north.id, privateKey: north.keys.privateKey, method: 'GET', pathWithQuery: path });
      return (await request(system.portal.app.getHttpServer()).get(path).set(headers).expect(200)).body as unknown;
    })();
    let refused: unknown;
    try {
      applyBundle(undefined, openSignedBundle(envelope, pinned), { gateId: alumniOnly.id, clock });
    } catch (error) {
      refused = error;
    }
    expect(isBundleError(refused) && refused.code).toBe('bundle-wrong-gate');
    const laneBundle = await bundleAt(alumniOnly, now);
    expect(reason(decide(guestPass.qrText, laneBundle, now))).toBe('kind-not-allowed');
    expect(reason(decide(alicePass.qrText, laneBundle, now))).toBe('granted');
    expect(reason(decide(guestPass.qrText, northBundle, now))).toBe('granted');
  });

  it('a retired key: its passes still admit on the days it signed for; a stolen copy signs nothing later, and the next bundle drops it', async () => {
    const keys = system.portal.app.get(KeysService);
    const now = new Date();
    // A forced rotation promotes the next key and retires A at once (the AAO's answer to a stolen key).
    await keys.rotate({ now, force: true });
    expect((await keys.list()).find((key) => key.kid === keyA.kid)!.status).toBe('retired');

    // Today: A is still published (it signed today's passes), so they admit; a pass A signs for tomorrow does not.
    const todays = await bundleAt(north, now);
    expect(todays.keys.map((key) => key.kid)).toContain(keyA.kid);
    expect(reason(decide(alicePass.qrText, todays, now))).toBe('granted');
    const stolenTomorrow = resign(alicePass.qrText, keyA.signer, today + 1);
    const tomorrow = middayOf(today + 1);
    // A gate that has not synced since: A's window ended today.
    expect(reason(decide(stolenTomorrow, todays, tomorrow))).toBe('key-not-valid-for-day');
    // Tomorrow's bundle no longer lists A at all.
    const tomorrows = await bundleAt(north, tomorrow);
    expect(tomorrows.keys.map((key) => key.kid)).not.toContain(keyA.kid);
    expect(reason(decide(stolenTomorrow, tomorrows, tomorrow))).toBe('unknown-key');
    // A pass the stolen A signs for today under a pass id the portal never issued: the handheld check refuses it.
    const { fields } = decodePass(alicePass.qrText);
    const stolenToday = encodePass(
      { ...fields, passId: randomBytes(16).toString('hex') } as Parameters<typeof encodePass>[0],
      keyA.signer,
    ).qrText;
    const handheld = (await post(guard, '/api/security/handheld/check', { qr: stolenToday, location: 'Side door' }).expect(200)).body as {
      decision: string;
      reason: string;
    };
    expect(handheld.decision).toBe('denied');
    // Passes signed after the rotation verify with the new key.
    const fresh = await keys.activeSigner('pass', today + 1);
    expect(fresh.kid).not.toBe(keyA.kid);
    expect(reason(decide(resign(alicePass.qrText, fresh.signer, today + 1), tomorrows, tomorrow))).toBe('granted');
  });

  it('a revoked key (security review): a stolen copy signing same-day passes is denied from the next bundle on; holders get codes signed anew', async () => {
    const keys = system.portal.app.get(KeysService);
    const audit = system.portal.app.get(AuditService);
    // The review's probe: A is retired (previous test) but still published for today, the days it signed for, so a
    // thief holding A signs a same-day pass under a pass id of their own, and a gate on today's bundle admits it.
    expect((await keys.list()).find((key) => key.kid === keyA.kid)!.status).toBe('retired');
    const now = new Date();
    const held = await bundleAt(north, now);
    const { fields } = decodePass(alicePass.qrText);
    const stolenToday = encodePass(
      { ...fields, passId: randomBytes(16).toString('hex') } as Parameters<typeof encodePass>[0],
      keyA.signer,
    ).qrText;
    expect(reason(decide(stolenToday, held, now))).toBe('granted');
    const oldAlice = alicePass.qrText;
    const oldGuest = guestPass.qrText;

    // The fix: revoke A. The next bundle (a delta on top of the one held) has a higher version and no longer lists A.
    const keyId = (await keys.list()).find((key) => key.kid === keyA.kid)!.id;
    const result = await keys.revoke(keyId, {
      now: new Date(),
      reason: 'pass key stolen (security review probe)',
      actor: { type: 'system', id: 'test' },
    });
    expect(result.changes.map((change) => change.action)).toEqual(['revoked']);
    const after = await bundleAt(north, new Date(), held);
    expect(after.version).toBeGreaterThan(held.version);
    expect(after.keys.map((key) => key.kid)).not.toContain(keyA.kid);
    expect(reason(decide(stolenToday, after, now))).toBe('unknown-key');
    expect(reason(decide(oldAlice, after, now))).toBe('unknown-key');
    expect(reason(decide(oldGuest, after, now))).toBe('unknown-key');
    const handheld = (await post(guard, '/api/security/handheld/check', { qr: oldAlice, location: 'Side door' }).expect(200)).body as {
      decision: string;
    };
    expect(handheld.decision).toBe('denied');

    // The holder loses nothing: today's pass, fetched again, is the same pass signed anew by the active key, and stays so.
    const again = (await system.alice.agent.get('/api/passes/today').expect(200)).body as { passId: string; qrText: string };
    expect(again.passId).toBe(alicePass.passId);
    expect(again.qrText).not.toBe(oldAlice);
    expect(decodePass(again.qrText).fields).toEqual(fields);
    expect(reason(decide(again.qrText, after, now))).toBe('granted');
    expect(((await system.alice.agent.get('/api/passes/today').expect(200)).body as { qrText: string }).qrText).toBe(again.qrText);

    // The guest: the emailed or shared link's page (/g/<token>) signs the pass anew when it is opened, and shows that code.
    const listed = (await system.alice.agent.get('/api/guest-passes').expect(200)).body as Array<{ id: string; share?: { link: string } }>;
    const token = new URL(listed.find((pass) => pass.id === guestPass.id)!.share!.link).pathname.split('/').pop()!;
    const page = (await request(system.portal.app.getHttpServer()).get(`/api/public/guest-passes/${token}`).expect(200)).body as {
      status: string;
      qrSvg: string;
    };
    const hostView = (await system.alice.agent.get(`/api/guest-passes/${guestPass.id}`).expect(200)).body as {
      qrText: string;
      qrSvg: string;
    };
    expect(page.status).toBe('valid');
    expect(hostView.qrText).not.toBe(oldGuest);
    expect(page.qrSvg).toBe(hostView.qrSvg);
    expect(reason(decide(hostView.qrText, after, now))).toBe('granted');
    // Sharing it by email again sends the new code as the inline QR image.
    const mailsBefore = system.smtp.messages.length;
    await post(system.alice, `/api/guest-passes/${guestPass.id}/share/email`, { to: 'guest.one@example.com', locale: 'en' }).expect(202);
    const mail = await system.smtp.waitForMessage('guest.one@example.com', 10_000, { after: mailsBefore });
    const image = mail.attachments.find((attachment) => attachment.cid === GUEST_PASS_QR_CID)!;
    expect((await decodeQrPng(image.content)).text).toBe(hostView.qrText);
    const resigned = (await audit.list({ action: 'pass.resign' })).map((event) => event.targetId).sort();
    expect(resigned).toEqual([alicePass.passId, guestPass.id].sort());
    alicePass = again;
    guestPass = { id: guestPass.id, qrText: hostView.qrText };
  });

  it('denies the day pass and the guest passes of a revoked eCard, from the next bundle on', async () => {
    const ecard = await ecardOf(system.portal, GATE_ALICE.email);
    const admin = await system.portal.app.get(StaffService).create({ ...AAO_ADMIN, password: STAFF_PASSWORD });
    const now = new Date();
    const before = await bundleAt(north, now);
    await system.portal.app.get(EcardService).revoke(ecard.id, 'Reported lost', { staffId: admin.account.id, ip: null });
    const after = await bundleAt(north, new Date(), before);
    expect(reason(decide(alicePass.qrText, after, now))).toBe('revoked');
    expect(reason(decide(guestPass.qrText, after, now))).toBe('revoked');
    // A gate still on the earlier bundle admits them until it syncs: the portal flags such entries (ingest specs).
    expect(reason(decide(alicePass.qrText, before, now))).toBe('granted');
  });
});
