import type { GreyFrame } from '../input/frame-source.port.js';

/** Part of the frame to search, as fractions of its width and height (the `decoder.region` setting). */
export interface FrameRegion {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface PreprocessSettings {
  readonly region: FrameRegion;
  /** Each side divided by this (1 = full size), by averaging downscale × downscale blocks. */
  readonly downscale: number;
}

export const WHOLE_FRAME: FrameRegion = { left: 0, top: 0, width: 1, height: 1 };

/** The pixel rectangle a fractional region covers, at least 1×1 and inside the frame. */
export function regionToPixels(frame: Pick<GreyFrame, 'width' | 'height'>, region: FrameRegion) {
  const left = Math.min(frame.width - 1, Math.max(0, Math.floor(region.left * frame.width)));
  const top = Math.min(frame.height - 1, Math.max(0, Math.floor(region.top * frame.height)));
  const right = Math.min(frame.width, Math.max(left + 1, Math.ceil((region.left + region.width) * frame.width)));
  const bottom = Math.min(frame.height, Math.max(top + 1, Math.ceil((region.top + region.height) * frame.height)));
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Crops the region and downscales it into a packed grey frame (stride = width) — what both decoders take.
 * A whole frame at scale 1 that is already packed is passed through without a copy.
 */
export function prepareFrame(frame: GreyFrame, settings: PreprocessSettings): GreyFrame {
  const factor = settings.downscale;
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`downscale must be an integer ≥ 1, got ${factor}`);
  const rect = regionToPixels(frame, settings.region);
  const untouched = factor === 1 && rect.left === 0 && rect.top === 0 && rect.width === frame.width && rect.height === frame.height;
  if (untouched && frame.stride === frame.width) return frame;
  const width = Math.max(1, Math.floor(rect.width / factor));
  const height = Math.max(1, Math.floor(rect.height / factor));
  const data = new Uint8Array(width * height);
  const { stride } = frame;
  const source = frame.data;
  if (factor === 1) {
    for (let y = 0; y < height; y++) {
      const from = (rect.top + y) * stride + rect.left;
      data.set(source.subarray(from, from + width), y * width);
    }
  } else {
    const area = factor * factor;
    const half = area >> 1;
    for (let y = 0; y < height; y++) {
      const rowStart = (rect.top + y * factor) * stride + rect.left;
      for (let x = 0; x < width; x++) {
        let sum = 0;
        let offset = rowStart + x * factor;
        for (let dy = 0; dy < factor; dy++, offset += stride) {
          for (let dx = 0; dx < factor; dx++) sum += source[offset + dx];
        }
        data[y * width + x] = ((sum + half) / area) | 0;
      }
    }
  }
  return { width, height, stride: width, data, capturedAt: frame.capturedAt };
}

/** Grey → RGBA (R = G = B = luma, A = 255), only for decoders that cannot take luma (jsqr). */
export function greyToRgba(frame: GreyFrame, target?: Uint8ClampedArray): Uint8ClampedArray {
  const { width, height, stride, data } = frame;
  const rgba = target && target.length === width * height * 4 ? target : new Uint8ClampedArray(width * height * 4);
  // Written as 32-bit words: one store per pixel instead of four.
  const words = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const out = y * width;
    for (let x = 0; x < width; x++) {
      const v = data[row + x];
      words[out + x] = 0xff000000 | (v << 16) | (v << 8) | v;
    }
  }
  return rgba;
}
