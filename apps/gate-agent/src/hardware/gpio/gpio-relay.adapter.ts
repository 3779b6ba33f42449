import type { Gpio } from 'onoff';
import { SwitchedRelay } from '../switched-relay.js';
import { openOutputLine } from './gpio-line.js';

export interface GpioRelayOptions {
  readonly bcmPin: number;
  readonly activeLow: boolean;
  readonly sysfsRoot?: string;
}

/**
 * A relay module on a GPIO pin. The pin is driven inactive when opened, and the Pi's boot config holds it inactive
 * until then (firmware-config/README.md), so a crash or reboot never leaves the turnstile released.
 */
export class GpioRelay extends SwitchedRelay {
  readonly kind = 'gpio' as const;
  private line: Gpio | undefined;

  constructor(private readonly options: GpioRelayOptions) {
    super();
  }

  protected async openDevice(): Promise<void> {
    this.line = openOutputLine({ ...this.options, purpose: `relay (BCM ${this.options.bcmPin})` });
  }

  protected async drive(on: boolean): Promise<void> {
    await this.line?.write(on ? 1 : 0);
  }

  protected async closeDevice(): Promise<void> {
    // Not unexported: an unexported pin floats, and the relay module could read that as "on".
    this.line = undefined;
  }
}
