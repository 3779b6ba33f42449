import { Gpio } from 'onoff';
import { HardwareError, HardwareErrorCode } from '../hardware.error.js';
import { DEFAULT_GPIO_SYSFS_ROOT, findHeaderGpioChip, sysfsGpioNumber } from './gpio-chip.js';

export interface GpioLineOptions {
  readonly bcmPin: number;
  readonly activeLow: boolean;
  /** Where to look up the chip base; onoff itself always uses /sys/class/gpio. */
  readonly sysfsRoot?: string;
  /** What the line is for, in messages (e.g. "relay.bcmPin"). */
  readonly purpose: string;
}

export function assertGpioAccessible(purpose: string): void {
  if (!Gpio.accessible) {
    throw new HardwareError(
      HardwareErrorCode.GpioUnavailable,
      `GPIO is not accessible for ${purpose}: /sys/class/gpio is missing or not writable. On a Raspberry Pi add the ` +
        'agent user to the gpio group (sudo usermod -aG gpio campuspass) and restart; on a machine without GPIO set ' +
        'the device type to serial or simulated in the gate config.',
    );
  }
}

/**
 * An output line that starts inactive. sysfs applies the "high"/"low" direction to the raw level, ignoring
 * active_low, so an active-low line must start "high" (raw 1 = inactive) and an active-high one "low".
 */
export function openOutputLine(options: GpioLineOptions): Gpio {
  assertGpioAccessible(options.purpose);
  const chip = findHeaderGpioChip(options.sysfsRoot ?? DEFAULT_GPIO_SYSFS_ROOT);
  const line = new Gpio(sysfsGpioNumber(options.bcmPin, chip), options.activeLow ? 'high' : 'low', 'none', {
    activeLow: options.activeLow,
  });
  line.writeSync(0);
  return line;
}

/** An input line raising interrupts on activation (rising logical edge, inverted by activeLow), debounced. */
export function openInputLine(options: GpioLineOptions & { readonly debounceMs: number }): Gpio {
  assertGpioAccessible(options.purpose);
  const chip = findHeaderGpioChip(options.sysfsRoot ?? DEFAULT_GPIO_SYSFS_ROOT);
  return new Gpio(sysfsGpioNumber(options.bcmPin, chip), 'in', 'rising', {
    activeLow: options.activeLow,
    debounceTimeout: options.debounceMs,
  });
}
