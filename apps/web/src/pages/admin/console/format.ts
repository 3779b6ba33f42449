/** A date-time for people, in the page's language; a dash when there is none. */
export function formatDateTime(language: string, iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A campus day (days since 1970-01-01 in Hong Kong) as its calendar date, YYYY-MM-DD; a dash when there is none. */
export function campusDayDate(day: number | null | undefined): string {
  if (day === null || day === undefined) return '—';
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** An <input type="datetime-local"> value (the browser's local time) as an ISO instant; '' stays ''. */
export function localInputToIso(value: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** An ISO instant as an <input type="datetime-local"> value in the browser's local time. */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
