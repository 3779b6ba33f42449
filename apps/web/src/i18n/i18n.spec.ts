/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

// The JSON files are read from disk (the repo's @swc/jest config drops static import attributes): the alumni app's
// messages in <language>.json and each staff area's in areas/<area>.<language>.json, merged as i18n.ts merges them.
const here = path.dirname(fileURLToPath(import.meta.url));
const readJson = (file: string) => JSON.parse(readFileSync(path.join(here, file), 'utf8')) as Messages;
const areaFiles = readdirSync(path.join(here, 'areas'));
function messagesOf(language: string): Messages {
  const areas = areaFiles.filter((file) => file.endsWith(`.${language}.json`)).map((file) => readJson(`areas/${file}`));
  const keys = areas.flatMap((area) => Object.keys(area));
  if (new Set(keys).size !== keys.length) throw new Error(`Two area files of ${language} share a top-level key`);
  return Object.assign({}, readJson(`${language}.json`), ...areas) as Messages;
}
const en = messagesOf('en');
const zhHant = messagesOf('zh-Hant');

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
  it('every staff area has its file in both languages, and no area shadows an alumni-app key', () => {
    const areas = (language: string) =>
      areaFiles
        .filter((file) => file.endsWith(`.${language}.json`))
        .map((file) => file.slice(0, -`.${language}.json`.length))
        .sort();
    expect(areas('zh-Hant')).toEqual(areas('en'));
    expect(areas('en').length).toBeGreaterThan(0);
    const app = Object.keys(readJson('en.json'));
    expect(
      areas('en')
        .flatMap((area) => Object.keys(readJson(`areas/${area}.en.json`)))
        .filter((key) => app.includes(key)),
    ).toEqual([]);
  });

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
