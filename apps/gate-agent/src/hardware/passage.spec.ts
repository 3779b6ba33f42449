import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { HardwareError, HardwareErrorCode } from './hardware.error.js';
import { PassageController, type PassageResult, type PassageState } from './passage.js';
import { SimulatedPassageSensor } from './simulated/simulated-passage-sensor.adapter.js';
import { SimulatedRelay } from './simulated/simulated-relay.adapter.js';

const OPTIONS = { pulseMs: 500, timeoutMs: 5000 };

describe('PassageController', () => {
  let relay: SimulatedRelay;
  let sensor: SimulatedPassageSensor;
  let controller: PassageController;
  let states: { scanEventId: string; state: PassageState }[];
  let forced: Date[];

  const watch = (passage: PassageController) => {
    passage.events.on('state', ({ scanEventId, state }) => states.push({ scanEventId, state }));
    passage.events.on('forced-passage', (at) => forced.push(at));
  };

  beforeEach(async () => {
    jest.useFakeTimers({ now: new Date('2026-11-27T08:00:00Z') });
    relay = new SimulatedRelay();
    await relay.open();
    sensor = new SimulatedPassageSensor();
    controller = new PassageController(relay, sensor, OPTIONS);
    states = [];
    forced = [];
    watch(controller);
  });
  afterEach(async () => {
    controller.stop();
    await relay.close();
    await sensor.close();
    jest.useRealTimers();
  });

  it('goes granted → pulsed → passed on a rotation, with the relay on for exactly the pulse', async () => {
    const outcome = controller.grant('scan-1');
    await jest.advanceTimersByTimeAsync(0);
    expect(relay.state()).toBe('on');
    await jest.advanceTimersByTimeAsync(1200);
    sensor.rotate();
    const result = await outcome;

    expect(result).toMatchObject({ scanEventId: 'scan-1', outcome: 'passed', sensed: true, detail: null });
    expect(result.endedAt.getTime() - result.grantedAt.getTime()).toBe(1200);
    expect(states.map((change) => change.state)).toEqual(['granted', 'pulsed', 'passed']);
    // open() drove it off, then on at 0 ms, off at 500 ms.
    const times = relay.switches.map((change) => [change.on, change.at.getTime() - Date.parse('2026-11-27T08:00:00Z')]);
    expect(times).toEqual([
      [false, 0],
      [true, 0],
      [false, 500],
    ]);
    expect(forced).toEqual([]);
  });

  it('ends not-passed when nobody goes through within the timeout, counted from the pulse', async () => {
    let result: PassageResult | undefined;
    void controller.grant('scan-2').then((value) => (result = value));
    await jest.advanceTimersByTimeAsync(4999);
    expect(result).toBeUndefined();
    expect(controller.pending()).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(result).toMatchObject({ outcome: 'not-passed', sensed: true, detail: 'no passage within 5000 ms' });
    expect(relay.state()).toBe('off');
    expect(controller.pending()).toBe(0);
  });

  it('reports a rotation without a grant as a forced passage, including one after a grant timed out', async () => {
    sensor.rotate();
    expect(forced).toHaveLength(1);

    const timedOut = controller.grant('scan-3');
    await jest.advanceTimersByTimeAsync(5000);
    expect((await timedOut).outcome).toBe('not-passed');
    sensor.rotate();
    expect(forced).toHaveLength(2);
    expect(states.filter((change) => change.state === 'passed')).toEqual([]);
  });

  it('matches rotations to grants oldest first when two people are granted back to back', async () => {
    const first = controller.grant('scan-a');
    await jest.advanceTimersByTimeAsync(100);
    const second = controller.grant('scan-b');
    await jest.advanceTimersByTimeAsync(100);
    sensor.rotate();
    expect((await first).outcome).toBe('passed');
    expect(controller.pending()).toBe(1);
    sensor.rotate();
    expect(await second).toMatchObject({ scanEventId: 'scan-b', outcome: 'passed' });
    await jest.advanceTimersByTimeAsync(400);
    // The second pulse extended the first: off 500 ms after the second on.
    expect(relay.switches.filter((change) => !change.on).map((change) => change.at.toISOString())).toEqual([
      '2026-11-27T08:00:00.000Z',
      '2026-11-27T08:00:00.600Z',
    ]);
  });

  it('ends open passages as sensor-fault when the sensor fails', async () => {
    const outcome = controller.grant('scan-4');
    await jest.advanceTimersByTimeAsync(200);
    sensor.fail('port closed');
    expect(await outcome).toMatchObject({ outcome: 'sensor-fault', detail: 'sensor: port closed' });
    expect(states.map((change) => change.state)).toEqual(['granted', 'pulsed', 'sensor-fault']);
  });

  it('counts a grant as the passage when no sensor is configured', async () => {
    const noSensor = new PassageController(relay, undefined, OPTIONS);
    watch(noSensor);
    const result = await noSensor.grant('scan-5');
    expect(result).toMatchObject({ outcome: 'passed', sensed: false });
    expect(states.filter((change) => change.scanEventId === 'scan-5').map((change) => change.state)).toEqual([
      'granted',
      'pulsed',
      'passed',
    ]);
    noSensor.stop();
  });

  it('ends not-passed with the relay error when the pulse fails, and still switches the relay off', async () => {
    class FailingRelay extends SimulatedRelay {
      fail = false;
      protected override async drive(on: boolean): Promise<void> {
        await super.drive(on);
        if (on && this.fail) throw new HardwareError(HardwareErrorCode.SerialPortUnavailable, 'port /dev/ttyUSB0 closed');
      }
    }
    const failing = new FailingRelay();
    await failing.open();
    failing.fail = true;
    const withFailingRelay = new PassageController(failing, sensor, OPTIONS);
    const result = await withFailingRelay.grant('scan-6');
    expect(result).toMatchObject({ outcome: 'not-passed', detail: 'relay: port /dev/ttyUSB0 closed' });
    expect(failing.health().ok).toBe(false);
    await jest.advanceTimersByTimeAsync(500);
    expect(failing.switches.at(-1)?.on).toBe(false);
    withFailingRelay.stop();
    await failing.close();
  });

  it('refuses pulses outside 1–10000 ms', async () => {
    await expect(relay.pulse(0)).rejects.toThrow(/expected an integer 1–10000 ms/);
    await expect(relay.pulse(10_001)).rejects.toThrow(/relay.pulseMs/);
    expect(relay.state()).toBe('off');
  });
});
