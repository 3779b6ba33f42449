import { EventEmitter } from 'node:events';
import type { PreprocessSettings } from '../decoder/preprocess.js';
import type { QrDecoder } from '../decoder/qr-decoder.port.js';
import type { InputSource } from '../input/create-input-source.js';
import type { InputError } from '../input/input.error.js';
import { DecodeLoop, type DecodeLoopStats } from './decode-loop.js';
import { RepeatSuppressor } from './repeat-suppressor.js';

/** One scan for the verifier: a code newly in view (repeats already suppressed). */
export interface Scan {
  readonly text: string;
  /** When the frame (or scanner line) holding it arrived, monotonic ms. */
  readonly seenAt: number;
  readonly via: 'camera' | 'scanner';
}

export interface ScanStreamEvents {
  scan: [scan: Scan];
  /** Input or decoder trouble, for the log and the guard page; the stream keeps running. */
  problem: [error: InputError | Error];
  /** A file input reached its end. */
  ended: [];
}

export interface ScanStreamOptions {
  readonly input: InputSource;
  /** Required for camera inputs; unused with a scanner. */
  readonly decoder?: QrDecoder;
  readonly preprocess: PreprocessSettings;
  readonly repeatHoldMs: number;
}

/**
 * Input → (decode loop, for cameras) → repeat suppression → `scan`. What the rest of the agent listens to,
 * whatever the input is.
 */
export class ScanStream extends EventEmitter<ScanStreamEvents> {
  private readonly suppressor: RepeatSuppressor;
  private readonly loop: DecodeLoop | undefined;
  private detach: (() => void) | undefined;

  constructor(private readonly options: ScanStreamOptions) {
    super();
    this.suppressor = new RepeatSuppressor(options.repeatHoldMs);
    if (options.input.kind === 'frames') {
      if (!options.decoder) throw new Error('a camera or file input needs a QR decoder');
      this.loop = new DecodeLoop(options.decoder, { preprocess: options.preprocess });
      this.loop.on('text', (decoded) => this.offer(decoded.text, decoded.capturedAt, 'camera'));
      this.loop.on('error', (error) => this.emit('problem', error));
    }
  }

  get decodeStats(): DecodeLoopStats | undefined {
    return this.loop?.stats;
  }

  async start(): Promise<void> {
    const { input } = this.options;
    if (input.kind === 'frames') {
      const source = input.source;
      const stopFeeding = this.loop!.attach(source);
      const onError = (error: InputError) => this.emit('problem', error);
      const onEnded = () => void this.loop!.idle().then(() => this.emit('ended'));
      source.on('error', onError);
      source.on('ended', onEnded);
      this.detach = () => {
        stopFeeding();
        source.off('error', onError);
        source.off('ended', onEnded);
      };
    } else {
      const source = input.source;
      const onScan = (scan: { text: string; receivedAt: number }) => this.offer(scan.text, scan.receivedAt, 'scanner');
      const onError = (error: InputError) => this.emit('problem', error);
      source.on('scan', onScan);
      source.on('error', onError);
      this.detach = () => {
        source.off('scan', onScan);
        source.off('error', onError);
      };
    }
    await input.source.start();
  }

  async stop(): Promise<void> {
    await this.options.input.source.stop();
    await this.loop?.idle();
    this.detach?.();
    this.detach = undefined;
  }

  private offer(text: string, seenAt: number, via: Scan['via']): void {
    if (this.suppressor.accept(text, seenAt)) this.emit('scan', { text, seenAt, via });
  }
}
