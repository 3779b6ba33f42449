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

/**
 * The QR code of exactly `qrText` as SVG. Error correction M and a 4-module quiet zone (the QR standard's),
 * so a phone screen scans at the turnstile; the pass text is base45, so qrcode picks alphanumeric mode.
 */
export function renderQrSvg(qrText: string): Promise<string> {
  return QRCode.toString(qrText, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

/** The same QR code as PNG, for the inline image of the guest-pass email. */
export function renderQrPng(qrText: string): Promise<Buffer> {
  return QRCode.toBuffer(qrText, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });
}
