import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HardwareError, HardwareErrorCode } from '../hardware.error.js';

export const DEFAULT_GPIO_SYSFS_ROOT = '/sys/class/gpio';

/**
 * Labels of the chip carrying the 40-pin header's BCM lines, most specific first: Pi 5 (RP1), Pi 4 (BCM2711),
 * Pi 3 / Zero 2 (BCM2835). Since Linux 6.6 their sysfs base is no longer 0 (512 on a Pi 4, 571 on a Pi 5).
 */
export const PI_HEADER_CHIP_LABELS: readonly string[] = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

export interface GpioChip {
  readonly label: string;
  readonly base: number;
  readonly ngpio: number;
  readonly path: string;
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Every gpiochip under the sysfs root with its label, base and line count. */
export function listGpioChips(sysfsRoot: string = DEFAULT_GPIO_SYSFS_ROOT): GpioChip[] {
  let names: string[];
  try {
    names = readdirSync(sysfsRoot).filter((name) => /^gpiochip\d+$/.test(name));
  } catch {
    return [];
  }
  const chips: GpioChip[] = [];
  for (const name of names) {
    const path = join(sysfsRoot, name);
    const label = readTrimmed(join(path, 'label'));
    const base = Number(readTrimmed(join(path, 'base')));
    const ngpio = Number(readTrimmed(join(path, 'ngpio')));
    if (label !== undefined && Number.isInteger(base) && Number.isInteger(ngpio)) chips.push({ label, base, ngpio, path });
  }
  return chips;
}

/** Finds the header's GPIO chip by label (never by a hard-coded number). */
export function findHeaderGpioChip(
  sysfsRoot: string = DEFAULT_GPIO_SYSFS_ROOT,
  labels: readonly string[] = PI_HEADER_CHIP_LABELS,
): GpioChip {
  const chips = listGpioChips(sysfsRoot);
  for (const label of labels) {
    const chip = chips.find((candidate) => candidate.label === label);
    if (chip) return chip;
  }
  const found = chips.length === 0 ? 'no gpiochip entries' : chips.map((chip) => `${chip.label} (base ${chip.base})`).join(', ');
  throw new HardwareError(
    HardwareErrorCode.GpioChipNotFound,
    `No Raspberry Pi header GPIO chip under ${sysfsRoot} (looked for ${labels.join(', ')}; found ${found}). ` +
      'On a Pi, check that the kernel exposes the GPIO sysfs interface; elsewhere use relay.type: serial or simulated.',
  );
}

/** The sysfs GPIO number of a BCM pin: the chip's base plus the BCM number. */
export function sysfsGpioNumber(bcmPin: number, chip: GpioChip): number {
  if (!Number.isInteger(bcmPin) || bcmPin < 0 || bcmPin >= chip.ngpio) {
    throw new HardwareError(
      HardwareErrorCode.GpioPinOutOfRange,
      `BCM pin ${bcmPin} is outside ${chip.label}, which has lines 0–${chip.ngpio - 1}: check the pin number in the config.`,
    );
  }
  return chip.base + bcmPin;
}
