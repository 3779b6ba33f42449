import { type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { extname, join } from 'node:path';
import { createFfmpegFrameSource } from '../ffmpeg/ffmpeg-frame-source.adapter.js';
import type { FrameSource, FrameSourceEvents } from '../frame-source.port.js';
import { InputError, InputErrorCode } from '../input.error.js';
import { readGreyImage } from './read-grey-image.js';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.bmp']);
/** A file written into a watched directory is read once it has not grown for this long (no half-written files). */
const SETTLE_MS = 50;

export interface FileFrameSourceOptions {
  /** An image, a directory of images, or a video file. */
  readonly path: string;
  /** Frames per second: how often an image is re-emitted, or the rate a video is read at. */
  readonly fps: number;
  /** Image or video: start again at the end. A directory is watched until stopped either way. */
  readonly loop: boolean;
  /** Video only: frame size ffmpeg scales to. Default 640×480. */
  readonly videoWidth?: number;
  readonly videoHeight?: number;
  /** Directory only: also emit the images already there at start (sorted by name). Default true. */
  readonly includeExisting?: boolean;
}

/**
 * Frames from files, for tests and demos (the demo's simulated gate reads a folder): one image (emitted once,
 * or every 1/fps with `loop`), a directory (each image once, then every new file written into it), or a
 * video (decoded by ffmpeg at `fps`, the same adapter as the camera stream).
 */
export class FileFrameSource extends EventEmitter<FrameSourceEvents> implements FrameSource {
  readonly description: string;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private video: FrameSource | undefined;
  private readonly seen = new Set<string>();
  private readonly settling = new Map<string, NodeJS.Timeout>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: FileFrameSourceOptions) {
    super();
    this.description = `file ${options.path}`;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const info = await stat(this.options.path).catch((error: unknown) => {
      throw new InputError(
        InputErrorCode.FileUnreadable,
        `${this.options.path}: cannot read it (${(error as Error).message}); expected an image, a directory or a video file`,
        {
          cause: error,
        },
      );
    });
    this.running = true;
    if (info.isDirectory()) return this.startDirectory();
    if (IMAGE_EXTENSIONS.has(extname(this.options.path).toLowerCase())) return this.startImage();
    return this.startVideo();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    for (const timer of this.settling.values()) clearTimeout(timer);
    this.settling.clear();
    await this.video?.stop();
    await this.queue;
  }

  private async startImage(): Promise<void> {
    const frame = await readGreyImage(this.options.path).catch((error: unknown) => {
      this.running = false;
      throw new InputError(InputErrorCode.FileUnreadable, `${this.options.path}: not a readable image (${(error as Error).message})`, {
        cause: error,
      });
    });
    const intervalMs = 1000 / this.options.fps;
    const emitOnce = () => {
      if (!this.running) return;
      this.emit('frame', { ...frame, capturedAt: performance.now() });
      if (this.options.loop) {
        this.timer = setTimeout(emitOnce, intervalMs);
      } else {
        this.running = false;
        this.emit('ended');
      }
    };
    this.timer = setTimeout(emitOnce, 0);
  }

  private async startDirectory(): Promise<void> {
    const directory = this.options.path;
    // Watch first, then list: a file written in between is seen by one of the two (and `seen` dedupes).
    this.watcher = watch(directory, (_event, name) => {
      if (name) this.settle(join(directory, name.toString()));
    });
    this.watcher.on('error', (error) =>
      this.emit(
        'error',
        new InputError(InputErrorCode.FileUnreadable, `${directory}: watching failed (${error.message})`, { cause: error }),
      ),
    );
    if (this.options.includeExisting ?? true) {
      const names = (await readdir(directory)).sort();
      for (const name of names) this.enqueue(join(directory, name));
    }
  }

  /** Waits until a new file stops changing, then reads it. */
  private settle(path: string): void {
    if (!IMAGE_EXTENSIONS.has(extname(path).toLowerCase()) || this.seen.has(path)) return;
    clearTimeout(this.settling.get(path));
    this.settling.set(
      path,
      setTimeout(() => {
        this.settling.delete(path);
        this.enqueue(path);
      }, SETTLE_MS),
    );
  }

  /** Images are read one at a time, in the order they were found. */
  private enqueue(path: string): void {
    if (!IMAGE_EXTENSIONS.has(extname(path).toLowerCase()) || this.seen.has(path)) return;
    this.seen.add(path);
    this.queue = this.queue.then(async () => {
      if (!this.running) return;
      try {
        const frame = await readGreyImage(path);
        if (this.running) this.emit('frame', frame);
      } catch (error) {
        if (this.running) {
          this.emit(
            'error',
            new InputError(InputErrorCode.FileUnreadable, `${path}: not a readable image (${(error as Error).message}); skipped`, {
              cause: error,
            }),
          );
        }
      }
    });
  }

  private async startVideo(): Promise<void> {
    const video = createFfmpegFrameSource({
      width: this.options.videoWidth ?? 640,
      height: this.options.videoHeight ?? 480,
      // -re reads the file at its own speed, as a camera would deliver it; -stream_loop -1 repeats it.
      inputArgs: ['-re', ...(this.options.loop ? ['-stream_loop', '-1'] : []), '-i', this.options.path],
      outputFps: this.options.fps,
      restart: 'on-failure',
      description: `video ${this.options.path}`,
    });
    video.on('frame', (frame) => this.emit('frame', frame));
    video.on('error', (error) => this.emit('error', error));
    video.on('ended', () => {
      this.running = false;
      this.emit('ended');
    });
    this.video = video;
    await video.start();
  }
}
