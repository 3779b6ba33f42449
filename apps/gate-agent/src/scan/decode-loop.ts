import { EventEmitter } from 'node:events';
import { prepareFrame, type PreprocessSettings } from '../decoder/preprocess.js';
import type { QrDecoder } from '../decoder/qr-decoder.port.js';
import type { FrameSource, GreyFrame } from '../input/frame-source.port.js';

/** A frame older than this when its turn comes is dropped rather than decoded (it shows the past). */
export const DEFAULT_MAX_FRAME_AGE_MS = 500;

export interface DecodedText {
  readonly text: string;
  /** When the frame holding the code was captured (monotonic ms). */
  readonly capturedAt: number;
  /** Time the decoder took for this frame, in milliseconds. */
  readonly decodeMs: number;
}

export interface DecodeLoopEvents {
  text: [decoded: DecodedText];
  error: [error: Error];
}

export interface DecodeLoopStats {
  readonly framesReceived: number;
  readonly framesDecoded: number;
  /** Frames replaced by a newer one, or too old, while a decode ran: never decoded. */
  readonly framesDropped: number;
  readonly codesFound: number;
}

export interface DecodeLoopOptions {
  readonly preprocess: PreprocessSettings;
  readonly maxFrameAgeMs?: number;
  readonly now?: () => number;
}

/**
 * Decodes the latest frame only. While a decode runs, newer frames replace each other in a single slot (each
 * replaced one counts as dropped); when the decode ends, the newest frame is taken if it is still fresh.
 * So the loop keeps up with any camera rate, and a slow decoder makes it skip frames, never fall behind.
 */
export class DecodeLoop extends EventEmitter<DecodeLoopEvents> {
  private busy = false;
  private waiting: GreyFrame | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly now: () => number;
  private readonly maxFrameAgeMs: number;
  private counts = { framesReceived: 0, framesDecoded: 0, framesDropped: 0, codesFound: 0 };

  constructor(
    private readonly decoder: QrDecoder,
    private readonly options: DecodeLoopOptions,
  ) {
    super();
    this.now = options.now ?? (() => performance.now());
    this.maxFrameAgeMs = options.maxFrameAgeMs ?? DEFAULT_MAX_FRAME_AGE_MS;
  }

  get stats(): DecodeLoopStats {
    return { ...this.counts };
  }

  /** Feeds frames from a source until the returned function is called. */
  attach(source: FrameSource): () => void {
    const onFrame = (frame: GreyFrame) => this.offer(frame);
    source.on('frame', onFrame);
    return () => source.off('frame', onFrame);
  }

  offer(frame: GreyFrame): void {
    this.counts.framesReceived += 1;
    if (this.busy) {
      if (this.waiting) this.counts.framesDropped += 1;
      this.waiting = frame;
      return;
    }
    void this.run(frame);
  }

  /** Resolves when no decode is running and no frame is waiting. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(first: GreyFrame): Promise<void> {
    this.busy = true;
    let frame: GreyFrame | undefined = first;
    while (frame) {
      await this.decodeOne(frame);
      frame = this.takeWaiting();
    }
    this.busy = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private takeWaiting(): GreyFrame | undefined {
    const frame = this.waiting;
    this.waiting = undefined;
    if (frame && this.now() - frame.capturedAt > this.maxFrameAgeMs) {
      this.counts.framesDropped += 1;
      return undefined;
    }
    return frame;
  }

  private async decodeOne(frame: GreyFrame): Promise<void> {
    const started = this.now();
    try {
      const reading = await this.decoder.decode(prepareFrame(frame, this.options.preprocess));
      this.counts.framesDecoded += 1;
      if (reading) {
        this.counts.codesFound += 1;
        this.emit('text', { text: reading.text, capturedAt: frame.capturedAt, decodeMs: this.now() - started });
      }
    } catch (error) {
      this.emit('error', error instanceof Error ? error : new Error(String(error)));
    }
  }
}
