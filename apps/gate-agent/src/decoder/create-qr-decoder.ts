import { JsqrDecoder } from './jsqr/jsqr-decoder.adapter.js';
import type { QrDecoder, QrDecoderEngine } from './qr-decoder.port.js';
import { ZxingDecoder } from './zxing/zxing-decoder.adapter.js';

/** The decoder named by `decoder.engine`. */
export async function createQrDecoder(engine: QrDecoderEngine): Promise<QrDecoder> {
  switch (engine) {
    case 'jsqr':
      return new JsqrDecoder();
    case 'zxing-wasm':
      return ZxingDecoder.create();
  }
}
