/**
 * The AAO console shows and reads times in Hong Kong time, whatever the zone of the device it runs on: the campus,
 * its gates and its records are in Hong Kong (UTC+08:00 all year, no daylight saving since 1979).
 */
export const CAMPUS_TIME_ZONE = 'Asia/Hong_Kong';
const CAMPUS_OFFSET = '+08:00';
const CAMPUS_OFFSET_MS = 8 * 3_600_000;
const LOCAL_INPUT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?$/;

/** A date-time for people, in the page's language and in Hong Kong time; a dash when there is none. */
export function formatDateTime(language: string, iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'medium', timeZone: CAMPUS_TIME_ZONE });
}

/** A date for people (the Hong Kong day of the instant), in the page's language; a dash when there is none. */
export function formatDate(language: string, iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(language, { dateStyle: 'medium', timeZone: CAMPUS_TIME_ZONE });
}

/** A campus day (days since 1970-01-01 in Hong Kong) as its calendar date, YYYY-MM-DD; a dash when there is none. */
export function campusDayDate(day: number | null | undefined): string {
  if (day === null || day === undefined) return '—';
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** An <input type="datetime-local"> value, read as Hong Kong time (+08:00), as an ISO instant; '' (or nonsense) gives ''. */
export function localInputToIso(value: string): string {
  const match = LOCAL_INPUT.exec(value);
  if (!match) return '';
  const date = new Date(`${match[1]}T${match[2]}${match[3] ?? ':00'}${CAMPUS_OFFSET}`);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** An ISO instant as an <input type="datetime-local"> value in Hong Kong time. */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return '';
  // The instant moved by +08:00 has Hong Kong's wall-clock time in its UTC fields.
  return new Date(time + CAMPUS_OFFSET_MS).toISOString().slice(0, 16);
}
