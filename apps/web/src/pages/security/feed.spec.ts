import { describe, expect, it } from '@jest/globals';
import type { GateTile, LiveEntry, SecurityAlert } from '@campuspass/contracts';
import { FEED_CAP, FrameBatcher, mergeEntries, mergeOpenAlerts, withFeedScans } from './feed.js';

const GATE = '11111111-1111-4111-8111-111111111111';
const OTHER_GATE = '22222222-2222-4222-8222-222222222222';

function entry(id: number, occurredAt: string, overrides: Partial<LiveEntry> = {}): LiveEntry {
  return {
    eventId: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    gateId: GATE,
    gateName: 'North 1',
    sequence: id,
    type: 'scan',
    decision: 'granted',
    reason: null,
    passId: null,
    holder: null,
    passage: null,
    operator: null,
    clockTrusted: true,
    occurredAt,
    receivedAt: occurredAt,
    flags: [],
    ...overrides,
  };
}

const at = (second: number) => new Date(Date.UTC(2026, 10, 27, 1, 0, second)).toISOString();
const ids = (entries: readonly LiveEntry[]) => entries.map((item) => item.sequence);

describe('live feed merging', () => {
  it('puts the newest on top and the same event once (a later delivery replaces it)', () => {
    const first = mergeEntries([], [entry(1, at(1)), entry(2, at(2))]);
    expect(ids(first)).toEqual([2, 1]);
    const changed = entry(1, at(1), { flags: ['two-gates'] });
    const second = mergeEntries(first, [entry(3, at(3)), changed]);
    expect(ids(second)).toEqual([3, 2, 1]);
    expect(second[2]?.flags).toEqual(['two-gates']);
  });

  it('orders late arrivals by when they happened, and same-instant events by the gate sequence', () => {
    const merged = mergeEntries([entry(10, at(30))], [entry(4, at(5)), entry(12, at(30)), entry(11, at(30))]);
    expect(ids(merged)).toEqual([12, 11, 10, 4]);
    const twoGates = mergeEntries([], [entry(1, at(9), { gateId: OTHER_GATE }), entry(2, at(9))]);
    expect(twoGates).toHaveLength(2);
  });

  it('keeps at most the cap, dropping the oldest', () => {
    const many = Array.from({ length: FEED_CAP + 50 }, (_, index) => entry(index + 1, at(index)));
    const merged = mergeEntries([], many);
    expect(merged).toHaveLength(FEED_CAP);
    expect(merged[0]?.sequence).toBe(FEED_CAP + 50);
    expect(merged.at(-1)?.sequence).toBe(51);
    // An event older than everything shown does not enter a full feed.
    expect(mergeEntries(merged, [entry(9999, '2026-11-27T00:59:00.000Z')]).some((item) => item.sequence === 9999)).toBe(false);
    expect(ids(mergeEntries([entry(1, at(1)), entry(2, at(2))], [], 1))).toEqual([1]);
  });
});

function alert(id: string, overrides: Partial<SecurityAlert> = {}): SecurityAlert {
  return {
    id,
    kind: 'forced-passage',
    severity: 'warning',
    gateId: GATE,
    gateName: 'North 1',
    passId: null,
    message: 'Forced passage at North 1',
    raisedAt: at(1),
    lastSeenAt: at(1),
    count: 1,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    ...overrides,
  };
}

describe('gate tiles beside the live feed', () => {
  function tile(gateId: string, lastEntryAt: string | null): GateTile {
    return {
      gateId,
      name: gateId === GATE ? 'North 1' : 'North 2',
      zone: null,
      status: 'active',
      online: true,
      lastHeartbeatAt: at(0),
      agentVersion: '0.1.0',
      bundleVersion: 3,
      clockTrusted: true,
      clockOffsetMs: 0,
      outboxPending: 0,
      outboxFill: 0,
      relay: 'ok',
      passageSensor: 'ok',
      input: 'ok',
      fireInput: 'absent',
      lastEntryAt,
    };
  }

  it('shows a scan the feed has as the gate’s last scan before the next poll, per gate, scans only', () => {
    const gates = [tile(GATE, null), tile(OTHER_GATE, at(30))];
    const entries = [
      entry(3, at(20), { type: 'alert', decision: null, reason: 'clock-trusted' }),
      entry(2, at(12)),
      entry(1, at(10), { decision: 'denied', reason: 'wrong-day' }),
      entry(4, at(25), { gateId: OTHER_GATE }),
    ];
    const merged = withFeedScans(gates, entries)!;
    expect(merged.map((gate) => gate.lastEntryAt)).toEqual([at(12), at(30)]);
    expect(merged[1]).toBe(gates[1]);
  });

  it('keeps the tiles as they are when the feed has nothing newer, and before the tiles load', () => {
    const gates = [tile(GATE, at(40))];
    expect(withFeedScans(gates, [entry(1, at(10))])).toBe(gates);
    expect(withFeedScans(gates, [])).toBe(gates);
    expect(withFeedScans(undefined, [entry(1, at(10))])).toBeUndefined();
  });
});

describe('open alerts', () => {
  it('adds, updates by id, and drops acknowledged alerts; most severe first, then most recent', () => {
    const open = mergeOpenAlerts([], [alert('a'), alert('b', { severity: 'critical' }), alert('c', { lastSeenAt: at(5) })]);
    expect(open.map((item) => item.id)).toEqual(['b', 'c', 'a']);
    const repeated = mergeOpenAlerts(open, [alert('a', { count: 3, lastSeenAt: at(9) })]);
    expect(repeated.map((item) => [item.id, item.count])).toEqual([
      ['b', 1],
      ['a', 3],
      ['c', 1],
    ]);
    const acknowledged = mergeOpenAlerts(repeated, [alert('a', { acknowledgedAt: at(10), acknowledgedBy: 'Gus', note: 'ok' })]);
    expect(acknowledged.map((item) => item.id)).toEqual(['b', 'c']);
  });

  it('does not reopen an alert when its older, open state arrives after the acknowledgement', () => {
    const closed = alert('a', { acknowledgedAt: at(10) });
    expect(mergeOpenAlerts([], [closed, alert('a')])).toEqual([]);
  });
});

describe('frame batching', () => {
  function manualFrames() {
    const queued = new Map<number, () => void>();
    let next = 1;
    return {
      schedule: (run: () => void) => {
        queued.set(next, run);
        return next++;
      },
      cancel: (handle: number) => void queued.delete(handle),
      frame: () => {
        const runs = [...queued.values()];
        queued.clear();
        runs.forEach((run) => run());
      },
      get scheduled() {
        return queued.size;
      },
    };
  }

  it('hands over everything that arrived in one frame at once', () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const batcher = new FrameBatcher<number>((items) => flushed.push(items), frames.schedule, frames.cancel);
    for (let item = 1; item <= 500; item++) batcher.push(item);
    expect(frames.scheduled).toBe(1);
    expect(flushed).toEqual([]);
    frames.frame();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toHaveLength(500);
    batcher.push(501);
    frames.frame();
    expect(flushed).toEqual([expect.any(Array), [501]]);
    frames.frame();
    expect(flushed).toHaveLength(2);
  });

  it('keeps the buffer bounded while no frame comes (a hidden page), and forgets it when stopped', () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const keepNewest = (items: number[]) => items.slice(-10);
    const batcher = new FrameBatcher<number>((items) => flushed.push(items), frames.schedule, frames.cancel, keepNewest, 40);
    for (let item = 1; item <= 10_000; item++) batcher.push(item);
    expect(batcher.pending).toBeLessThanOrEqual(41);
    frames.frame();
    expect(flushed[0]?.at(-1)).toBe(10_000);
    batcher.push(1);
    batcher.stop();
    expect(frames.scheduled).toBe(0);
    frames.frame();
    expect(flushed).toHaveLength(1);
  });
});
