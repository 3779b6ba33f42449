import { describe, expect, it } from '@jest/globals';
import { Gpio } from 'onoff';
import { HardwareErrorCode, isHardwareError } from '../hardware.error.js';
import { GpioPassageSensor } from './gpio-passage-sensor.adapter.js';
import { GpioRelay } from './gpio-relay.adapter.js';

// The unit tier runs where there is no GPIO (CI, developer machines): onoff's Gpio.accessible is false there, and
// the adapters must say so clearly instead of failing inside onoff with a bare ENOENT.
describe('GPIO adapters without GPIO', () => {
  it('runs where onoff reports no GPIO access', () => {
    expect(Gpio.accessible).toBe(false);
  });

  it('the relay refuses to open, naming the pin, the gpio group and the alternatives', async () => {
    const relay = new GpioRelay({ bcmPin: 17, activeLow: true });
    let error: unknown;
    try {
      await relay.open();
    } catch (caught) {
      error = caught;
    }
    expect(isHardwareError(error) && error.code).toBe(HardwareErrorCode.GpioUnavailable);
    expect((error as Error).message).toMatch(/relay \(BCM 17\)/);
    expect((error as Error).message).toMatch(/gpio group/);
    expect((error as Error).message).toMatch(/serial or simulated/);
    expect(relay.state()).toBe('unknown');
  });

  it('the passage sensor refuses to open the same way', async () => {
    const sensor = new GpioPassageSensor({ bcmPin: 6, activeLow: true, debounceMs: 50 });
    await expect(sensor.open()).rejects.toThrow(/passage sensor \(BCM 6\)/);
  });
});
