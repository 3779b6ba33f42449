import type { EventEmitter } from 'node:events';
import type { InputError } from './input.error.js';

/** One grey (8-bit luma) picture from a camera or file. */
export interface GreyFrame {
  readonly width: number;
  readonly height: number;
  /** Bytes from the start of one row to the next; at least `width` (a camera may pad rows). */
  readonly stride: number;
  /** `stride × height` bytes, one luma byte per pixel, row-major; bytes past `width` in a row are padding. */
  readonly data: Uint8Array;
  /** When the frame was complete, in milliseconds on the monotonic clock (`performance.now()`). */
  readonly capturedAt: number;
}

export interface FrameSourceEvents {
  frame: [frame: GreyFrame];
  /** Something went wrong; a continuous source keeps trying (restart with backoff) unless it says `ended`. */
  error: [error: InputError];
  /** No more frames will come (end of a file, or given up); `stop()` does not emit it. */
  ended: [];
}

/**
 * A source of camera-like frames (STYLE §7: one adapter per driver, chosen from the gate's config).
 * `start()` resolves once the source is running (the process spawned, the file read or watched);
 * `stop()` resolves once it has released its device and no further events will be emitted.
 */
export interface FrameSource extends EventEmitter<FrameSourceEvents> {
  /** Short name for logs and the guard page, e.g. `ffmpeg /dev/video0 640x480@15`. */
  readonly description: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
