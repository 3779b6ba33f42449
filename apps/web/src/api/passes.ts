import type { ApiClient } from './client.js';

/** GET /api/passes/today (apps/portal/src/passes/dto DayPassResponse). */
export interface DayPass {
  readonly passId: string;
  readonly campusDay: number;
  /** YYYY-MM-DD, the Hong Kong day the pass is for. */
  readonly date: string;
  readonly dateInWords: { readonly en: string; readonly 'zh-Hant': string };
  readonly qrText: string;
  /** An <svg> document (qrcode); shown through an <img> data URL, never inserted as markup. */
  readonly qrSvg: string;
}

export const TODAY_PASS_PATH = '/api/passes/today';

/** Today's date in Hong Kong (the campus day), YYYY-MM-DD. */
export function hongKongToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Hong_Kong', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export function passesApi(client: ApiClient) {
  return {
    today: (signal?: AbortSignal) => client.get<DayPass>(TODAY_PASS_PATH, { signal }),
  };
}
