import { isoDateToCampusDay } from '@campuspass/pass-token';
import { jest } from '@jest/globals';
import QRCode from 'qrcode';
import { dateInWords, QR_SVG_CACHE_SIZE, renderQrPng, renderQrSvg } from './pass-presentation.js';

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

  describe('the SVG cache', () => {
    const text = (n: number) => `CP1:CACHE${String(n).padStart(6, '0')}`;
    afterEach(() => jest.restoreAllMocks());

    it('renders a text once while it is in use, and a re-signed text (another text) anew', async () => {
      const render = jest.spyOn(QRCode, 'toString');
      const first = await renderQrSvg(text(1));
      expect(await renderQrSvg(text(1))).toBe(first);
      expect(render).toHaveBeenCalledTimes(1);
      const resigned = await renderQrSvg(text(2));
      expect(render).toHaveBeenCalledTimes(2);
      expect(resigned).not.toBe(first);
      expect(resigned).toBe(await QRCode.toString(text(2), { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
    });

    it('keeps at most QR_SVG_CACHE_SIZE texts, dropping the least recently used', async () => {
      for (let n = 100; n < 100 + QR_SVG_CACHE_SIZE; n++) await renderQrSvg(text(n));
      await renderQrSvg(text(100)); // used again: now the most recent
      await renderQrSvg(text(100 + QR_SVG_CACHE_SIZE)); // one more: the least recent one (101) goes
      const render = jest.spyOn(QRCode, 'toString');
      await renderQrSvg(text(100));
      await renderQrSvg(text(99 + QR_SVG_CACHE_SIZE));
      expect(render).not.toHaveBeenCalled();
      await renderQrSvg(text(101));
      expect(render).toHaveBeenCalledTimes(1);
    });

    it('does not keep a failed render', async () => {
      jest.spyOn(QRCode, 'toString').mockImplementationOnce(() => Promise.reject(new Error('render failed')));
      await expect(renderQrSvg(text(5000))).rejects.toThrow('render failed');
      await expect(renderQrSvg(text(5000))).resolves.toMatch(/^<svg /);
    });
  });
});
