import { GATE_EVENT_FORMAT, type GateEvent } from '@campuspass/contracts';
import type { AppendOptions, OpenGrant, OutboxEntry, OutboxStatus, OutboxStore } from '../store/store.ports.js';
import { GateEventRecorder } from './gate-event-recorder.js';

const GATE_ID = '6f1c1c52-5d0e-4c8e-9a55-0c7a4f1f2b10';

/** An outbox in memory with the SQLite adapter's capacity and open-grant rules (append refuses at capacity). */
class ArrayOutbox implements OutboxStore {
  readonly events: GateEvent[] = [];
  readonly grants = new Map<string, Date>();
  delivered = 0;

  constructor(
    private readonly capacity: number,
    private readonly threshold: number,
  ) {}

  append(event: Omit<GateEvent, 'sequence'>, options: AppendOptions = {}): GateEvent {
    if (this.events.length - this.delivered >= this.capacity) throw new Error('outbox full');
    const stored = { ...event, sequence: this.events.length + 1 };
    this.events.push(stored);
    if (options.opensGrant) this.grants.set(stored.eventId, new Date(stored.occurredAt));
    if (stored.type === 'passage' && stored.scanEventId !== null) this.grants.delete(stored.scanEventId);
    return stored;
  }
  openGrantsOfPass(): undefined {
    return undefined;
  }
  openGrants(): readonly OpenGrant[] {
    return [...this.grants].map(([scanEventId, grantedAt]) => ({
      scanEventId,
      grantedAt,
      grantEvent: this.events.find((event) => event.eventId === scanEventId),
    }));
  }
  peek(): readonly OutboxEntry[] {
    return [];
  }
  markDelivered(eventIds: readonly string[]): void {
    this.delivered += eventIds.length;
  }
  markAttemptFailed(): void {}
  pruneDelivered(): number {
    return 0;
  }
  status(): OutboxStatus {
    const pending = this.events.length - this.delivered;
    const fill = pending / this.capacity;
    return {
      pending,
      capacity: this.capacity,
      fill,
      alertThreshold: this.threshold,
      aboveAlertThreshold: fill >= this.threshold,
      oldestPendingAt: undefined,
    };
  }
}

describe('GateEventRecorder', () => {
  const at = new Date('2026-11-27T01:00:00.000Z');

  function recorder(outbox: ArrayOutbox, onOutboxFilling = (_status: OutboxStatus) => undefined as void) {
    const appended: string[] = [];
    const instance = new GateEventRecorder({
      gateId: GATE_ID,
      outbox,
      clock: () => ({ now: at, trusted: false }),
      bundleVersion: () => 7,
      onAppended: (event) => appended.push(event.eventId),
      onOutboxFilling,
    });
    return { instance, appended };
  }

  it('stamps each event with a new id, the gate, the clock reading and the bundle version, then wakes the drainer', () => {
    const outbox = new ArrayOutbox(100, 0.8);
    const { instance, appended } = recorder(outbox);
    const first = instance.record({ type: 'manual-open', operator: 'Guard Lam' });
    const second = instance.record({ type: 'alert', reason: 'clock-trusted' }, { now: new Date(at.getTime() + 1000), trusted: true });
    expect(first).toEqual({
      format: GATE_EVENT_FORMAT,
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      gateId: GATE_ID,
      sequence: 1,
      type: 'manual-open',
      occurredAt: '2026-11-27T01:00:00.000Z',
      clockTrusted: false,
      bundleVersion: 7,
      decision: null,
      reason: null,
      pass: null,
      passage: null,
      scanEventId: null,
      operator: 'Guard Lam',
      detail: null,
    });
    expect(second).toMatchObject({ occurredAt: '2026-11-27T01:00:01.000Z', clockTrusted: true, reason: 'clock-trusted' });
    expect(second.eventId).not.toBe(first.eventId);
    expect(appended).toEqual([first.eventId, second.eventId]);
  });

  it('reports the outbox crossing its alert threshold once per crossing', () => {
    const outbox = new ArrayOutbox(10, 0.5);
    const alerts: number[] = [];
    const { instance } = recorder(outbox, (status) => alerts.push(status.pending));
    for (let index = 0; index < 7; index++) instance.record({ type: 'alert', reason: 'test' });
    expect(alerts).toEqual([5]);
    outbox.markDelivered(outbox.events.map((event) => event.eventId));
    expect(instance.checkFill().aboveAlertThreshold).toBe(false);
    for (let index = 0; index < 5; index++) instance.record({ type: 'alert', reason: 'test' });
    expect(alerts).toEqual([5, 5]);
  });

  it('records an interrupted passage for each grant left open, with the grant’s pass, and none on the next start', () => {
    const outbox = new ArrayOutbox(100, 0.8);
    const { instance } = recorder(outbox);
    const pass = { passId: 'ab'.repeat(16), kind: 'guest' as const, campusDay: 20419, ecardId: 7, guestIndex: 1 };
    const scan = instance.record({ type: 'scan', decision: 'granted', pass }, undefined, { opensGrant: true });
    const manual = instance.record({ type: 'manual-open', operator: 'Guard Lam' }, undefined, { opensGrant: true });
    const closed = instance.record({ type: 'scan', decision: 'granted', pass }, undefined, { opensGrant: true });
    instance.record({ type: 'passage', passage: 'passed', scanEventId: closed.eventId, pass });
    expect(outbox.openGrants().map((grant) => grant.scanEventId)).toEqual([scan.eventId, manual.eventId]);

    expect(instance.recordInterruptedPassages()).toBe(2);
    const interrupted = outbox.events.filter((event) => event.passage === 'interrupted');
    expect(interrupted).toEqual([
      expect.objectContaining({ type: 'passage', scanEventId: scan.eventId, pass, clockTrusted: false }),
      expect.objectContaining({ type: 'passage', scanEventId: manual.eventId, pass: null }),
    ]);
    expect(interrupted[0]!.detail).toBe('the gate agent stopped before this passage ended (restarted at 2026-11-27T01:00:00.000Z)');
    expect(outbox.openGrants()).toEqual([]);
    expect(instance.recordInterruptedPassages()).toBe(0);
  });

  it('lets a refused append through as an error (the caller must not act on an unrecorded decision)', () => {
    const outbox = new ArrayOutbox(1, 1);
    const { instance, appended } = recorder(outbox);
    instance.record({ type: 'alert', reason: 'test' });
    expect(() => instance.record({ type: 'scan', decision: 'granted' })).toThrow('outbox full');
    expect(appended).toHaveLength(1);
  });
});
