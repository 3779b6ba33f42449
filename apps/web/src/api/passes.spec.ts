import { describe, expect, it } from '@jest/globals';
import {
  defaultGuestDate,
  guestErrorField,
  guestNames,
  guestTokenFromPath,
  hongKongToday,
  isDateInRange,
  nextDate,
  sortGuestPasses,
  svgDataUrl,
  whatsappShareUrl,
  type GuestPass,
} from './passes.js';

describe('day pass helpers', () => {
  it('tells the campus day in Hong Kong time, whatever the device time zone', () => {
    expect(hongKongToday(new Date('2026-11-26T15:59:59Z'))).toBe('2026-11-26');
    expect(hongKongToday(new Date('2026-11-26T16:00:00Z'))).toBe('2026-11-27');
  });

  it('makes an image data URL of the SVG, escaped', () => {
    expect(svgDataUrl('<svg a="#"/>')).toBe('data:image/svg+xml;charset=utf-8,%3Csvg%20a%3D%22%23%22%2F%3E');
  });
});

describe('guest access helpers', () => {
  it('keeps the access date within today … the policy limit ahead', () => {
    expect(isDateInRange('2026-11-27', '2026-11-27', '2026-12-11')).toBe(true);
    expect(isDateInRange('2026-12-11', '2026-11-27', '2026-12-11')).toBe(true);
    expect(isDateInRange('2026-11-26', '2026-11-27', '2026-12-11')).toBe(false);
    expect(isDateInRange('2026-12-12', '2026-11-27', '2026-12-11')).toBe(false);
    expect(isDateInRange('', '2026-11-27', '2026-12-11')).toBe(false);
    expect(isDateInRange('2026-1-30', '2026-01-01', '2026-12-31')).toBe(false);
  });

  it('counts calendar days across month and year ends and leap days', () => {
    expect(nextDate('2026-11-30')).toBe('2026-12-01');
    expect(nextDate('2026-12-31')).toBe('2027-01-01');
    expect(nextDate('2028-02-28')).toBe('2028-02-29');
  });

  it('starts the form at tomorrow, or today when the policy allows only today', () => {
    expect(defaultGuestDate({ firstDate: '2026-12-31', lastDate: '2027-01-14' })).toBe('2027-01-01');
    expect(defaultGuestDate({ firstDate: '2026-12-31', lastDate: '2026-12-31' })).toBe('2026-12-31');
  });

  it('builds a wa.me link with the whole message encoded (spaces, line breaks, the link, Chinese)', () => {
    const url = whatsappShareUrl('訪客 Chan: https://alumni.example.edu/g/abc_-1?x=1&y=2\nThanks');
    expect(url.startsWith('https://wa.me/?text=')).toBe(true);
    const text = new URL(url).searchParams.get('text');
    expect(text).toBe('訪客 Chan: https://alumni.example.edu/g/abc_-1?x=1&y=2\nThanks');
    expect(url).not.toContain(' ');
    expect(url).not.toContain('&y=');
  });

  it('reads the token of a /g/<token> path only', () => {
    expect(guestTokenFromPath('/g/AbC_-123')).toBe('AbC_-123');
    expect(guestTokenFromPath('/g/AbC_-123/')).toBe('AbC_-123');
    expect(guestTokenFromPath('/g/')).toBeUndefined();
    expect(guestTokenFromPath('/g/a/b')).toBeUndefined();
    expect(guestTokenFromPath('/guests')).toBeUndefined();
  });

  it('puts a server error beside the field it concerns', () => {
    expect(guestErrorField('guest-date-invalid', ['The access date 2020-01-01 has passed.'])).toBe('date');
    expect(guestErrorField('guest-purpose-invalid', ['Please choose the purpose'])).toBe('purpose');
    expect(guestErrorField('guest-limit-exceeded', ['You can invite at most 5 guests per day'])).toBe('guests');
    expect(guestErrorField('validation-failed', ['date must be a date as YYYY-MM-DD'])).toBe('date');
    expect(guestErrorField('validation-failed', ['Each guest name must be 1 to 100 characters.'])).toBe('guests');
    expect(guestErrorField('ecard-not-active', ['Your eCard is not active.'])).toBeUndefined();
  });

  it('drops empty guest rows and trims names', () => {
    expect(guestNames(['  Chan Tai Man ', '', '   ', 'Lee Siu Ming'])).toEqual(['Chan Tai Man', 'Lee Siu Ming']);
    expect(guestNames(['', ' '])).toEqual([]);
  });

  it('lists valid passes first by date, then the rest newest first', () => {
    const pass = (guestName: string, date: string, status: GuestPass['status']): GuestPass => ({
      id: guestName,
      guestName,
      purpose: 'Visit',
      date,
      dateInWords: { en: date, 'zh-Hant': date },
      status,
    });
    const { upcoming, other } = sortGuestPasses([
      pass('B', '2026-12-02', 'valid'),
      pass('C', '2026-11-30', 'cancelled'),
      pass('A', '2026-12-01', 'valid'),
      pass('D', '2026-12-03', 'revoked'),
    ]);
    expect(upcoming.map((item) => item.guestName)).toEqual(['A', 'B']);
    expect(other.map((item) => item.guestName)).toEqual(['D', 'C']);
  });
});
