import type { InputConfig } from '../config/gate-config.schema.js';
import type { FrameSource } from './frame-source.port.js';
import type { ScanSource } from './scan-source.port.js';

/** Frames for the QR decoder, or text from a scanner that decodes itself. */
export type InputSource =
  { readonly kind: 'frames'; readonly source: FrameSource } | { readonly kind: 'text'; readonly source: ScanSource };

/**
 * The input adapter named by the gate config's `input.type` (not started). Only that adapter is loaded (dynamic
 * import): a camera gate never loads sharp or serialport.
 */
export async function createInputSource(config: InputConfig): Promise<InputSource> {
  switch (config.type) {
    case 'ffmpeg': {
      const { createFfmpegFrameSource, v4l2InputArgs } = await import('./ffmpeg/ffmpeg-frame-source.adapter.js');
      return {
        kind: 'frames',
        source: createFfmpegFrameSource({
          width: config.width,
          height: config.height,
          inputArgs: v4l2InputArgs(config),
          restart: 'always',
          description: `ffmpeg ${config.device} ${config.width}x${config.height}@${config.fps}`,
        }),
      };
    }
    case 'rpicam': {
      const { createRpicamFrameSource } = await import('./rpicam/rpicam-frame-source.adapter.js');
      return { kind: 'frames', source: createRpicamFrameSource(config) };
    }
    case 'webcam': {
      const { WebcamFrameSource } = await import('./webcam/webcam-frame-source.adapter.js');
      return { kind: 'frames', source: new WebcamFrameSource(config) };
    }
    case 'file': {
      // One import at a time: Jest's ESM loader fails concurrent imports that share a module ("not in cache").
      const { FileFrameSource } = await import('./file/file-frame-source.adapter.js');
      const { default: sharp } = await import('sharp');
      // Images are read one at a time and never again: libvips' operation cache and thread pool would only hold memory.
      sharp.cache(false);
      sharp.concurrency(1);
      return { kind: 'frames', source: new FileFrameSource(config) };
    }
    case 'serial-scanner': {
      const { SerialScannerSource } = await import('./serial-scanner/serial-scanner.adapter.js');
      return { kind: 'text', source: new SerialScannerSource(config) };
    }
  }
}
