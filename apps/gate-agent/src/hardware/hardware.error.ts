/** Why a gate device could not be used. Each code names the device kind; messages say what to check. */
export enum HardwareErrorCode {
  /** No usable GPIO sysfs on this machine (not a Pi, or the user lacks the gpio group). */
  GpioUnavailable = 'gpio-unavailable',
  /** No GPIO chip with a known label under the sysfs root. */
  GpioChipNotFound = 'gpio-chip-not-found',
  /** The BCM pin is beyond the chip's line count. */
  GpioPinOutOfRange = 'gpio-pin-out-of-range',
  /** The relay-board table named in the config is missing or malformed. */
  RelayBoardTableInvalid = 'relay-board-table-invalid',
  /** The serial port could not be opened, or closed under us (unplugged). */
  SerialPortUnavailable = 'serial-port-unavailable',
  /** A device command did not complete within its named timeout. */
  CommandTimeout = 'device-command-timeout',
  /** A pulse length outside the allowed bounds was asked for. */
  PulseOutOfBounds = 'relay-pulse-out-of-bounds',
  /** The device was used after close(). */
  Closed = 'device-closed',
}

export class HardwareError extends Error {
  override readonly name = 'HardwareError';

  constructor(
    readonly code: HardwareErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isHardwareError(error: unknown): error is HardwareError {
  return error instanceof HardwareError;
}
