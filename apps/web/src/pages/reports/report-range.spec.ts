import { describe, expect, it } from '@jest/globals';
import { checkRange, hongKongToday, presetOf, presetRange } from './report-range.js';

describe('report ranges', () => {
  it('takes today in Hong Kong: 16:00 UTC is already the next day there', () => {
    expect(hongKongToday(Date.parse('2026-02-28T15:59:59.999Z'))).toBe('2026-02-28');
    expect(hongKongToday(Date.parse('2026-02-28T16:00:00.000Z'))).toBe('2026-03-01');
  });

  it('gives the presets, month ends and leap days included', () => {
    expect(presetRange('last7', '2026-03-03')).toEqual({ from: '2026-02-25', to: '2026-03-03' });
    expect(presetRange('last30', '2026-03-03')).toEqual({ from: '2026-02-02', to: '2026-03-03' });
    expect(presetRange('thisMonth', '2026-03-03')).toEqual({ from: '2026-03-01', to: '2026-03-03' });
    expect(presetRange('lastMonth', '2028-03-03')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(presetRange('lastMonth', '2027-01-15')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(presetOf('2026-03-01', '2026-03-03', '2026-03-03')).toBe('thisMonth');
    expect(presetOf('2026-03-02', '2026-03-03', '2026-03-03')).toBeUndefined();
  });

  it('says what is wrong with a typed range', () => {
    expect(checkRange('2026-09-01', '2026-09-30')).toBeUndefined();
    expect(checkRange('2026-02-30', '2026-03-01')).toBe('from-invalid');
    expect(checkRange('2026-03-01', '')).toBe('to-invalid');
    expect(checkRange('2026-03-02', '2026-03-01')).toBe('reversed');
    expect(checkRange('2028-01-01', '2028-12-31')).toBeUndefined();
    expect(checkRange('2025-01-01', '2026-01-02')).toBe('too-long');
  });
});
