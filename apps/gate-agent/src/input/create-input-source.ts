import type { InputConfig } from '../config/gate-config.schema.js';
import { createFfmpegFrameSource, v4l2InputArgs } from './ffmpeg/ffmpeg-frame-source.adapter.js';
import { FileFrameSource } from './file/file-frame-source.adapter.js';
import type { FrameSource } from './frame-source.port.js';
import { createRpicamFrameSource } from './rpicam/rpicam-frame-source.adapter.js';
import type { ScanSource } from './scan-source.port.js';
import { SerialScannerSource } from './serial-scanner/serial-scanner.adapter.js';
import { WebcamFrameSource } from './webcam/webcam-frame-source.adapter.js';

/** Frames for the QR decoder, or text from a scanner that decodes itself. */
export type InputSource =
  { readonly kind: 'frames'; readonly source: FrameSource } | { readonly kind: 'text'; readonly source: ScanSource };

/** The input adapter named by the gate config's `input.type` (not started). */
export function createInputSource(config: InputConfig): InputSource {
  switch (config.type) {
    case 'ffmpeg':
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
    case 'rpicam':
      return { kind: 'frames', source: createRpicamFrameSource(config) };
    case 'webcam':
      return { kind: 'frames', source: new WebcamFrameSource(config) };
    case 'file':
      return { kind: 'frames', source: new FileFrameSource(config) };
    case 'serial-scanner':
      return { kind: 'text', source: new SerialScannerSource(config) };
  }
}
