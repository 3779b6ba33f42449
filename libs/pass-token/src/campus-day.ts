import { describeValue, PassTokenError } from './errors.js';

// The campus is in Hong Kong: UTC+8 all year, no daylight saving time since 1979. A fixed offset is
// therefore exact for every date a pass can carry, and it keeps this module free of the machine's
// local zone and of Intl time-zone data (which a gate's minimal Node build may lack).
// Only UTC arithmetic and UTC getters are used here, never local-time getters.

const MS_PER_DAY = 86_400_000;
const HONG_KONG_OFFSET_MS = 8 * 3_600_000;

/** Latest campus day the ISO helpers accept: 9999-12-31. */
export const MAX_ISO_CAMPUS_DAY = 2_932_896;

/** Days since 1970-01-01, counted in Asia/Hong_Kong. */
export type CampusDay = number;

/** The campus day (Hong Kong calendar day) that contains the instant. */
export function campusDayOf(instant: Date | number): CampusDay {
  const epochMs = typeof instant === 'number' ? instant : instant instanceof Date ? instant.getTime() : Number.NaN;
  if (!Number.isFinite(epochMs)) {
    throw new PassTokenError('bad-field', 'instant must be a valid Date or a finite epoch millisecond count');
  }
  return Math.floor((epochMs + HONG_KONG_OFFSET_MS) / MS_PER_DAY);
}

/** The instant of Hong Kong midnight that starts the campus day (16:00Z the previous UTC day). */
export function campusDayStart(day: CampusDay): Date {
  assertIsoRange(day);
  return new Date(day * MS_PER_DAY - HONG_KONG_OFFSET_MS);
}

/** The campus day as a Hong Kong calendar date, `YYYY-MM-DD`. */
export function campusDayToIsoDate(day: CampusDay): string {
  assertIsoRange(day);
  // Midnight UTC of day N has the same calendar date as day N in Hong Kong; read it with UTC getters.
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Parses a `YYYY-MM-DD` calendar date (1970-01-01 … 9999-12-31) into a campus day. */
export function isoDateToCampusDay(isoDate: string): CampusDay {
  const match = typeof isoDate === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate) : null;
  if (match === null) {
    throw new PassTokenError('bad-field', `campus date must be YYYY-MM-DD, got ${describeValue(isoDate)}`);
  }
  const [year, month, dayOfMonth] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const day = Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
  // Date.UTC rolls 2025-02-30 over to March: a round trip exposes every impossible date.
  if (year < 1970 || !Number.isInteger(day) || campusDayToIsoDate(day) !== isoDate) {
    throw new PassTokenError('bad-field', `${isoDate} is not a calendar date between 1970-01-01 and 9999-12-31`);
  }
  return day;
}

function assertIsoRange(day: CampusDay): void {
  if (!Number.isSafeInteger(day) || day < 0 || day > MAX_ISO_CAMPUS_DAY) {
    throw new PassTokenError('bad-field', `campus day must be an integer 0..${MAX_ISO_CAMPUS_DAY}, got ${describeValue(day)}`);
  }
}
