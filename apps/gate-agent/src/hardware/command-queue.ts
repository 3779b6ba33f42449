import { HardwareError, HardwareErrorCode } from './hardware.error.js';

/**
 * Runs device commands one at a time, each with a named timeout: a command that hangs fails with an error naming the
 * command and the device, and the next one starts.
 */
export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly device: string) {}

  run<T>(command: string, timeoutMs: number, action: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => withTimeout(action(), timeoutMs, this.device, command));
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, device: string, command: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HardwareError(HardwareErrorCode.CommandTimeout, `${device}: command "${command}" got no completion within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
