import sharp from 'sharp';
import type { GreyFrame } from '../frame-source.port.js';

/** Decodes an image (PNG, JPEG, WebP, …) into a grey frame; EXIF rotation applied, alpha flattened on white. */
export async function readGreyImage(input: string | Uint8Array, capturedAt = performance.now()): Promise<GreyFrame> {
  const { data, info } = await sharp(input)
    .rotate()
    .flatten({ background: '#ffffff' })
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected one grey channel after conversion, got ${info.channels}`);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { width: info.width, height: info.height, stride: info.width, data: bytes, capturedAt };
}
