import type { GreyFrame } from '../input/frame-source.port.js';
import { greyToRgba, prepareFrame, regionToPixels, WHOLE_FRAME } from './preprocess.js';

function frameOf(width: number, height: number, pixel: (x: number, y: number) => number, stride = width): GreyFrame {
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * stride + x] = pixel(x, y);
  return { width, height, stride, data, capturedAt: 42 };
}

describe('prepareFrame', () => {
  it('passes a packed whole frame through without copying', () => {
    const frame = frameOf(8, 4, (x) => x);
    expect(prepareFrame(frame, { region: WHOLE_FRAME, downscale: 1 })).toBe(frame);
  });

  it('crops the region of interest from a padded frame', () => {
    const frame = frameOf(10, 10, (x, y) => y * 10 + x, 16);
    const out = prepareFrame(frame, { region: { left: 0.2, top: 0.5, width: 0.3, height: 0.2 }, downscale: 1 });
    expect([out.width, out.height, out.stride, out.capturedAt]).toEqual([3, 2, 3, 42]);
    expect([...out.data]).toEqual([52, 53, 54, 62, 63, 64]);
  });

  it('downscales by averaging blocks (rounded)', () => {
    const frame = frameOf(4, 2, (x, y) => [0, 10, 20, 30][x] + y);
    const out = prepareFrame(frame, { region: WHOLE_FRAME, downscale: 2 });
    expect([out.width, out.height]).toEqual([2, 1]);
    expect([...out.data]).toEqual([6, 26]); // (0+10+1+11)/4 = 5.5 → 6; (20+30+21+31)/4 = 25.5 → 26
  });

  it('rejects a downscale that is not a positive integer', () => {
    expect(() =>
      prepareFrame(
        frameOf(4, 4, () => 0),
        { region: WHOLE_FRAME, downscale: 1.5 },
      ),
    ).toThrow(/downscale must be an integer/);
  });

  it('keeps a region at least one pixel and inside the frame', () => {
    expect(regionToPixels({ width: 100, height: 50 }, { left: 1, top: 1, width: 0, height: 0 })).toEqual({
      left: 99,
      top: 49,
      width: 1,
      height: 1,
    });
  });
});

describe('greyToRgba', () => {
  it('copies luma into R, G and B with opaque alpha, skipping row padding', () => {
    const frame = frameOf(2, 1, (x) => [7, 200][x], 4);
    expect([...greyToRgba(frame)]).toEqual([7, 7, 7, 255, 200, 200, 200, 255]);
  });
});
