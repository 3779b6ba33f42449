import { describe, expect, it } from '@jest/globals';
import { PHOTO_MAX_BYTES, checkPhotoFile, localized } from './ecard.js';

describe('eCard client helpers', () => {
  it('refuses a photo over 10 MB or of another type before uploading, and lets the portal judge the rest', () => {
    expect(checkPhotoFile({ size: PHOTO_MAX_BYTES, type: 'image/jpeg' })).toBeUndefined();
    expect(checkPhotoFile({ size: PHOTO_MAX_BYTES + 1, type: 'image/jpeg' })).toBe('photo-too-large');
    expect(checkPhotoFile({ size: 1000, type: 'image/gif' })).toBe('photo-unsupported-type');
    expect(checkPhotoFile({ size: 1000, type: 'image/webp' })).toBeUndefined();
    expect(checkPhotoFile({ size: 1000, type: '' })).toBeUndefined();
  });

  it('shows a privilege in the page language, falling back to the other one when a text is empty', () => {
    expect(localized('Hotel ICON', 'zh-Hant')).toBe('Hotel ICON');
    expect(localized({ en: 'Library', 'zh-Hant': '圖書館' }, 'zh-Hant')).toBe('圖書館');
    expect(localized({ en: 'Library', 'zh-Hant': '' }, 'zh-Hant')).toBe('Library');
    expect(localized({ en: '', 'zh-Hant': '圖書館' }, 'en')).toBe('圖書館');
  });
});
