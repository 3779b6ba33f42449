import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import NodeWebcam from 'node-webcam';
import { readGreyImage } from '../file/read-grey-image.js';
import type { FrameSource, FrameSourceEvents } from '../frame-source.port.js';
import { InputError, InputErrorCode } from '../input.error.js';

export interface WebcamFrameSourceOptions {
  readonly device: string;
  readonly width: number;
  readonly height: number;
  /** Pause between the end of one snapshot and the start of the next. */
  readonly intervalMs: number;
}

// Paths reach fswebcam through a shell command line that node-webcam builds, so only plain device names pass.
const SAFE_DEVICE = /^\/dev\/[A-Za-z0-9._/-]+$/;

/**
 * Snapshots through node-webcam, which runs `fswebcam` once per picture (slow: for cameras ffmpeg cannot
 * stream). Its in-memory capture is broken, so each picture goes through a file in a private temp directory.
 * Thin on purpose: the grey conversion is the file source's, the scheduling is one timer.
 */
export class WebcamFrameSource extends EventEmitter<FrameSourceEvents> implements FrameSource {
  readonly description: string;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private directory: string | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: WebcamFrameSourceOptions) {
    super();
    if (!SAFE_DEVICE.test(options.device)) {
      throw new InputError(
        InputErrorCode.InvalidSettings,
        `webcam device ${JSON.stringify(options.device)}: expected a plain path such as /dev/video0`,
      );
    }
    this.description = `webcam ${options.device} ${options.width}x${options.height} every ${options.intervalMs} ms`;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.directory = await mkdtemp(join(tmpdir(), 'campuspass-webcam-'));
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.inFlight;
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
    this.directory = undefined;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.inFlight = this.snapshot().finally(() => {
        if (this.running) this.schedule(this.options.intervalMs);
      });
    }, delayMs);
  }

  private async snapshot(): Promise<void> {
    const webcam = NodeWebcam.create({
      width: this.options.width,
      height: this.options.height,
      device: this.options.device,
      output: 'png',
      callbackReturn: 'location',
      saveShots: true,
      delay: 0,
      verbose: false,
    });
    const base = join(this.directory ?? tmpdir(), 'snapshot');
    try {
      const location = await new Promise<string>((resolve, reject) =>
        webcam.capture(base, (error, data) => (error ? reject(error) : resolve(data))),
      );
      const frame = await readGreyImage(location);
      if (this.running) this.emit('frame', frame);
    } catch (error) {
      if (this.running) {
        this.emit(
          'error',
          new InputError(
            InputErrorCode.CaptureFailed,
            `${this.description}: snapshot failed (${(error as Error).message}); is fswebcam installed and the camera plugged in?`,
            { cause: error },
          ),
        );
      }
    }
  }
}
