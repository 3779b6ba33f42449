import { campusDayToIsoDate, type CampusDay } from '@campuspass/pass-token';
import QRCode from 'qrcode';

export interface DateInWords {
  readonly en: string;
  readonly 'zh-Hant': string;
}

// The ISO date at UTC midnight has the Hong Kong calendar date of the campus day; format it in UTC.
const EN = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const ZH_HANT = new Intl.DateTimeFormat('zh-Hant-HK', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** The campus day in words: "Thursday 27 November 2026" and "2026年11月27日星期四". */
export function dateInWords(day: CampusDay): DateInWords {
  const date = new Date(`${campusDayToIsoDate(day)}T00:00:00Z`);
  return { en: EN.format(date), 'zh-Hant': ZH_HANT.format(date) };
}

/** How many QR images renderQrSvg keeps: about 3 kB each, so some 3 MB at most. */
export const QR_SVG_CACHE_SIZE = 1000;
/** Least recently used first (a Map keeps insertion order; a hit moves its entry to the end). */
const qrSvgCache = new Map<string, Promise<string>>();

/**
 * The QR code of exactly `qrText` as SVG. Error correction M and a 4-module quiet zone (the QR standard's),
 * so a phone screen scans at the turnstile; the pass text is base45, so qrcode picks alphanumeric mode.
 *
 * A pass's text stays the same all day and the eCard page asks for it again and again, so the images of the
 * last QR_SVG_CACHE_SIZE texts are kept, keyed by the exact text: a pass re-signed with another key has another
 * text, so it gets its own image. The cache decides nothing: callers render only the passes they may show.
 */
export function renderQrSvg(qrText: string): Promise<string> {
  const cached = qrSvgCache.get(qrText);
  if (cached) {
    qrSvgCache.delete(qrText);
    qrSvgCache.set(qrText, cached);
    return cached;
  }
  const rendered = QRCode.toString(qrText, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  qrSvgCache.set(qrText, rendered);
  // A failed render is not kept: the next call tries again.
  rendered.catch(() => {
    if (qrSvgCache.get(qrText) === rendered) qrSvgCache.delete(qrText);
  });
  if (qrSvgCache.size > QR_SVG_CACHE_SIZE) qrSvgCache.delete(qrSvgCache.keys().next().value!);
  return rendered;
}

/** The same QR code as PNG, for the inline image of the guest-pass email. */
export function renderQrPng(qrText: string): Promise<Buffer> {
  return QRCode.toBuffer(qrText, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });
}
