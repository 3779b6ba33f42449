/**
 * The form in which names are compared (never shown): Unicode NFKC (full-width letters and the ideographic
 * space become their plain forms), trimmed, inner runs of white space collapsed to one space, lower case.
 * `  CHAN   Tai-man ` and `chan tai-man` compare equal; Chinese names pass through unchanged.
 */
export function nameKey(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

/** A date as `YYYY-MM-DD` that exists on the calendar (2024-02-29 yes, 2023-02-29 no). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Today's calendar date in Hong Kong (UTC+8, no DST) as `YYYY-MM-DD`: the university's "today", whatever the server's zone. */
export function hongKongToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
