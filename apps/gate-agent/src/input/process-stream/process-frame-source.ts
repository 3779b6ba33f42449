import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import type { Readable } from 'node:stream';
import type { FrameSource, FrameSourceEvents, GreyFrame } from '../frame-source.port.js';
import { InputError, InputErrorCode } from '../input.error.js';
import { DEFAULT_RESTART_BACKOFF, RestartBackoff, type RestartBackoffOptions } from '../restart-backoff.js';
import { FixedSizeChunker } from './fixed-size-chunker.js';

/** Kept from the process's stderr so an exit can say why (ffmpeg prints the cause last). */
const STDERR_TAIL_BYTES = 4096;
/** How long a stopping process gets after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 2000;

export interface ProcessFrameSourceOptions {
  readonly description: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Bytes of one raw frame on stdout. */
  readonly frameBytes: number;
  /** Turns one raw frame into a grey frame (e.g. takes the Y plane of a YUV420 frame). */
  toFrame(raw: Uint8Array, capturedAt: number): GreyFrame;
  /**
   * What to do when the process exits on its own: `always` restart (a camera), or restart only `on-failure`
   * and emit `ended` after a clean exit (a video file).
   */
  readonly restart: 'always' | 'on-failure';
  readonly backoff?: RestartBackoffOptions;
}

/**
 * A continuous capture process whose stdout is a stream of fixed-size raw frames (ffmpeg rawvideo,
 * rpicam-vid yuv420). One process for the whole stream, restarted with capped backoff when it dies.
 */
export class ProcessFrameSource extends EventEmitter<FrameSourceEvents> implements FrameSource {
  readonly description: string;
  private child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  private readonly chunker: FixedSizeChunker;
  private readonly backoff: RestartBackoff;
  private restartTimer: NodeJS.Timeout | undefined;
  private running = false;
  private stderrTail = '';
  private framesSinceSpawn = 0;

  constructor(private readonly options: ProcessFrameSourceOptions) {
    super();
    this.description = options.description;
    this.chunker = new FixedSizeChunker(options.frameBytes);
    this.backoff = new RestartBackoff(options.backoff ?? DEFAULT_RESTART_BACKOFF);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.spawnProcess();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'close');
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killTimer);
  }

  private spawnProcess(): void {
    this.chunker.reset();
    this.stderrTail = '';
    this.framesSinceSpawn = 0;
    const child = spawn(this.options.command, [...this.options.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => {
      if (!this.running) return;
      for (const raw of this.chunker.push(chunk)) {
        this.framesSinceSpawn += 1;
        if (this.framesSinceSpawn === 1) this.backoff.reset();
        this.emit('frame', this.options.toFrame(raw, performance.now()));
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
    });
    // A program that cannot be started emits 'error' and (depending on the Node version) 'close' too:
    // whichever comes first is handled, once.
    let handled = false;
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (handled || (error.code !== 'ENOENT' && error.code !== 'EACCES')) return;
      handled = true;
      this.child = undefined;
      if (!this.running) return;
      this.emit(
        'error',
        new InputError(
          InputErrorCode.SpawnFailed,
          `${this.description}: cannot run ${this.options.command} (${error.code}); is it installed?`,
          {
            cause: error,
          },
        ),
      );
      this.scheduleRestart();
    });
    child.once('close', (code, signal) => {
      if (handled) return;
      handled = true;
      this.onExit(child, code, signal);
    });
  }

  private onExit(child: ChildProcessByStdio<null, Readable, Readable>, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    if (!this.running) return;
    const cleanEnd = code === 0 && this.options.restart === 'on-failure';
    if (cleanEnd) {
      this.running = false;
      this.emit('ended');
      return;
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const partial = this.chunker.partialBytes > 0 ? ` (mid-frame: ${this.chunker.partialBytes} of ${this.options.frameBytes} bytes)` : '';
    const stderr = lastLines(this.stderrTail, 5);
    this.emit(
      'error',
      new InputError(
        InputErrorCode.ProcessExited,
        `${this.description}: ${this.options.command} ${how} after ${this.framesSinceSpawn} frames${partial}${stderr ? `: ${stderr}` : ''}`,
      ),
    );
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (!this.running) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.running) this.spawnProcess();
    }, this.backoff.nextDelayMs());
  }
}

function lastLines(text: string, count: number): string {
  return text.trim().split(/\r?\n/).slice(-count).join(' | ');
}
