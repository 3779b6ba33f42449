import { ScannerLineFramer } from './scanner-line-framer.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('ScannerLineFramer', () => {
  it('ends a line at CR, LF or CR LF and strips the terminators', () => {
    const framer = new ScannerLineFramer(64);
    expect(framer.push(bytes('CP1:AAA\rCP1:BBB\nCP1:CCC\r\n'))).toEqual([
      { kind: 'text', text: 'CP1:AAA' },
      { kind: 'text', text: 'CP1:BBB' },
      { kind: 'text', text: 'CP1:CCC' },
    ]);
  });

  it('joins a line split across reads', () => {
    const framer = new ScannerLineFramer(64);
    expect(framer.push(bytes('CP1:A'))).toEqual([]);
    expect(framer.push(bytes('BC\r'))).toEqual([{ kind: 'text', text: 'CP1:ABC' }]);
  });

  it('reports a line longer than the maximum as garbage and reads the next line normally', () => {
    const framer = new ScannerLineFramer(8);
    expect(framer.push(bytes('0123456789AB\nCP1:OK\n'))).toEqual([
      { kind: 'garbage', reason: 'too-long', length: 12 },
      { kind: 'text', text: 'CP1:OK' },
    ]);
  });

  it('reports control characters and invalid UTF-8 as garbage', () => {
    const framer = new ScannerLineFramer(64);
    expect(framer.push(Uint8Array.from([0x41, 0x02, 0x42, 0x0a, 0xff, 0xfe, 0x0a]))).toEqual([
      { kind: 'garbage', reason: 'control-characters', length: 3 },
      { kind: 'garbage', reason: 'not-utf8', length: 2 },
    ]);
  });
});
