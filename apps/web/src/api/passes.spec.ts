import { describe, expect, it } from '@jest/globals';
import { hongKongToday, svgDataUrl } from './passes.js';

describe('day pass helpers', () => {
  it('tells the campus day in Hong Kong time, whatever the device time zone', () => {
    expect(hongKongToday(new Date('2026-11-26T15:59:59Z'))).toBe('2026-11-26');
    expect(hongKongToday(new Date('2026-11-26T16:00:00Z'))).toBe('2026-11-27');
  });

  it('makes an image data URL of the SVG, escaped', () => {
    expect(svgDataUrl('<svg a="#"/>')).toBe('data:image/svg+xml;charset=utf-8,%3Csvg%20a%3D%22%23%22%2F%3E');
  });
});
