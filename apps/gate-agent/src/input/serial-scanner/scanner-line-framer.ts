/** What one complete line from the scanner turned out to be. */
export type ScannerLine =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'garbage'; readonly reason: 'too-long' | 'control-characters' | 'not-utf8'; readonly length: number };

/** Anything below space except the terminators (handled before), and DEL: never part of a pass's QR text. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Splits the scanner's byte stream into lines. Scanners end a code with CR, LF or CR LF (set in the module's
 * menu); any of them ends a line and empty lines are ignored, so CR LF is one terminator, not two lines.
 * A line longer than `maxLineBytes` is reported as garbage and skipped up to its terminator, so a scanner
 * streaming noise cannot grow memory.
 */
export class ScannerLineFramer {
  private readonly buffer: Uint8Array;
  private length = 0;
  private overflowed = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(readonly maxLineBytes: number) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1)
      throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    this.buffer = new Uint8Array(maxLineBytes);
  }

  push(chunk: Uint8Array): ScannerLine[] {
    const lines: ScannerLine[] = [];
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        const line = this.finishLine();
        if (line) lines.push(line);
      } else if (this.overflowed > 0 || this.length === this.maxLineBytes) {
        this.overflowed = this.overflowed === 0 ? this.length + 1 : this.overflowed + 1;
      } else {
        this.buffer[this.length++] = byte;
      }
    }
    return lines;
  }

  private finishLine(): ScannerLine | undefined {
    const overflowed = this.overflowed;
    const length = this.length;
    this.overflowed = 0;
    this.length = 0;
    if (overflowed > 0) return { kind: 'garbage', reason: 'too-long', length: overflowed };
    if (length === 0) return undefined;
    let text: string;
    try {
      text = this.decoder.decode(this.buffer.subarray(0, length));
    } catch {
      return { kind: 'garbage', reason: 'not-utf8', length };
    }
    if (CONTROL_CHARACTERS.test(text)) return { kind: 'garbage', reason: 'control-characters', length };
    return { kind: 'text', text };
  }
}
