import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { PinnedBundleKey } from '../bundle/bundle-signature.js';
import { HeartbeatSender, type HeartbeatHealth } from './heartbeat-sender.js';
import type { GateSigner, PortalClient } from './portal-client.js';

/**
 * The early heartbeat on a change, under a fake clock: the portal's bundle version rises with every pass issued and
 * a heartbeat answered "newer" makes the puller fetch it, so heartbeat and pull must not feed each other; a
 * flapping device or clock trust must not send faster than one early heartbeat per max(5 s, interval / 4).
 */
describe('HeartbeatSender early heartbeats', () => {
  const BACKOFF = { minSeconds: 60, maxSeconds: 60, jitterPercent: 0 };
  const signer = { gateId: 'gate-1' } as unknown as GateSigner;
  const pinnedKey = { verify: () => true, kidHex: 'k1' } as unknown as PinnedBundleKey;
  const clock = { acceptPortalTime: () => true };

  let current: HeartbeatHealth;
  let portalVersion: number;
  let sent: Array<{ at: number; health: HeartbeatHealth }>;
  let failing: boolean;
  let inFlight: number;
  let maxInFlight: number;
  let sender: HeartbeatSender | undefined;
  const timers: NodeJS.Timeout[] = [];

  const client = {
    async heartbeat(_signer: GateSigner, health: HeartbeatHealth) {
      sent.push({ at: Date.now(), health: { ...health } });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30)); // the round trip
      inFlight--;
      if (failing) throw new Error('portal unreachable');
      return { portalTime: new Date().toISOString(), signature: 'sig', bundleVersion: portalVersion, requestTimestamp: '1' };
    },
  } as unknown as PortalClient;

  function start(intervalSeconds: number, extra: { changeCheckMs?: number; onNewerBundle?: (version: number) => void } = {}): number {
    sender = new HeartbeatSender({
      client,
      signer,
      pinnedKey,
      clock,
      health: () => current,
      intervalSeconds,
      backoff: BACKOFF,
      ...extra,
    });
    const startedAt = Date.now();
    sender.start();
    return startedAt;
  }

  function every(ms: number, action: () => void): void {
    timers.push(setInterval(action, ms));
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-27T08:00:00Z') });
    current = {
      agentVersion: '0.1.0',
      bundleVersion: 0,
      clockTrusted: true,
      clockOffsetMs: 0,
      outboxPending: 0,
      outboxFill: 0,
      oldestPendingAt: null,
      relay: 'ok',
      passageSensor: 'ok',
      input: 'ok',
      fireInput: 'absent',
      uptimeSeconds: 1,
    };
    portalVersion = 1;
    sent = [];
    failing = false;
    inFlight = 0;
    maxInFlight = 0;
  });

  afterEach(async () => {
    for (const timer of timers.splice(0)) clearInterval(timer);
    const stopping = sender?.stop();
    await jest.advanceTimersByTimeAsync(100);
    await stopping;
    sender = undefined;
    jest.useRealTimers();
  });

  it('sends at once for the first bundle only: a pass issued every 200 ms for 20 s makes 2 heartbeats, not 20', async () => {
    let pulls = 0;
    every(200, () => portalVersion++); // a busy morning: every pass issued bumps the bundle version
    const startedAt = start(30, {
      // The puller fetches what the portal holds 150 ms after it heard of a newer version.
      onNewerBundle: () => {
        setTimeout(() => {
          pulls++;
          current = { ...current, bundleVersion: portalVersion };
        }, 150);
      },
    });
    await jest.advanceTimersByTimeAsync(20_000);

    expect(sent).toHaveLength(2);
    expect(sent[0]!.health.bundleVersion).toBe(0);
    // The first bundle reached the portal within the next change check, not an interval later.
    expect(sent[1]!.health.bundleVersion).toBeGreaterThan(0);
    expect(sent[1]!.at - startedAt).toBeLessThanOrEqual(1500);
    expect(pulls).toBe(2);
    // The next version goes with the regular heartbeat, 30 s after the last one.
    await jest.advanceTimersByTimeAsync(sent[1]!.at + 30_000 - Date.now() + 100);
    expect(sent).toHaveLength(3);
    expect(sent[2]!.health.bundleVersion).toBeGreaterThan(sent[1]!.health.bundleVersion);
  });

  it.each([
    {
      field: 'passageSensor',
      intervalSeconds: 30,
      flip: (h: HeartbeatHealth) => ({ passageSensor: h.passageSensor === 'ok' ? 'fault' : 'ok' }),
    },
    { field: 'relay', intervalSeconds: 10, flip: (h: HeartbeatHealth) => ({ relay: h.relay === 'ok' ? 'fault' : 'ok' }) },
    { field: 'clockTrusted', intervalSeconds: 10, flip: (h: HeartbeatHealth) => ({ clockTrusted: !h.clockTrusted }) },
  ] as const)(
    'a $field flapping every 500 ms sends at most one early heartbeat per max(5 s, interval / 4) (interval $intervalSeconds s)',
    async ({ intervalSeconds, flip }) => {
      start(intervalSeconds, { changeCheckMs: 200 });
      await jest.advanceTimersByTimeAsync(100); // the start-up heartbeat
      expect(sent).toHaveLength(1);
      every(500, () => (current = { ...current, ...flip(current) } as HeartbeatHealth));
      await jest.advanceTimersByTimeAsync(20_000);

      const minGapMs = Math.max(5000, (intervalSeconds * 1000) / 4);
      const later = sent.slice(1);
      // Early ones and, at most, regular ones (their interval restarts after every send): never closer than the gap.
      expect(later.length).toBeGreaterThanOrEqual(1); // the change still reaches the portal early
      expect(later.length).toBeLessThanOrEqual(Math.floor(20_000 / minGapMs) + 1);
      for (let index = 1; index < later.length; index++) {
        expect(later[index]!.at - later[index - 1]!.at).toBeGreaterThanOrEqual(minGapMs);
      }
    },
  );

  it('sends the start-up changes at once (trusted clock, then first bundle), then holds further changes for the gap', async () => {
    current = { ...current, clockTrusted: false };
    const startedAt = start(120);
    await jest.advanceTimersByTimeAsync(1500);
    expect(sent).toHaveLength(1);

    current = { ...current, clockTrusted: true }; // the first answer made the clock trusted
    await jest.advanceTimersByTimeAsync(1100);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.health.clockTrusted).toBe(true);

    current = { ...current, bundleVersion: 5 }; // the first bundle: at once, though within the gap
    await jest.advanceTimersByTimeAsync(1100);
    expect(sent).toHaveLength(3);
    expect(sent[2]!.health.bundleVersion).toBe(5);

    // A device fault within 30 s (120 s / 4) of the last early heartbeat waits for the gap to pass, then goes.
    current = { ...current, relay: 'fault' };
    const earlyAt = sent[1]!.at;
    await jest.advanceTimersByTimeAsync(earlyAt + 30_000 - Date.now() - 500);
    expect(sent).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(1600);
    expect(sent).toHaveLength(4);
    expect(sent[3]!.health.relay).toBe('fault');
    expect(sent[3]!.at - earlyAt).toBeGreaterThanOrEqual(30_000);
    expect(sent[3]!.at - startedAt).toBeLessThan(120_000);
  });

  it('sends no early heartbeat while one is under way or while backing off after a failure', async () => {
    start(10, { changeCheckMs: 200 });
    await jest.advanceTimersByTimeAsync(100);
    expect(sent).toHaveLength(1);

    failing = true;
    current = { ...current, relay: 'fault' };
    await jest.advanceTimersByTimeAsync(300);
    expect(sent).toHaveLength(2); // the early one, which fails: the sender now backs off for 60 s
    every(500, () => (current = { ...current, input: current.input === 'ok' ? 'fault' : 'ok' }));
    await jest.advanceTimersByTimeAsync(50_000);
    expect(sent).toHaveLength(2);
    expect(maxInFlight).toBe(1);
  });

  it('sends nothing early for counters, nor for a later bundle version', async () => {
    current = { ...current, bundleVersion: 3 };
    start(30, { changeCheckMs: 200 });
    await jest.advanceTimersByTimeAsync(100);
    current = { ...current, bundleVersion: 4, outboxPending: 12, outboxFill: 0.01, uptimeSeconds: 50 };
    await jest.advanceTimersByTimeAsync(20_000);
    expect(sent).toHaveLength(1);
  });
});
