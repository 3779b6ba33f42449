import { Gpio } from 'onoff';
import { DEFAULT_GPIO_SYSFS_ROOT, findHeaderGpioChip, sysfsGpioNumber } from '../hardware/gpio/gpio-chip.js';
import { assertGpioAccessible, type GpioLineOptions } from '../hardware/gpio/gpio-line.js';

/** An input line raising interrupts on both edges (a state to follow, not a pulse to count), debounced. */
export function openBothEdgesInputLine(options: GpioLineOptions & { readonly debounceMs: number }): Gpio {
  assertGpioAccessible(options.purpose);
  const chip = findHeaderGpioChip(options.sysfsRoot ?? DEFAULT_GPIO_SYSFS_ROOT);
  return new Gpio(sysfsGpioNumber(options.bcmPin, chip), 'in', 'both', {
    activeLow: options.activeLow,
    debounceTimeout: options.debounceMs,
  });
}
