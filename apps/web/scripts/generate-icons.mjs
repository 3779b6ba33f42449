// Renders the PWA's PNG icons from public/icons/icon.svg with the system Chromium. Run once after
// changing the SVG and commit the PNGs:  node apps/web/scripts/generate-icons.mjs
import { readFile, writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const iconsDir = new URL('../public/icons/', import.meta.url);
const svg = await readFile(new URL('icon.svg', iconsDir), 'utf8');

// "any" icons are the SVG as drawn (rounded corners, transparent outside). Maskable and Apple icons are
// full-bleed squares whose motif sits inside the 80% safe zone, because the platform crops them.
const fullBleed = svg.replace('rx="112"', 'rx="0"').replace('translate(116 116)', 'translate(136 136) scale(0.857)');

const outputs = [
  { file: 'icon-192.png', size: 192, source: svg },
  { file: 'icon-512.png', size: 512, source: svg },
  { file: 'icon-maskable-192.png', size: 192, source: fullBleed },
  { file: 'icon-maskable-512.png', size: 512, source: fullBleed },
  { file: 'apple-touch-icon.png', size: 180, source: fullBleed },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  for (const { file, size, source } of outputs) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const sized = source.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block}</style>${sized}`);
    await writeFile(new URL(file, iconsDir), await page.screenshot({ omitBackground: true, type: 'png' }));
    await page.close();
    console.log(`wrote ${file} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
