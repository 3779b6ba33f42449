import type { GatePolicy } from '@campuspass/contracts';

// Opening hours are Hong Kong wall-clock times (UTC+8, no daylight saving), so a fixed offset is exact and the
// machine's local zone never matters. Compiled once per bundle state into a 7×1440 minute table, so a scan
// costs one array lookup.

const MS_PER_MINUTE = 60_000;
const MINUTES_PER_DAY = 1440;
const HONG_KONG_OFFSET_MS = 8 * 3_600_000;

/** ISO weekday (1 = Monday … 7 = Sunday) and minute of the day in Hong Kong for an instant. */
export function hongKongWeekdayAndMinute(epochMs: number): { weekday: number; minute: number } {
  const localMinutes = Math.floor((epochMs + HONG_KONG_OFFSET_MS) / MS_PER_MINUTE);
  const day = Math.floor(localMinutes / MINUTES_PER_DAY);
  // 1970-01-01 was a Thursday (ISO 4).
  return { weekday: ((((day + 3) % 7) + 7) % 7) + 1, minute: localMinutes - day * MINUTES_PER_DAY };
}

/** When a gate admits people. An empty list of hours means always open. */
export class OpeningHours {
  // open[(weekday - 1) * 1440 + minute] === 1 when the gate is open in that minute; undefined = always open.
  readonly #open: Uint8Array | undefined;

  constructor(hours: GatePolicy['hours']) {
    if (hours.length === 0) {
      this.#open = undefined;
      return;
    }
    const open = new Uint8Array(7 * MINUTES_PER_DAY);
    for (const span of hours) {
      const from = toMinute(span.open);
      const to = toMinute(span.close);
      // close ≤ open: the span runs past midnight into the next day (22:00–02:00); equal means all day.
      const length = to > from ? to - from : to + MINUTES_PER_DAY - from;
      for (const weekday of span.weekdays) {
        const start = (weekday - 1) * MINUTES_PER_DAY + from;
        for (let offset = 0; offset < length; offset++) open[(start + offset) % open.length] = 1;
      }
    }
    this.#open = open;
  }

  get alwaysOpen(): boolean {
    return this.#open === undefined;
  }

  isOpenAt(epochMs: number): boolean {
    if (this.#open === undefined) return true;
    const { weekday, minute } = hongKongWeekdayAndMinute(epochMs);
    return this.#open[(weekday - 1) * MINUTES_PER_DAY + minute] === 1;
  }
}

function toMinute(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}
