import { SerialPort } from 'serialport';
import { HardwareError, HardwareErrorCode } from '../hardware.error.js';
import { TypedEventEmitter } from '../typed-event-emitter.js';

export interface SerialSettings {
  readonly baudRate: number;
  readonly dataBits: 7 | 8;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
}

export interface SerialTransportEvents {
  data: [chunk: Buffer];
  /** The port closed without close() being called: unplugged, or the other end went away. */
  lost: [reason: string];
}

/**
 * The raw serial line, kept tiny: open by the configured path (never `SerialPort.list()`, which needs udevadm),
 * write-and-drain, and a `lost` event when the port goes away.
 */
export class SerialTransport {
  readonly events = new TypedEventEmitter<SerialTransportEvents>();
  private port: SerialPort | undefined;

  constructor(
    readonly path: string,
    private readonly settings: SerialSettings,
  ) {}

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.path, ...this.settings, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error
          ? reject(
              new HardwareError(
                HardwareErrorCode.SerialPortUnavailable,
                `Cannot open serial port ${this.path}: ${error.message}. Check that the device is plugged in, the path ` +
                  '(a udev name is safer than ttyUSB numbering) and that the agent user is in the dialout group.',
                { cause: error },
              ),
            )
          : resolve(),
      ),
    );
    port.on('data', (chunk: Buffer) => this.events.emit('data', chunk));
    // Errors also arrive as a close with `disconnected`; without a listener an 'error' event would crash the process.
    port.on('error', () => undefined);
    port.on('close', (error: Error | null) => {
      if (this.port !== port) return;
      this.port = undefined;
      this.events.emit('lost', error?.message ?? 'port closed');
    });
    this.port = port;
  }

  async write(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) {
      throw new HardwareError(HardwareErrorCode.SerialPortUnavailable, `Serial port ${this.path} is not open (unplugged?)`);
    }
    await new Promise<void>((resolve, reject) => {
      port.write(bytes, (error) => {
        if (error) {
          reject(
            new HardwareError(HardwareErrorCode.SerialPortUnavailable, `Write to ${this.path} failed: ${error.message}`, { cause: error }),
          );
          return;
        }
        port.drain((drainError) => (drainError ? reject(drainError) : resolve()));
      });
    });
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
