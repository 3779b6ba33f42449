/** Why an input device or file gave no frames or text. Each code says where to look. */
export enum InputErrorCode {
  /** The program (ffmpeg, rpicam-vid, fswebcam) is not installed or could not be started. */
  SpawnFailed = 'input-spawn-failed',
  /** The capture process exited; `message` carries the end of its stderr. */
  ProcessExited = 'input-process-exited',
  /** A file or directory could not be read or is not an image/video. */
  FileUnreadable = 'input-file-unreadable',
  /** A snapshot (webcam) failed. */
  CaptureFailed = 'input-capture-failed',
  /** The serial port could not be opened, or it closed (unplugged). */
  PortUnavailable = 'input-port-unavailable',
  /** Settings that cannot work together (frame size, stride). */
  InvalidSettings = 'input-invalid-settings',
}

export class InputError extends Error {
  override readonly name = 'InputError';

  constructor(
    readonly code: InputErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
