import QRCode from 'qrcode';
import sharp from 'sharp';
import type { GreyFrame } from '../../input/frame-source.port.js';

// Real QR pictures for tests, demos and the decoder benchmark: text rendered by the `qrcode` package, placed
// on a camera-sized grey frame, optionally rotated, scaled, blurred, low in contrast or noisy.

export interface QrFrameOptions {
  readonly width?: number;
  readonly height?: number;
  /** Side of the code (quiet zone included) in pixels before rotation. Default 240. */
  readonly codeSize?: number;
  /** Degrees, clockwise. */
  readonly rotateDegrees?: number;
  /** Where the code's centre sits, as fractions of the frame. Default the centre. */
  readonly centre?: { readonly x: number; readonly y: number };
  /** Darkest and lightest grey after contrast reduction (0–255). Default 0 and 255. */
  readonly contrast?: { readonly dark: number; readonly light: number };
  /** Standard deviation of added noise, in grey levels. Default 0. */
  readonly noise?: number;
  /** Gaussian blur sigma (an out-of-focus camera). Default none. */
  readonly blur?: number;
  /** Background grey level around the code. Default 170. */
  readonly background?: number;
  readonly seed?: number;
}

/** A PNG of the code alone, as a phone would show it. */
export function renderQrPng(text: string, pixelsPerModule = 6): Promise<Buffer> {
  return QRCode.toBuffer(text, { errorCorrectionLevel: 'M', margin: 4, scale: pixelsPerModule, type: 'png' });
}

/** A width×height grey frame with the code on it. */
export async function renderQrFrame(text: string, options: QrFrameOptions = {}): Promise<GreyFrame> {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const background = options.background ?? 170;
  const size = options.codeSize ?? 240;
  let code = sharp(await renderQrPng(text, 8)).resize(size, size, { kernel: 'nearest' });
  if (options.rotateDegrees) {
    code = sharp(await code.png().toBuffer()).rotate(options.rotateDegrees, {
      background: { r: background, g: background, b: background, alpha: 1 },
    });
  }
  const codePng = await code.png().toBuffer();
  const meta = await sharp(codePng).metadata();
  const codeWidth = meta.width ?? size;
  const codeHeight = meta.height ?? size;
  const centre = options.centre ?? { x: 0.5, y: 0.5 };
  const left = Math.round(centre.x * width - codeWidth / 2);
  const top = Math.round(centre.y * height - codeHeight / 2);
  if (left < 0 || top < 0 || left + codeWidth > width || top + codeHeight > height) {
    throw new RangeError(`code of ${codeWidth}x${codeHeight} at (${left}, ${top}) does not fit a ${width}x${height} frame`);
  }
  let picture = sharp({ create: { width, height, channels: 3, background: { r: background, g: background, b: background } } }).composite([
    { input: codePng, left, top },
  ]);
  if (options.blur) picture = sharp(await picture.png().toBuffer()).blur(options.blur);
  const { data } = await picture.grayscale().raw().toBuffer({ resolveWithObject: true });
  const pixels = new Uint8Array(data.buffer, data.byteOffset, width * height);
  if (options.contrast) applyContrast(pixels, options.contrast.dark, options.contrast.light);
  if (options.noise) addNoise(pixels, options.noise, options.seed ?? 1);
  return { width, height, stride: width, data: new Uint8Array(pixels), capturedAt: performance.now() };
}

/** A frame with no code: smooth shading plus noise, like an empty camera view. */
export function noiseFrame(width = 640, height = 480, sigma = 40, seed = 7): GreyFrame {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = 60 + Math.round((120 * (x + y)) / (width + height));
  }
  addNoise(data, sigma, seed);
  return { width, height, stride: width, data, capturedAt: performance.now() };
}

/** PNG bytes of a grey frame (for file-source tests). */
export function greyFrameToPng(frame: GreyFrame): Promise<Buffer> {
  const packed = new Uint8Array(frame.width * frame.height);
  for (let y = 0; y < frame.height; y++) packed.set(frame.data.subarray(y * frame.stride, y * frame.stride + frame.width), y * frame.width);
  return sharp(packed, { raw: { width: frame.width, height: frame.height, channels: 1 } })
    .png()
    .toBuffer();
}

function applyContrast(pixels: Uint8Array, dark: number, light: number): void {
  const span = light - dark;
  for (let i = 0; i < pixels.length; i++) pixels[i] = dark + Math.round((pixels[i] * span) / 255);
}

/** Deterministic (seeded) approximately normal noise: tests must fail or pass the same way every run. */
function addNoise(pixels: Uint8Array, sigma: number, seed: number): void {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  for (let i = 0; i < pixels.length; i++) {
    const normal = uniform() + uniform() + uniform() + uniform() - 2; // Irwin–Hall, variance 1/3
    const value = pixels[i] + normal * sigma * Math.sqrt(3);
    pixels[i] = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
  }
}
