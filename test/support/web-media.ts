import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';

/**
 * A photo-like JPEG of its own for one test (noise from `seed`, blurred, so sharp sees a real photo): the eCard
 * upload needs at least 600×800.
 */
export async function testPhoto(seed: number, size: { width: number; height: number } = { width: 600, height: 800 }): Promise<Buffer> {
  const { width, height } = size;
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = ((index + seed) * 2654435761) >>> 24;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .blur(3)
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Keeps a full-page screenshot as `<name>.png` when WEB_SCREENSHOTS=<dir> is set (for the README and reviews). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const directory = process.env['WEB_SCREENSHOTS'];
  if (!directory) return;
  await mkdir(directory, { recursive: true });
  await page.screenshot({ path: path.join(directory, `${name}.png`), fullPage: true });
}
