/// <reference types="emscripten" />
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  binarizers,
  characterSets,
  defaultReaderOptions,
  eanAddOnSymbols,
  encodeFormats,
  prepareZXingModule,
  purgeZXingModule,
  textModes,
  type ReaderOptions,
  type ZXingReaderModule,
} from 'zxing-wasm/reader';
import type { GreyFrame } from '../../input/frame-source.port.js';
import type { QrDecoder, QrReading } from '../qr-decoder.port.js';

/** The reader build's .wasm inside node_modules (never the jsDelivr CDN the package defaults to). */
export function zxingReaderWasmPath(): string {
  return createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

/** What the reader looks for: one QR code; no inverted pass (see the jsqr adapter for why). */
const READER_OPTIONS: Required<ReaderOptions> = {
  ...defaultReaderOptions,
  formats: ['QRCode'],
  maxNumberOfSymbols: 1,
  tryHarder: true,
  tryRotate: true,
  tryInvert: false,
  tryDownscale: true,
  textMode: 'Plain',
};

/**
 * The reader options in the form the WASM binding takes. zxing-wasm's own `readBarcodes` accepts only
 * encoded images or RGBA ImageData (which it converts back to luma); the module's `readBarcodesFromPixmap`
 * takes 8-bit luma directly, so grey frames go in without any conversion. The enum encoders are the
 * package's exports; this mirrors its internal conversion (zxing-wasm 3.1, checked by the decoder spec).
 */
function bindingOptions(options: Required<ReaderOptions>) {
  return {
    ...options,
    formats: encodeFormats(options.formats),
    binarizer: binarizers.indexOf(options.binarizer),
    eanAddOnSymbol: eanAddOnSymbols.indexOf(options.eanAddOnSymbol),
    textMode: textModes.indexOf(options.textMode),
    characterSet: characterSets.indexOf(options.characterSet),
    tryCode39ExtendedMode: options.tryCode39ExtendedMode ?? true,
  };
}

type ZXingBindingOptions = Parameters<ZXingReaderModule['readBarcodesFromPixmap']>[3];

/** zxing-cpp compiled to WebAssembly (zxing-wasm's reader build): C++ speed, grey input. */
export class ZxingDecoder implements QrDecoder {
  readonly engine = 'zxing-wasm' as const;
  private buffer = 0;
  private bufferBytes = 0;
  private readonly options = bindingOptions(READER_OPTIONS) as unknown as ZXingBindingOptions;

  private constructor(private readonly module: ZXingReaderModule) {}

  /** Loads and compiles the .wasm from the installed package (about 1 MB; once per process). */
  static async create(wasmPath = zxingReaderWasmPath()): Promise<ZxingDecoder> {
    const binary = await readFile(wasmPath);
    const wasmBinary = binary.buffer.slice(binary.byteOffset, binary.byteOffset + binary.byteLength);
    const module = await prepareZXingModule({
      overrides: {
        wasmBinary,
        // The runtime still asks where the .wasm lives (it is not fetched: wasmBinary is given); the
        // package's default answer is the jsDelivr CDN, so answer with the local file.
        locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmPath : prefix + path),
      },
      fireImmediately: true,
    });
    return new ZxingDecoder(module);
  }

  async decode(frame: GreyFrame): Promise<QrReading | null> {
    if (frame.stride !== frame.width)
      throw new RangeError('zxing decoder: expected a packed frame (stride = width); use prepareFrame first');
    const bytes = frame.width * frame.height;
    // One WASM buffer, grown when needed and reused: malloc/free per frame fragments the WASM heap.
    if (bytes > this.bufferBytes) {
      if (this.buffer) this.module._free(this.buffer);
      this.buffer = this.module._malloc(bytes);
      if (!this.buffer) throw new Error(`zxing decoder: cannot allocate ${bytes} bytes of WASM memory`);
      this.bufferBytes = bytes;
    }
    this.module.HEAPU8.set(frame.data.subarray(0, bytes), this.buffer);
    const results = this.module.readBarcodesFromPixmap(this.buffer, frame.width, frame.height, this.options);
    try {
      for (let i = 0; i < results.size(); i++) {
        const result = results.get(i);
        if (result && result.isValid && result.text !== '') return { text: result.text };
      }
      return null;
    } finally {
      (results as { delete?: () => void }).delete?.();
    }
  }

  async close(): Promise<void> {
    if (this.buffer) this.module._free(this.buffer);
    this.buffer = 0;
    this.bufferBytes = 0;
    purgeZXingModule();
  }
}
