import { yuv420Layout } from './rpicam-frame-source.adapter.js';

describe('rpicam-vid yuv420 layout', () => {
  it('has no padding when the width is a multiple of 64', () => {
    expect(yuv420Layout(640, 480)).toEqual({ stride: 640, lumaBytes: 640 * 480, frameBytes: (640 * 480 * 3) / 2 });
  });

  it('pads rows to 64 bytes otherwise, chroma rows at half the stride', () => {
    // 1000 → 1024: Y 1024×600, U and V 512×300 each.
    expect(yuv420Layout(1000, 600)).toEqual({ stride: 1024, lumaBytes: 1024 * 600, frameBytes: 1024 * 600 + 2 * 512 * 300 });
  });

  it('rejects odd sizes, which YUV420 cannot carry', () => {
    expect(() => yuv420Layout(641, 480)).toThrow(/even width and height/);
  });
});
