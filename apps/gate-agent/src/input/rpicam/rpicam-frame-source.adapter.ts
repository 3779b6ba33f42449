import type { GreyFrame } from '../frame-source.port.js';
import { ProcessFrameSource } from '../process-stream/process-frame-source.js';
import type { RestartBackoffOptions } from '../restart-backoff.js';

/**
 * Row alignment of rpicam-vid's `--codec yuv420` output. rpicam-vid writes each libcamera buffer as it is
 * (planar I420: a Y plane, then U, then V, each at quarter size), including row padding. The Pi 4 ISP
 * driver aligns the YUV420 luma stride to 64 bytes (bcm2835-isp "Set the YUV420/YVU420 format stride to
 * 64 bytes", so the U and V planes stay 32-byte aligned); the chroma rows are half that stride. With a
 * width that is a multiple of 64 (640, 1280, 1920) the stride equals the width and there is no padding.
 * Other widths: the Y plane is read with the padded stride, and the padding is never decoded.
 * Not measured on a Pi 5 (PiSP); if frames look sheared there, set `strideAlignment` to what
 * `rpicam-vid --list-cameras`/libcamera reports.
 */
export const RPICAM_YUV420_STRIDE_ALIGNMENT = 64;

export interface RpicamFrameSourceOptions {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly strideAlignment?: number;
  readonly rpicamPath?: string;
  readonly backoff?: RestartBackoffOptions;
}

export interface Yuv420Layout {
  /** Bytes per luma row. */
  readonly stride: number;
  /** Bytes of the Y plane (stride × height): the grey image. */
  readonly lumaBytes: number;
  /** Bytes of one whole frame: Y + U + V (each chroma plane stride/2 × height/2). */
  readonly frameBytes: number;
}

export function yuv420Layout(width: number, height: number, strideAlignment = RPICAM_YUV420_STRIDE_ALIGNMENT): Yuv420Layout {
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new RangeError(`rpicam yuv420 needs an even width and height, got ${width}x${height}`);
  }
  const stride = Math.ceil(width / strideAlignment) * strideAlignment;
  const lumaBytes = stride * height;
  const chromaBytes = (stride / 2) * (height / 2);
  return { stride, lumaBytes, frameBytes: lumaBytes + 2 * chromaBytes };
}

/** `rpicam-vid -t 0 --codec yuv420 … -o -`: the Pi camera as a continuous stream; the Y plane is the grey frame. */
export function createRpicamFrameSource(options: RpicamFrameSourceOptions): ProcessFrameSource {
  const { width, height, fps } = options;
  const layout = yuv420Layout(width, height, options.strideAlignment);
  const args = [
    '-t',
    '0',
    '--nopreview',
    '--codec',
    'yuv420',
    '--width',
    String(width),
    '--height',
    String(height),
    '--framerate',
    String(fps),
    '-o',
    '-',
  ];
  // The Y plane is a view into the frame buffer (no copy); U and V are simply not looked at.
  const toFrame = (raw: Uint8Array, capturedAt: number): GreyFrame => ({
    width,
    height,
    stride: layout.stride,
    data: raw.subarray(0, layout.lumaBytes),
    capturedAt,
  });
  return new ProcessFrameSource({
    description: `rpicam-vid ${width}x${height}@${fps}`,
    command: options.rpicamPath ?? 'rpicam-vid',
    args,
    frameBytes: layout.frameBytes,
    toFrame,
    restart: 'always',
    backoff: options.backoff,
  });
}
