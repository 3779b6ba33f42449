import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import { readBarcodes } from 'zxing-wasm/reader';
import type { GreyFrame } from '../input/frame-source.port.js';
import { JsqrDecoder } from './jsqr/jsqr-decoder.adapter.js';
import { greyToRgba, prepareFrame, WHOLE_FRAME } from './preprocess.js';
import type { QrDecoder } from './qr-decoder.port.js';
import { noiseFrame, renderQrFrame, type QrFrameOptions } from './testing/qr-test-frames.js';
import { ZxingDecoder, zxingReaderWasmPath } from './zxing/zxing-decoder.adapter.js';

// Real pass strings from the pass-token test vectors, rendered by `qrcode`, read by both decoders.
const vectors = (
  JSON.parse(readFileSync(new URL('../../../../libs/pass-token/test-vectors.json', import.meta.url), 'utf8')) as {
    vectors: { name: string; qrText: string }[];
  }
).vectors;
const passTexts = vectors
  .filter((vector) => ['alumni-day-basic', 'guest-maximum-fields', 'too-long'].includes(vector.name))
  .map((vector) => vector.qrText);
const alumniPass = passTexts[0];
const asIs = { region: WHOLE_FRAME, downscale: 1 };

// Rendering and decoding real 640×480 pictures is CPU work; on a busy 2-core machine a test takes seconds.
jest.setTimeout(60_000);

let zxing: ZxingDecoder;
const jsqr = new JsqrDecoder();

beforeAll(async () => {
  zxing = await ZxingDecoder.create();
});
afterAll(async () => {
  await zxing.close();
  await jsqr.close();
});

function decoders(): [string, QrDecoder][] {
  return [
    ['jsqr', jsqr],
    ['zxing-wasm', zxing],
  ];
}

describe.each(['jsqr', 'zxing-wasm'])('%s decoder', (engine) => {
  const decoder = () => decoders().find(([name]) => name === engine)![1];

  it('reads real pass texts from the test vectors, character for character', async () => {
    expect(passTexts).toHaveLength(3);
    for (const text of passTexts) {
      const frame = await renderQrFrame(text, { codeSize: text.length > 200 ? 320 : 240 });
      await expect(decoder().decode(frame)).resolves.toEqual({ text });
    }
  });

  const variants: [string, QrFrameOptions][] = [
    ['rotated 30°', { rotateDegrees: 30, codeSize: 230 }],
    ['rotated 90°', { rotateDegrees: 90 }],
    ['scaled down to 150 px (about 2.6 px per module)', { codeSize: 150 }],
    ['off-centre', { centre: { x: 0.3, y: 0.35 }, codeSize: 200 }],
    ['low contrast (grey 90 on 150)', { contrast: { dark: 90, light: 150 } }],
    // jsqr's limit: at 4 px per module it already misses σ = 6; at 5 px it reads it (zxing reads σ = 12, below).
    ['noisy (σ = 6 grey levels, 5 px per module)', { noise: 6, codeSize: 300 }],
    ['slightly blurred', { blur: 1 }],
  ];
  it.each(variants)('reads a pass %s', async (_name, options) => {
    const frame = await renderQrFrame(alumniPass, options);
    await expect(decoder().decode(frame)).resolves.toEqual({ text: alumniPass });
  });

  it('finds nothing in frames without a code (no false positives)', async () => {
    const empty: GreyFrame[] = [
      noiseFrame(640, 480, 40, 1),
      noiseFrame(640, 480, 90, 2),
      { width: 640, height: 480, stride: 640, data: new Uint8Array(640 * 480).fill(128), capturedAt: 0 },
      // A checkerboard: high contrast and regular, the kind of thing a finder-pattern search trips on.
      {
        width: 640,
        height: 480,
        stride: 640,
        data: Uint8Array.from({ length: 640 * 480 }, (_, i) => ((((i % 640) >> 3) + ((i / 640) >> 3)) & 1 ? 0 : 255)),
        capturedAt: 0,
      },
    ];
    for (const frame of empty) await expect(decoder().decode(frame)).resolves.toBeNull();
  });

  it('reads a code inside a region of interest and a downscaled frame', async () => {
    const frame = await renderQrFrame(alumniPass, { codeSize: 300, centre: { x: 0.7, y: 0.5 } });
    const region = { left: 0.4, top: 0.1, width: 0.6, height: 0.8 };
    await expect(decoder().decode(prepareFrame(frame, { region, downscale: 1 }))).resolves.toEqual({ text: alumniPass });
    await expect(decoder().decode(prepareFrame(frame, { region: WHOLE_FRAME, downscale: 2 }))).resolves.toEqual({ text: alumniPass });
    // A region that leaves the code out finds nothing.
    await expect(
      decoder().decode(prepareFrame(frame, { region: { left: 0, top: 0, width: 0.35, height: 1 }, downscale: 1 })),
    ).resolves.toBeNull();
  });

  it('reads a frame with padded rows once prepareFrame packs it', async () => {
    const frame = await renderQrFrame(alumniPass);
    const stride = 704;
    const padded = new Uint8Array(stride * frame.height).fill(255);
    for (let y = 0; y < frame.height; y++) padded.set(frame.data.subarray(y * 640, y * 640 + 640), y * stride);
    const packed = prepareFrame({ ...frame, stride, data: padded }, asIs);
    expect(packed.stride).toBe(640);
    await expect(decoder().decode(packed)).resolves.toEqual({ text: alumniPass });
  });
});

describe('jsqr and zxing-wasm compared', () => {
  it('zxing-wasm reads a noisier frame (σ = 12 at about 4 px per module) that jsqr misses', async () => {
    const frame = await renderQrFrame(alumniPass, { noise: 12 });
    await expect(zxing.decode(frame)).resolves.toEqual({ text: alumniPass });
    await expect(jsqr.decode(frame)).resolves.toBeNull();
  });
});

describe('zxing-wasm loading and input', () => {
  it('loads the reader .wasm from the installed package', () => {
    expect(zxingReaderWasmPath()).toMatch(/node_modules\/zxing-wasm\/dist\/reader\/zxing_reader\.wasm$/);
  });

  it('grey pixmap input gives the same result as zxing-wasm’s own RGBA path', async () => {
    const frame = await renderQrFrame(alumniPass, { rotateDegrees: 15, noise: 6 });
    const viaPublicApi = await readBarcodes(
      { data: greyToRgba(frame), width: frame.width, height: frame.height, colorSpace: 'srgb' } as unknown as Parameters<
        typeof readBarcodes
      >[0],
      {
        formats: ['QRCode'],
      },
    );
    expect(viaPublicApi.map((result) => result.text)).toEqual([alumniPass]);
    await expect(zxing.decode(frame)).resolves.toEqual({ text: alumniPass });
  });

  it('refuses an unpacked frame with a message saying what to do', async () => {
    const frame = await renderQrFrame(alumniPass);
    await expect(zxing.decode({ ...frame, stride: 700, data: new Uint8Array(700 * 480) })).rejects.toThrow(/use prepareFrame first/);
  });
});
