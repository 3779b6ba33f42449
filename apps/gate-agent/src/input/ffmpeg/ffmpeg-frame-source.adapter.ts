import type { GreyFrame } from '../frame-source.port.js';
import { ProcessFrameSource } from '../process-stream/process-frame-source.js';
import type { RestartBackoffOptions } from '../restart-backoff.js';

export interface FfmpegFrameSourceOptions {
  readonly width: number;
  readonly height: number;
  /**
   * ffmpeg's input arguments (everything before the output): `v4l2InputArgs(…)` for a camera, or a file,
   * lavfi or image2 input for tests and demos. The output part is always grey rawvideo at width×height.
   */
  readonly inputArgs: readonly string[];
  /** Frames per second written out (`-r`); unset keeps the input's rate. */
  readonly outputFps?: number;
  readonly restart?: 'always' | 'on-failure';
  readonly ffmpegPath?: string;
  readonly backoff?: RestartBackoffOptions;
  readonly description?: string;
}

export interface V4l2InputSettings {
  readonly device: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly inputFormat: 'auto' | 'mjpeg' | 'yuyv422';
}

/** `-f v4l2 [-input_format …] -video_size WxH -framerate N -i /dev/videoX`: the only part tests cannot run. */
export function v4l2InputArgs(settings: V4l2InputSettings): string[] {
  return [
    '-f',
    'v4l2',
    ...(settings.inputFormat === 'auto' ? [] : ['-input_format', settings.inputFormat]),
    '-video_size',
    `${settings.width}x${settings.height}`,
    '-framerate',
    String(settings.fps),
    '-i',
    settings.device,
  ];
}

/**
 * A continuous grey stream from ffmpeg: `… -i <input> -f rawvideo -pix_fmt gray pipe:1`, frames cut from
 * stdout every width×height bytes. `-s` makes ffmpeg scale when the input has another size, so the byte
 * count per frame is always what we cut by.
 */
export function createFfmpegFrameSource(options: FfmpegFrameSourceOptions): ProcessFrameSource {
  const { width, height } = options;
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...options.inputArgs,
    '-an',
    ...(options.outputFps === undefined ? [] : ['-r', String(options.outputFps)]),
    '-s',
    `${width}x${height}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    'pipe:1',
  ];
  const toFrame = (raw: Uint8Array, capturedAt: number): GreyFrame => ({ width, height, stride: width, data: raw, capturedAt });
  return new ProcessFrameSource({
    description: options.description ?? `ffmpeg ${options.inputArgs.at(-1) ?? ''} ${width}x${height}`,
    command: options.ffmpegPath ?? 'ffmpeg',
    args,
    frameBytes: width * height,
    toFrame,
    restart: options.restart ?? 'always',
    backoff: options.backoff,
  });
}
