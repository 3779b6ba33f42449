import type { EventEmitter } from 'node:events';
import type { InputError } from './input.error.js';

/** Text a scanner module decoded itself (a serial 2D scanner), with its arrival on the monotonic clock. */
export interface ScannedText {
  readonly text: string;
  /** Milliseconds on the monotonic clock (`performance.now()`) when the line was complete. */
  readonly receivedAt: number;
}

export interface ScanSourceEvents {
  scan: [scan: ScannedText];
  /** A line that cannot be a pass (too long, control characters): reported, never decoded. */
  garbage: [report: { reason: 'too-long' | 'control-characters' | 'not-utf8'; length: number }];
  /** The device failed or went away; the source reopens it with backoff until `stop()`. */
  error: [error: InputError];
  /** The port is open and reading (first open and every reopen). */
  open: [];
}

/** A source that yields decoded text directly, so the QR decoder is not used. */
export interface ScanSource extends EventEmitter<ScanSourceEvents> {
  readonly description: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
