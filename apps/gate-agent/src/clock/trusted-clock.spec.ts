import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryClockStateStore } from '../verify/testing/in-memory-stores.js';
import { GATE_EVENT_FORMAT, gateEventSchema } from '@campuspass/contracts';
import { clockAlertEventFields } from './clock-alert-event.js';
import { CommandNtpStatus } from './command-ntp-status.adapter.js';
import { SimulatedNtpStatus } from './simulated-ntp-status.adapter.js';
import { TrustedClock, type ClockAlert, type SystemTime } from './trusted-clock.js';

/** The machine's clocks under the test's control: the wall clock can be set (also backwards), the monotonic one only advances. */
class ManualSystemTime implements SystemTime {
  wall: number;
  monotonic = 1_000;

  constructor(start: Date) {
    this.wall = start.getTime();
  }

  wallMs(): number {
    return this.wall;
  }

  monotonicMs(): number {
    return this.monotonic;
  }

  advance(ms: number): void {
    this.wall += ms;
    this.monotonic += ms;
  }
}

const START = new Date('2025-09-03T02:00:00.000Z');

function setup(options: { floor?: Date; trustNtp?: boolean; ntp?: boolean; start?: Date } = {}) {
  const time = new ManualSystemTime(options.start ?? START);
  const store = new InMemoryClockStateStore(options.floor);
  const ntp = new SimulatedNtpStatus(options.ntp ?? false);
  const clock = new TrustedClock({ store, ntp, time, config: { maxSkewSeconds: 60, trustNtp: options.trustNtp ?? true } });
  const alerts: ClockAlert[] = [];
  clock.onAlert((alert) => alerts.push(alert));
  return { time, store, ntp, clock, alerts };
}

describe('TrustedClock: becoming trusted', () => {
  it('starts untrusted; the reading is the system clock, flagged untrusted', () => {
    const { clock } = setup();
    expect(clock.reading()).toEqual({ now: START, trusted: false });
    expect(clock.trustedNow()).toBeUndefined();
  });

  it('is trusted after NTP reports a sync, persists the time and raises clock-trusted', async () => {
    const { clock, ntp, store, alerts } = setup();
    expect(await clock.checkNtp()).toBe(false);
    ntp.set(true);
    expect(await clock.checkNtp()).toBe(true);
    expect(clock.reading()).toEqual({ now: START, trusted: true });
    expect(store.lastTrustedTime()).toEqual(START);
    expect(alerts).toEqual([{ type: 'clock-trusted', source: 'ntp', at: START.toISOString() }]);
  });

  it('ignores NTP when trustNtp is false', async () => {
    const { clock } = setup({ trustNtp: false, ntp: true });
    expect(await clock.checkNtp()).toBe(false);
    expect(clock.reading().trusted).toBe(false);
  });

  it('is trusted after a signed portal time, kept as an offset and advanced by the monotonic clock', () => {
    // The Pi booted with a clock stuck in 1970.
    const { clock, time, alerts } = setup({ start: new Date(0) });
    const portalTime = new Date('2025-09-03T02:00:00.000Z');
    expect(clock.acceptPortalTime(portalTime)).toBe(true);
    expect(clock.status()).toMatchObject({ trusted: true, source: 'portal', offsetMs: portalTime.getTime() });
    time.advance(90_000);
    expect(clock.reading()).toEqual({ now: new Date(portalTime.getTime() + 90_000), trusted: true });
    expect(alerts.map((alert) => alert.type)).toEqual(['clock-skew', 'clock-trusted']);
  });
});

describe('TrustedClock: skew checks at every sync', () => {
  it('raises clock-skew with the numbers when the portal differs by more than maxSkewSeconds', async () => {
    const { clock, alerts } = setup({ ntp: true });
    await clock.checkNtp();
    alerts.length = 0;
    clock.acceptPortalTime(new Date(START.getTime() - 75_000));
    expect(alerts).toEqual([
      {
        type: 'clock-skew',
        skewSeconds: 75,
        maxSkewSeconds: 60,
        portalTime: new Date(START.getTime() - 75_000).toISOString(),
        gateTime: START.toISOString(),
      },
    ]);
    // NTP stays the source: the portal's view does not move an NTP-synchronised clock.
    expect(clock.status().source).toBe('ntp');
    expect(clock.reading().now).toEqual(START);
  });

  it('stays quiet within maxSkewSeconds', async () => {
    const { clock, alerts } = setup({ ntp: true });
    await clock.checkNtp();
    alerts.length = 0;
    clock.acceptPortalTime(new Date(START.getTime() + 59_000));
    expect(alerts).toEqual([]);
  });
});

describe('TrustedClock: never behind the last trusted time', () => {
  it('an NTP sync to a time before the persisted one leaves the clock untrusted, with clock-backwards', async () => {
    const floor = new Date(START.getTime() + 3_600_000);
    const { clock, alerts } = setup({ floor, ntp: true });
    expect(await clock.checkNtp()).toBe(false);
    expect(clock.reading()).toEqual({ now: floor, trusted: false });
    expect(alerts).toEqual([
      {
        type: 'clock-backwards',
        cause: 'behind-last-trusted',
        observed: START.toISOString(),
        reference: floor.toISOString(),
        source: 'ntp',
      },
    ]);
  });

  it('a signed portal time before the persisted one is refused too', () => {
    const floor = new Date(START.getTime() + 3_600_000);
    const { clock } = setup({ floor });
    expect(clock.acceptPortalTime(START)).toBe(false);
    expect(clock.trustedNow()).toBeUndefined();
  });

  it('a system clock set back while trusted makes the clock untrusted until the next sync', async () => {
    const { clock, time, ntp, alerts } = setup({ ntp: true });
    await clock.checkNtp();
    time.advance(10_000);
    time.wall -= 5 * 60_000; // someone ran `date -s` five minutes back
    const reading = clock.reading();
    expect(reading.trusted).toBe(false);
    // The best guess never goes behind the last trusted time persisted.
    expect(reading.now.getTime()).toBeGreaterThanOrEqual(START.getTime());
    expect(alerts.at(-1)).toMatchObject({ type: 'clock-backwards', cause: 'system-jumped-back', source: 'ntp' });
    // Re-synchronised (NTP steps the clock forward again): trusted again.
    time.wall += 5 * 60_000;
    ntp.set(true);
    expect(await clock.checkNtp()).toBe(true);
    expect(clock.reading()).toEqual({ now: new Date(START.getTime() + 10_000), trusted: true });
  });

  it('a restart resumes from the persisted time: a clock that boots behind it is untrusted', () => {
    const first = setup();
    first.clock.acceptPortalTime(START);
    first.time.advance(120_000);
    first.clock.checkpoint();
    expect(first.store.lastTrustedTime()).toEqual(new Date(START.getTime() + 120_000));

    const restarted = setup({ floor: first.store.lastTrustedTime()!, start: new Date(0) });
    expect(restarted.clock.reading()).toEqual({ now: new Date(START.getTime() + 120_000), trusted: false });
  });

  it('checkpoint persists only while trusted and only forwards', () => {
    const { clock, store, time } = setup();
    clock.checkpoint();
    expect(store.lastTrustedTime()).toBeUndefined();
    clock.acceptPortalTime(START);
    time.advance(1_000);
    clock.checkpoint();
    expect(store.lastTrustedTime()).toEqual(new Date(START.getTime() + 1_000));
  });

  it('serves as the bundle check’s clock: trustedNow and floor', () => {
    const floor = new Date(START.getTime() - 1_000);
    const { clock } = setup({ floor });
    expect(clock.floor()).toEqual(floor);
    clock.acceptPortalTime(START);
    expect(clock.trustedNow()).toEqual(START);
  });

  it('a listener that throws does not stop the others', () => {
    const { clock } = setup();
    const seen: string[] = [];
    clock.onAlert(() => {
      throw new Error('broken listener');
    });
    const unsubscribe = clock.onAlert((alert) => seen.push(alert.type));
    clock.acceptPortalTime(START);
    unsubscribe();
    clock.acceptPortalTime(new Date(START.getTime() + 3_600_000));
    expect(seen).toEqual(['clock-trusted']);
  });
});

describe('CommandNtpStatus', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ntp-status-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function script(name: string, body: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  }

  it.each([
    ['yes', true],
    ['no', false],
    ['1', true],
    ['0', false],
  ])('reads %j as %s', async (output, expected) => {
    const command = await script(`print-${output}`, `echo ${output}`);
    await expect(new CommandNtpStatus({ command: [command] }).isSynchronized()).resolves.toBe(expected);
  });

  it('counts a failing or missing command as not synchronised', async () => {
    const failing = await script('fail', 'echo yes; exit 1');
    await expect(new CommandNtpStatus({ command: [failing] }).isSynchronized()).resolves.toBe(false);
    await expect(new CommandNtpStatus({ command: [join(dir, 'missing')] }).isSynchronized()).resolves.toBe(false);
  });

  it('counts a command that hangs as not synchronised after the timeout', async () => {
    const hanging = await script('hang', 'exec sleep 5');
    const started = Date.now();
    await expect(new CommandNtpStatus({ command: [hanging], timeoutMs: 200 }).isSynchronized()).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('clockAlertEventFields', () => {
  it('turns a skew alert into a valid alert event with its numbers as detail', () => {
    const alert: ClockAlert = {
      type: 'clock-skew',
      skewSeconds: 75,
      maxSkewSeconds: 60,
      portalTime: '2025-09-03T01:58:45.000Z',
      gateTime: '2025-09-03T02:00:00.000Z',
    };
    const fields = clockAlertEventFields(alert);
    const event = gateEventSchema.parse({
      format: GATE_EVENT_FORMAT,
      eventId: '1b4e28ba-2fa1-4d3b-9c8a-0e02b2c3d479',
      gateId: '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f',
      sequence: 1,
      occurredAt: '2025-09-03T02:00:00.000Z',
      clockTrusted: true,
      bundleVersion: 3,
      pass: null,
      passage: null,
      scanEventId: null,
      operator: null,
      ...fields,
    });
    expect(event.reason).toBe('clock-skew');
    expect(JSON.parse(event.detail!)).toEqual({
      skewSeconds: 75,
      maxSkewSeconds: 60,
      portalTime: alert.portalTime,
      gateTime: alert.gateTime,
    });
  });
});
