import { describe, expect, it } from '@jest/globals';
import { detectLanguage, matchLanguage, readStoredLanguage, storeLanguage, LANGUAGE_STORAGE_KEY } from './language.js';

describe('matchLanguage', () => {
  it.each([
    ['en', 'en'],
    ['en-GB', 'en'],
    ['EN-us', 'en'],
    ['zh-HK', 'zh-Hant'],
    ['zh-TW', 'zh-Hant'],
    ['zh-Hant', 'zh-Hant'],
    ['zh-Hant-HK', 'zh-Hant'],
    ['zh-MO', 'zh-Hant'],
    ['zh', 'zh-Hant'],
    ['zh-CN', 'zh-Hant'],
  ])('%s → %s', (tag, language) => {
    expect(matchLanguage(tag)).toBe(language);
  });

  it.each(['fr', 'ja-JP', 'eng', 'zhx', ''])('%p → undefined', (tag) => {
    expect(matchLanguage(tag)).toBeUndefined();
  });
});

describe('detectLanguage', () => {
  it('prefers the stored choice over the browser', () => {
    expect(detectLanguage('en', ['zh-HK'])).toBe('en');
    expect(detectLanguage('zh-Hant', ['en-US'])).toBe('zh-Hant');
  });

  it('ignores a stored value that is not a language we ship', () => {
    expect(detectLanguage('fr', ['zh-TW'])).toBe('zh-Hant');
  });

  it('takes the first browser language we ship', () => {
    expect(detectLanguage(null, ['ja-JP', 'zh-HK', 'en'])).toBe('zh-Hant');
    expect(detectLanguage(null, ['fr-FR', 'en-GB', 'zh-HK'])).toBe('en');
  });

  it('falls back to English', () => {
    expect(detectLanguage(null, [])).toBe('en');
    expect(detectLanguage(undefined, ['de'])).toBe('en');
  });
});

describe('language storage', () => {
  it('reads back what it stored', () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
    };
    storeLanguage(storage, 'zh-Hant');
    expect(items.get(LANGUAGE_STORAGE_KEY)).toBe('zh-Hant');
    expect(readStoredLanguage(storage)).toBe('zh-Hant');
  });

  it('treats storage that throws as no preference', () => {
    const broken = {
      getItem: (): string | null => {
        throw new Error('SecurityError');
      },
      setItem: (): void => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(readStoredLanguage(broken)).toBeNull();
    expect(() => storeLanguage(broken, 'en')).not.toThrow();
    expect(readStoredLanguage(undefined)).toBeNull();
  });
});
