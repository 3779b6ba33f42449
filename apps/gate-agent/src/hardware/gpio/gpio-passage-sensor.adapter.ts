import type { BinaryValue, Gpio } from 'onoff';
import type { PassageSensor, PassageSensorEvents } from '../passage-sensor.port.js';
import type { DeviceHealth } from '../relay.port.js';
import { TypedEventEmitter } from '../typed-event-emitter.js';
import { openInputLine } from './gpio-line.js';

export interface GpioPassageSensorOptions {
  readonly bcmPin: number;
  readonly activeLow: boolean;
  readonly debounceMs: number;
  readonly sysfsRoot?: string;
}

/** A rotation contact or light barrier on a GPIO pin, watched by interrupt (onoff `watch`), debounced. */
export class GpioPassageSensor implements PassageSensor {
  readonly kind = 'gpio' as const;
  readonly events = new TypedEventEmitter<PassageSensorEvents>();
  private line: Gpio | undefined;
  private healthState: DeviceHealth = { ok: false, detail: 'not opened yet', lastSeenAt: undefined };

  constructor(private readonly options: GpioPassageSensorOptions) {}

  async open(): Promise<void> {
    this.line = openInputLine({ ...this.options, purpose: `passage sensor (BCM ${this.options.bcmPin})` });
    this.setHealth({ ok: true, detail: 'watching', lastSeenAt: new Date() });
    this.line.watch((error: Error | null | undefined, value: BinaryValue) => {
      if (error) {
        this.setHealth({ ok: false, detail: `read failed: ${error.message}`, lastSeenAt: this.healthState.lastSeenAt });
        this.events.emit('fault', error.message);
      } else if (value === 1) {
        this.events.emit('rotation', new Date());
      }
    });
  }

  health(): DeviceHealth {
    return this.healthState;
  }

  async close(): Promise<void> {
    this.line?.unwatchAll();
    this.line?.unexport();
    this.line = undefined;
    this.events.removeAllListeners();
  }

  private setHealth(health: DeviceHealth): void {
    this.healthState = health;
    this.events.emit('health', health);
  }
}
