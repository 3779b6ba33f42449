import type { GreyFrame } from '../input/frame-source.port.js';

/** The decoders a gate can be configured with (`decoder.engine`). */
export type QrDecoderEngine = 'jsqr' | 'zxing-wasm';

export interface QrReading {
  /** The QR code's text, as encoded (a CampusPass pass starts with `CP1:`). */
  readonly text: string;
}

/**
 * Finds a QR code in a grey frame (STYLE §7). Adapters take the frame as given; region and downscale are
 * applied before them by `prepareFrame` (preprocess.ts), so every engine sees the same pixels.
 */
export interface QrDecoder {
  readonly engine: QrDecoderEngine;
  /** The first QR code found, or null when the frame has none (or none that decodes). */
  decode(frame: GreyFrame): Promise<QrReading | null>;
  /** Frees what the engine holds (WASM memory); the decoder is unusable afterwards. */
  close(): Promise<void>;
}
