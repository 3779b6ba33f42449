import { SerialPort } from 'serialport';
import { DebouncedInput } from '../debounced-input.js';
import { HardwareError, HardwareErrorCode } from '../hardware.error.js';
import type { PassageSensor, PassageSensorEvents } from '../passage-sensor.port.js';
import type { DeviceHealth } from '../relay.port.js';
import { TypedEventEmitter } from '../typed-event-emitter.js';

export interface SerialPassageSensorOptions {
  /** passageSensor.path */
  readonly path: string;
  /** Modem-status input the contact is wired to. */
  readonly line: 'cts' | 'dsr' | 'dcd';
  readonly activeLow: boolean;
  readonly pollMs: number;
  readonly debounceMs: number;
}

/**
 * A contact on a modem-status input (CTS, DSR or DCD) of a USB serial adapter, polled every `pollMs` and
 * debounced. A failed read (adapter unplugged) is a sensor fault.
 */
export class SerialPassageSensor implements PassageSensor {
  readonly kind = 'serial' as const;
  readonly events = new TypedEventEmitter<PassageSensorEvents>();
  private port: SerialPort | undefined;
  private timer: NodeJS.Timeout | undefined;
  private healthState: DeviceHealth = { ok: false, detail: 'not opened yet', lastSeenAt: undefined };
  private readonly input: DebouncedInput;

  constructor(private readonly options: SerialPassageSensorOptions) {
    this.input = new DebouncedInput(options.debounceMs, (at) => this.events.emit('rotation', at));
  }

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.options.path, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error
          ? reject(
              new HardwareError(
                HardwareErrorCode.SerialPortUnavailable,
                `Cannot open the passage sensor port ${this.options.path}: ${error.message}. Check the device and the dialout group.`,
                { cause: error },
              ),
            )
          : resolve(),
      ),
    );
    port.on('error', () => undefined);
    // RTS and DTR are the contact's source voltage (wiring notes: contact between CTS/DSR/DCD and RTS/DTR).
    await new Promise<void>((resolve) => port.set({ rts: true, dtr: true }, () => resolve()));
    this.port = port;
    this.timer = setInterval(() => this.poll(), this.options.pollMs);
  }

  health(): DeviceHealth {
    return this.healthState;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.events.removeAllListeners();
  }

  private poll(): void {
    const port = this.port;
    if (!port) return;
    port.get((error, status) => {
      if (error || !status) {
        const detail = `reading ${this.options.line.toUpperCase()} on ${this.options.path} failed: ${error?.message ?? 'no status'}`;
        if (this.healthState.ok || this.healthState.detail !== detail) {
          this.setHealth({ ok: false, detail, lastSeenAt: this.healthState.lastSeenAt });
          this.events.emit('fault', detail);
        }
        return;
      }
      const raw = Boolean(status[this.options.line]);
      if (!this.healthState.ok) this.setHealth({ ok: true, detail: 'polling', lastSeenAt: new Date() });
      this.input.sample(raw !== this.options.activeLow, Date.now());
    });
  }

  private setHealth(health: DeviceHealth): void {
    this.healthState = health;
    this.events.emit('health', health);
  }
}
