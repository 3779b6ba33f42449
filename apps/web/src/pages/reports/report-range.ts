import { REPORT_MAX_DAYS } from '@campuspass/contracts';

/** Ranges people ask for most; "custom" is whatever the date fields say. */
export const RANGE_PRESETS = ['last7', 'last30', 'thisMonth', 'lastMonth'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const DAY_MS = 86_400_000;
const HK_OFFSET_MS = 8 * 3_600_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const isoDay = (value: number) => new Date(value).toISOString().slice(0, 10);
const dayValue = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Today in Hong Kong (campus days are Hong Kong days, wherever the browser is), YYYY-MM-DD. */
export function hongKongToday(now = Date.now()): string {
  return isoDay(now + HK_OFFSET_MS);
}

export function addDays(date: string, days: number): string {
  return isoDay(dayValue(date) + days * DAY_MS);
}

/** The days of a preset, ending today (Hong Kong). */
export function presetRange(preset: RangePreset, today: string): { from: string; to: string } {
  switch (preset) {
    case 'last7':
      return { from: addDays(today, -6), to: today };
    case 'last30':
      return { from: addDays(today, -29), to: today };
    case 'thisMonth':
      return { from: `${today.slice(0, 8)}01`, to: today };
    case 'lastMonth': {
      const lastOfPrevious = addDays(`${today.slice(0, 8)}01`, -1);
      return { from: `${lastOfPrevious.slice(0, 8)}01`, to: lastOfPrevious };
    }
  }
}

/** The preset these days are, if any. */
export function presetOf(from: string, to: string, today: string): RangePreset | undefined {
  return RANGE_PRESETS.find((preset) => {
    const range = presetRange(preset, today);
    return range.from === from && range.to === to;
  });
}

/** What is wrong with a range typed by hand (the page words each problem); undefined when it can be asked for. */
export type RangeProblem = 'from-invalid' | 'to-invalid' | 'reversed' | 'too-long';

const realDay = (date: string) => DATE.test(date) && isoDay(dayValue(date)) === date;

export function checkRange(from: string, to: string): RangeProblem | undefined {
  if (!realDay(from)) return 'from-invalid';
  if (!realDay(to)) return 'to-invalid';
  if (to < from) return 'reversed';
  if ((dayValue(to) - dayValue(from)) / DAY_MS + 1 > REPORT_MAX_DAYS) return 'too-long';
  return undefined;
}
