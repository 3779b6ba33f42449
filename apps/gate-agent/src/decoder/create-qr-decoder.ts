import type { QrDecoder, QrDecoderEngine } from './qr-decoder.port.js';

/** The decoder named by `decoder.engine`; only that engine is loaded (dynamic import). */
export async function createQrDecoder(engine: QrDecoderEngine): Promise<QrDecoder> {
  switch (engine) {
    case 'jsqr': {
      const { JsqrDecoder } = await import('./jsqr/jsqr-decoder.adapter.js');
      return new JsqrDecoder();
    }
    case 'zxing-wasm': {
      const { ZxingDecoder } = await import('./zxing/zxing-decoder.adapter.js');
      return ZxingDecoder.create();
    }
  }
}
