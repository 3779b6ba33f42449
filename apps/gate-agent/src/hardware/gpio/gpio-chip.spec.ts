import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { HardwareErrorCode, isHardwareError } from '../hardware.error.js';
import { findHeaderGpioChip, sysfsGpioNumber } from './gpio-chip.js';

function addChip(root: string, name: string, label: string, base: number, ngpio: number) {
  mkdirSync(join(root, name), { recursive: true });
  writeFileSync(join(root, name, 'label'), `${label}\n`);
  writeFileSync(join(root, name, 'base'), `${base}\n`);
  writeFileSync(join(root, name, 'ngpio'), `${ngpio}\n`);
}

describe('GPIO chip lookup in a sysfs tree', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fake-sysfs-gpio-'));
    writeFileSync(join(root, 'export'), '');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds the Pi 4 chip (pinctrl-bcm2711, base 512) among others and maps BCM 17 to 529', () => {
    addChip(root, 'gpiochip570', 'raspberrypi-exp-gpio', 570, 8);
    addChip(root, 'gpiochip512', 'pinctrl-bcm2711', 512, 58);
    const chip = findHeaderGpioChip(root);
    expect(chip).toMatchObject({ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 });
    expect(sysfsGpioNumber(17, chip)).toBe(529);
  });

  it('finds the Pi 5 chip (pinctrl-rp1, base 571) and prefers it over the SoC chip', () => {
    addChip(root, 'gpiochip512', 'gpio-brcmstb@107d508500', 512, 32);
    addChip(root, 'gpiochip544', 'pinctrl-bcm2712', 544, 15);
    addChip(root, 'gpiochip571', 'pinctrl-rp1', 571, 54);
    const chip = findHeaderGpioChip(root);
    expect(chip.label).toBe('pinctrl-rp1');
    expect(sysfsGpioNumber(17, chip)).toBe(588);
    expect(sysfsGpioNumber(0, chip)).toBe(571);
  });

  it('names the root, the labels looked for and what it found when no header chip is there', () => {
    addChip(root, 'gpiochip0', 'some-expander', 0, 16);
    let error: unknown;
    try {
      findHeaderGpioChip(root);
    } catch (caught) {
      error = caught;
    }
    expect(isHardwareError(error) && error.code).toBe(HardwareErrorCode.GpioChipNotFound);
    expect((error as Error).message).toContain(root);
    expect((error as Error).message).toContain('pinctrl-bcm2711');
    expect((error as Error).message).toContain('some-expander (base 0)');
  });

  it('refuses a BCM pin beyond the chip', () => {
    addChip(root, 'gpiochip512', 'pinctrl-bcm2711', 512, 58);
    expect(() => sysfsGpioNumber(58, findHeaderGpioChip(root))).toThrow(/lines 0–57/);
  });
});
