import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createGateHardware } from './create-hardware.js';
import { HardwareErrorCode, isHardwareError } from './hardware.error.js';
import type { SimulatedRelay } from './simulated/simulated-relay.adapter.js';

describe('createGateHardware', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-27T08:00:00Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('wires a simulated gate: a grant pulses the relay and the simulated person passes after passAfterMs', async () => {
    const hardware = await createGateHardware({
      relay: { type: 'simulated', pulseMs: 500 },
      passageSensor: { type: 'simulated', passAfterMs: 1500, timeoutMs: 10_000 },
      indicator: { type: 'simulated' },
    });
    await hardware.open();
    const outcome = hardware.passage.grant('scan-1');
    await jest.advanceTimersByTimeAsync(1500);
    const result = await outcome;
    expect(result).toMatchObject({ outcome: 'passed', sensed: true });
    expect(result.endedAt.getTime() - result.grantedAt.getTime()).toBe(1500);
    expect((hardware.relay as SimulatedRelay).switches.map((change) => change.on)).toEqual([false, true, false]);
    await hardware.close();
  });

  it('ends as not-passed when the simulated person is slower than the timeout', async () => {
    const hardware = await createGateHardware({
      relay: { type: 'simulated', pulseMs: 500 },
      passageSensor: { type: 'simulated', passAfterMs: 20_000, timeoutMs: 10_000 },
      indicator: { type: 'none' },
    });
    await hardware.open();
    const outcome = hardware.passage.grant('scan-2');
    await jest.advanceTimersByTimeAsync(10_000);
    expect((await outcome).outcome).toBe('not-passed');
    await hardware.close();
  });

  it('fails before opening anything when the relay-board table does not exist, naming it', async () => {
    let error: unknown;
    try {
      await createGateHardware({
        relay: { type: 'serial', path: '/dev/ttyUSB0', board: 'lcus-9', channel: 1, baudRate: 9600, pulseMs: 500 },
        passageSensor: { type: 'none' },
        indicator: { type: 'none' },
      });
    } catch (caught) {
      error = caught;
    }
    expect(isHardwareError(error) && error.code).toBe(HardwareErrorCode.RelayBoardTableInvalid);
    expect((error as Error).message).toMatch(/lcus-9\.yaml does not exist: set relay.board to one of the tables in/);
  });

  it('refuses a channel the board does not have', async () => {
    await expect(
      createGateHardware({
        relay: { type: 'serial', path: '/dev/ttyUSB0', board: 'lcus-2', channel: 3, baudRate: 9600, pulseMs: 500 },
        passageSensor: { type: 'none' },
        indicator: { type: 'none' },
      }),
    ).rejects.toThrow(/relay.channel 3 does not exist on lcus-2, which has channels 1–2/);
  });
});
