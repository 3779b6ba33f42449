import jsQRModule from 'jsqr';
import type { GreyFrame } from '../../input/frame-source.port.js';
import { greyToRgba } from '../preprocess.js';
import type { QrDecoder, QrReading } from '../qr-decoder.port.js';

// jsqr is CommonJS whose types declare an ES default export; under nodenext the default import is the
// module object, which at run time is the function itself (and carries it again as .default).
const jsQR = (jsQRModule as unknown as { default: typeof jsQRModule.default }).default;

/**
 * jsqr: pure JavaScript, RGBA input only (it converts back to luma inside). `dontInvert` skips the second,
 * inverted pass: passes are dark on a light screen or paper, and the inverted pass doubles the cost of
 * every frame without a code.
 */
export class JsqrDecoder implements QrDecoder {
  readonly engine = 'jsqr' as const;
  private rgba: Uint8ClampedArray | undefined;

  async decode(frame: GreyFrame): Promise<QrReading | null> {
    // The RGBA buffer is reused from frame to frame (one decode at a time: the decode loop guarantees it).
    this.rgba = greyToRgba(frame, this.rgba);
    const code = jsQR(this.rgba, frame.width, frame.height, { inversionAttempts: 'dontInvert' });
    return code && code.data !== '' ? { text: code.data } : null;
  }

  async close(): Promise<void> {
    this.rgba = undefined;
  }
}
