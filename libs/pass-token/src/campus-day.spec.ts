import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import ts from 'typescript';
import { outcomeOf } from '../test/support.js';
import { campusDayOf, campusDayStart, campusDayToIsoDate, isoDateToCampusDay, MAX_ISO_CAMPUS_DAY } from './campus-day.js';

const SOURCE_DIR = fileURLToPath(new URL('.', import.meta.url));

describe('campusDayOf', () => {
  it('switches day at Hong Kong midnight, 16:00Z, not at UTC midnight', () => {
    const hkNewYear = isoDateToCampusDay('2025-01-01');
    expect(campusDayOf(new Date('2024-12-31T15:59:59.999Z'))).toBe(hkNewYear - 1);
    expect(campusDayOf(new Date('2024-12-31T16:00:00.000Z'))).toBe(hkNewYear);
    // Around UTC midnight it is 08:00 in Hong Kong: the same campus day on both sides.
    expect(campusDayOf(new Date('2024-12-31T23:59:59.999Z'))).toBe(hkNewYear);
    expect(campusDayOf(new Date('2025-01-01T00:00:00.000Z'))).toBe(hkNewYear);
    expect(campusDayOf(new Date('2025-01-01T15:59:59.999Z'))).toBe(hkNewYear);
    expect(campusDayOf(new Date('2025-01-01T16:00:00.000Z'))).toBe(hkNewYear + 1);
  });

  it('accepts epoch milliseconds as well as a Date', () => {
    expect(campusDayOf(0)).toBe(0); // 1970-01-01T08:00 in Hong Kong
    expect(campusDayOf(Date.parse('1970-01-01T16:00:00Z'))).toBe(1);
    expect(campusDayOf(Date.parse('1970-01-01T15:59:59.999Z'))).toBe(0);
    expect(campusDayOf(Date.parse('1969-12-31T15:59:59.999Z'))).toBe(-1);
  });

  it('refuses an invalid Date or a non-finite number', () => {
    expect(outcomeOf(() => campusDayOf(new Date('nonsense')))).toBe('bad-field');
    expect(outcomeOf(() => campusDayOf(Number.NaN))).toBe('bad-field');
    expect(outcomeOf(() => campusDayOf(Number.POSITIVE_INFINITY))).toBe('bad-field');
  });

  it('puts every instant of a campus day between its start and the next start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (epochMs) => {
        const day = campusDayOf(epochMs);
        expect(campusDayStart(day).getTime()).toBeLessThanOrEqual(epochMs);
        expect(campusDayStart(day + 1).getTime()).toBeGreaterThan(epochMs);
      }),
    );
  });
});

describe('campusDayStart', () => {
  it('is 16:00Z of the previous UTC date', () => {
    expect(campusDayStart(isoDateToCampusDay('2025-09-01')).toISOString()).toBe('2025-08-31T16:00:00.000Z');
    expect(campusDayStart(0).toISOString()).toBe('1969-12-31T16:00:00.000Z');
  });

  it('refuses non-integer and out-of-range days', () => {
    for (const day of [0.5, -1, MAX_ISO_CAMPUS_DAY + 1, Number.NaN]) {
      expect(outcomeOf(() => campusDayStart(day))).toBe('bad-field');
    }
  });
});

describe('ISO dates', () => {
  it.each([
    ['1970-01-01', 0],
    ['2000-02-29', 11_016],
    ['2025-09-01', 20_332],
    ['2149-06-06', 65_535],
    ['9999-12-31', MAX_ISO_CAMPUS_DAY],
  ])('%s is campus day %d', (isoDate, day) => {
    expect(isoDateToCampusDay(isoDate)).toBe(day);
    expect(campusDayToIsoDate(day)).toBe(isoDate);
  });

  it.each([
    '2025-02-29',
    '2025-02-30',
    '2025-13-01',
    '2025-00-10',
    '2025-04-31',
    '1969-12-31',
    '2025-9-1',
    '2025-09-01T00:00',
    ' 2025-09-01',
    '20250901',
    '',
  ])('refuses %j', (isoDate) => {
    expect(outcomeOf(() => isoDateToCampusDay(isoDate))).toBe('bad-field');
  });

  it('refuses a non-string date', () => {
    expect(outcomeOf(() => isoDateToCampusDay(20_332 as unknown as string))).toBe('bad-field');
  });

  it('round-trips every day in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_ISO_CAMPUS_DAY }), (day) => {
        expect(isoDateToCampusDay(campusDayToIsoDate(day))).toBe(day);
      }),
    );
  });
});

describe('independence from the machine time zone', () => {
  it('uses no local-time Date API anywhere in the library source', () => {
    const localTimeApi =
      /\.(?:get|set)(?:FullYear|Month|Date|Day|Hours|Minutes|Seconds|Milliseconds)\(|getTimezoneOffset|toLocale\w*String|toDateString|toTimeString|new Date\(\s*\d+\s*,/;
    const offenders = readdirSync(SOURCE_DIR)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .filter((file) => localTimeApi.test(readFileSync(join(SOURCE_DIR, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  // Jest gives tests a copy of process.env, so TZ cannot be changed in-process: run the module in
  // child Node processes with TZ set, and compare with the answers computed here.
  it.each(['America/Los_Angeles', 'Asia/Tokyo', 'Pacific/Kiritimati', 'UTC'])('gives the same answers with TZ=%s', (zone) => {
    const instants = [
      '2024-12-31T15:59:59.999Z',
      '2024-12-31T16:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
      '2025-03-09T10:30:00.000Z',
      '2025-11-02T09:00:00.000Z',
    ];
    const expected = {
      days: instants.map((instant) => campusDayOf(new Date(instant))),
      dates: instants.map((instant) => campusDayToIsoDate(campusDayOf(new Date(instant)))),
      starts: instants.map((instant) => campusDayStart(campusDayOf(new Date(instant))).toISOString()),
      parsed: isoDateToCampusDay('2025-03-09'),
    };
    const child = runInZone(zone, instants);
    expect(child.zoneOffsetMinutes).toBe(expectedOffsetMinutes(zone));
    expect({ days: child.days, dates: child.dates, starts: child.starts, parsed: child.parsed }).toEqual(expected);
  });
});

interface ChildAnswers {
  readonly zoneOffsetMinutes: number;
  readonly days: number[];
  readonly dates: string[];
  readonly starts: string[];
  readonly parsed: number;
}

/** getTimezoneOffset() on 2025-01-01T00:00Z in each zone; proves the child really ran in it. */
function expectedOffsetMinutes(zone: string): number {
  return { 'America/Los_Angeles': 480, 'Asia/Tokyo': -540, 'Pacific/Kiritimati': -840, UTC: 0 }[zone] ?? Number.NaN;
}

function runInZone(zone: string, instants: readonly string[]): ChildAnswers {
  const directory = mkdtempSync(join(tmpdir(), 'campus-day-tz-'));
  try {
    for (const file of ['campus-day.ts', 'errors.ts']) {
      const { outputText } = ts.transpileModule(readFileSync(join(SOURCE_DIR, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(directory, file.replace(/\.ts$/, '.mjs')), outputText.replaceAll("from './errors.js'", "from './errors.mjs'"));
    }
    writeFileSync(
      join(directory, 'probe.mjs'),
      `import { campusDayOf, campusDayStart, campusDayToIsoDate, isoDateToCampusDay } from './campus-day.mjs';
const instants = ${JSON.stringify(instants)};
const days = instants.map((instant) => campusDayOf(new Date(instant)));
process.stdout.write(JSON.stringify({
  zoneOffsetMinutes: new Date('2025-01-01T00:00:00Z').getTimezoneOffset(),
  days,
  dates: days.map(campusDayToIsoDate),
  starts: days.map((day) => campusDayStart(day).toISOString()),
  parsed: isoDateToCampusDay('2025-03-09'),
}));`,
    );
    const result = spawnSync(process.execPath, [join(directory, 'probe.mjs')], { env: { ...process.env, TZ: zone }, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`probe failed in ${zone}: ${result.stderr}`);
    return JSON.parse(result.stdout) as ChildAnswers;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
