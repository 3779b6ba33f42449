import { describe, expect, it } from '@jest/globals';
import {
  cameraProblem,
  codeProblem,
  decodeSize,
  LOCATION_STORAGE_KEY,
  readLocation,
  RepeatFilter,
  REPEAT_WINDOW_MS,
  writeLocation,
} from './handheld.js';

describe('repeated codes', () => {
  it('checks a code once while it stays in view, and again once it has been away for the window', () => {
    const filter = new RepeatFilter(4000);
    expect(filter.accept('CP1:A', 0)).toBe(true);
    // Held in front of the camera: seen every 250 ms for 10 s, never checked again.
    for (let now = 250; now <= 10_000; now += 250) expect(filter.accept('CP1:A', now)).toBe(false);
    // Taken away and shown again after the window: checked again.
    expect(filter.accept('CP1:A', 14_000)).toBe(true);
  });

  it('checks a different code at once, and the first code again after it', () => {
    const filter = new RepeatFilter();
    expect(filter.accept('CP1:A', 0)).toBe(true);
    expect(filter.accept('CP1:B', 100)).toBe(true);
    expect(filter.accept('CP1:A', 200)).toBe(true);
    expect(filter.accept('CP1:A', 200 + REPEAT_WINDOW_MS - 1)).toBe(false);
  });

  it('forgets on reset', () => {
    const filter = new RepeatFilter();
    filter.accept('CP1:A', 0);
    filter.reset();
    expect(filter.accept('CP1:A', 1)).toBe(true);
  });
});

describe('decoding size', () => {
  it('scales the longer side down to the limit, never up', () => {
    expect(decodeSize(1280, 720)).toEqual({ width: 640, height: 360 });
    expect(decodeSize(720, 1280)).toEqual({ width: 360, height: 640 });
    expect(decodeSize(320, 240)).toEqual({ width: 320, height: 240 });
    expect(decodeSize(0, 0)).toEqual({ width: 0, height: 0 });
  });
});

describe('camera problems', () => {
  it('tells refusal, absence, a busy camera and an unsupported browser apart', () => {
    const named = (name: string) => Object.assign(new Error(name), { name });
    expect(cameraProblem(named('NotAllowedError'))).toBe('refused');
    expect(cameraProblem(named('NotFoundError'))).toBe('missing');
    expect(cameraProblem(named('OverconstrainedError'))).toBe('missing');
    expect(cameraProblem(named('NotReadableError'))).toBe('busy');
    expect(cameraProblem(new TypeError('insecure'))).toBe('unsupported');
    expect(cameraProblem('weird')).toBe('failed');
  });
});

describe('remembered location', () => {
  function memoryStorage(initial: Record<string, string> = {}) {
    const values = new Map(Object.entries(initial));
    return {
      values,
      getItem: (key: string) => values.get(key) ?? null,
      setItem: (key: string, value: string) => void values.set(key, value),
      removeItem: (key: string) => void values.delete(key),
    };
  }

  it('remembers, trims and forgets the location', () => {
    const storage = memoryStorage();
    expect(readLocation(storage)).toBe('');
    writeLocation(storage, '  Core P side door ');
    expect(storage.values.get(LOCATION_STORAGE_KEY)).toBe('Core P side door');
    expect(readLocation(storage)).toBe('Core P side door');
    writeLocation(storage, '   ');
    expect(storage.values.has(LOCATION_STORAGE_KEY)).toBe(false);
  });

  it('ignores storage that fails or holds something too long', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
      removeItem: () => undefined,
    };
    expect(readLocation(broken)).toBe('');
    expect(() => writeLocation(broken, 'x')).not.toThrow();
    expect(readLocation(undefined)).toBe('');
    expect(readLocation(memoryStorage({ [LOCATION_STORAGE_KEY]: 'x'.repeat(500) }))).toBe('');
  });
});

describe('typed codes', () => {
  it('needs a code of a plausible length', () => {
    expect(codeProblem('  ')).toBe('required');
    expect(codeProblem('x'.repeat(600))).toBe('too-long');
    expect(codeProblem(' CP1:ABC ')).toBeUndefined();
  });
});
