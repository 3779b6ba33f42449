import { isoDateToCampusDay } from '@campuspass/pass-token';
import QRCode from 'qrcode';
import { dateInWords, renderQrPng, renderQrSvg } from './pass-presentation.js';

describe('pass presentation', () => {
  it('says the campus day in words in both languages, independent of the server time zone', () => {
    expect(dateInWords(isoDateToCampusDay('2026-11-27'))).toEqual({ en: 'Friday, 27 November 2026', 'zh-Hant': '2026年11月27日星期五' });
    expect(dateInWords(isoDateToCampusDay('2028-02-29'))).toEqual({ en: 'Tuesday, 29 February 2028', 'zh-Hant': '2028年2月29日星期二' });
  });

  it('renders the SVG from exactly the QR text, in alphanumeric mode', async () => {
    const qrText = 'CP1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXEDA-1';
    const svg = await renderQrSvg(qrText);
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    expect(svg).toBe(await QRCode.toString(qrText, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
    expect(svg).not.toBe(await renderQrSvg(`${qrText.slice(0, -1)}2`));
    const segments = QRCode.create(qrText, { errorCorrectionLevel: 'M' }).segments;
    expect(segments.map((segment) => segment.mode.id)).toEqual(['Alphanumeric']);
    const png = await renderQrPng(qrText);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
