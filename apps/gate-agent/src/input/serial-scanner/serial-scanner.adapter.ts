import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import { InputError, InputErrorCode } from '../input.error.js';
import { DEFAULT_RESTART_BACKOFF, RestartBackoff, type RestartBackoffOptions } from '../restart-backoff.js';
import type { ScanSource, ScanSourceEvents } from '../scan-source.port.js';
import { ScannerLineFramer } from './scanner-line-framer.js';

/** Longest line accepted from a scanner; a CampusPass QR text is far shorter (FORMAT.md). */
export const DEFAULT_MAX_LINE_BYTES = 1024;

export interface SerialScannerOptions {
  /** Configured device path (a udev name such as /dev/campuspass-scanner is best). Never found by list(). */
  readonly path: string;
  readonly baudRate: number;
  readonly maxLineBytes?: number;
  /** Delays between attempts to (re)open the port after it failed or was unplugged. */
  readonly reopenBackoff?: RestartBackoffOptions;
}

/**
 * A serial 2D scanner that sends each decoded code as a line of text (USB CDC-ACM or a UART, 8N1).
 * The port is opened by its configured path only: serialport's list() spawns udevadm and crashes where it is
 * missing (ARCHITECTURE "Hardware notes"). An unplugged scanner closes the port; it is reopened with capped
 * backoff until `stop()`.
 */
export class SerialScannerSource extends EventEmitter<ScanSourceEvents> implements ScanSource {
  readonly description: string;
  private port: SerialPort | undefined;
  private running = false;
  private reopenTimer: NodeJS.Timeout | undefined;
  private readonly backoff: RestartBackoff;
  private framer: ScannerLineFramer;

  constructor(private readonly options: SerialScannerOptions) {
    super();
    this.description = `serial scanner ${options.path} @${options.baudRate}`;
    this.backoff = new RestartBackoff(options.reopenBackoff ?? DEFAULT_RESTART_BACKOFF);
    this.framer = new ScannerLineFramer(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  }

  /** Resolves after the first open attempt; a failed attempt is reported as `error` and retried. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reopenTimer);
    this.reopenTimer = undefined;
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async open(): Promise<void> {
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate, autoOpen: false });
    const opened = await new Promise<Error | null>((resolve) => port.open((error) => resolve(error ?? null)));
    if (!this.running) {
      if (!opened) port.close();
      return;
    }
    if (opened) {
      this.fail(`cannot open it (${opened.message}); is the scanner plugged in and the agent in the dialout group?`, opened);
      return;
    }
    this.port = port;
    // A new line framer per open: half a line from before an unplug is not glued to the next code.
    this.framer = new ScannerLineFramer(this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.backoff.reset();
    port.on('data', (chunk: Buffer) => {
      for (const line of this.framer.push(chunk)) {
        if (line.kind === 'text') this.emit('scan', { text: line.text, receivedAt: performance.now() });
        else this.emit('garbage', { reason: line.reason, length: line.length });
      }
    });
    // 'error' alone may leave the port open; 'close' is what ends this port's life.
    port.on('error', (error) => {
      if (this.running && this.port === port)
        this.emit('error', new InputError(InputErrorCode.PortUnavailable, `${this.description}: ${error.message}`, { cause: error }));
    });
    port.on('close', (error?: Error & { disconnected?: boolean }) => {
      if (!this.running || this.port !== port) return;
      this.port = undefined;
      this.fail(error?.disconnected ? 'disconnected (unplugged?)' : `closed${error ? ` (${error.message})` : ''}`, error);
    });
    this.emit('open');
  }

  private fail(what: string, cause?: Error): void {
    const delay = this.backoff.nextDelayMs();
    this.emit('error', new InputError(InputErrorCode.PortUnavailable, `${this.description}: ${what}; retrying in ${delay} ms`, { cause }));
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      if (this.running) void this.open();
    }, delay);
  }
}
