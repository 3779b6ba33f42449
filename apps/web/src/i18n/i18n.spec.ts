import { describe, expect, it } from '@jest/globals';

// Dynamic import with the attribute in the call: the repo's @swc/jest config drops static import
// attributes, and Jest warns (and will refuse in its next major) when a JSON import has none.
const { default: en } = await import('./en.json', { with: { type: 'json' } });
const { default: zhHant } = await import('./zh-Hant.json', { with: { type: 'json' } });

type Messages = { readonly [key: string]: unknown };

/** Flattens nested messages to dotted keys: { home: { title: 'x' } } → [['home.title', 'x']]. */
function flatten(messages: Messages, prefix = ''): Array<[string, unknown]> {
  return Object.entries(messages).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? flatten(value as Messages, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value] as [string, unknown]],
  );
}

/** The {{placeholders}} a message interpolates, sorted. */
function placeholders(message: string): string[] {
  return [...message.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((match) => match[1] ?? '').sort();
}

const languages: Array<[string, Messages]> = [
  ['en', en],
  ['zh-Hant', zhHant],
];

describe('translation resources', () => {
  it('en and zh-Hant have exactly the same keys', () => {
    const enKeys = flatten(en)
      .map(([key]) => key)
      .sort();
    const zhKeys = flatten(zhHant)
      .map(([key]) => key)
      .sort();
    expect(zhKeys).toEqual(enKeys);
  });

  it.each(languages)('%s has a non-empty string for every key', (_language, messages) => {
    const notText = flatten(messages)
      .filter(([, value]) => typeof value !== 'string' || value.trim() === '')
      .map(([key]) => key);
    expect(notText).toEqual([]);
  });

  it('zh-Hant uses the same placeholders as en in every message', () => {
    const zh = new Map(flatten(zhHant));
    const mismatched = flatten(en)
      .filter(([key, value]) => {
        const other = zh.get(key);
        return typeof value === 'string' && typeof other === 'string' && placeholders(value).join() !== placeholders(other).join();
      })
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });
});
