import type { NtpStatus } from './ntp-status.port.js';

/** NTP status set by hand (demos, tests, machines without timedatectl). */
export class SimulatedNtpStatus implements NtpStatus {
  constructor(private synchronized = false) {}

  set(synchronized: boolean): void {
    this.synchronized = synchronized;
  }

  isSynchronized(): Promise<boolean> {
    return Promise.resolve(this.synchronized);
  }
}
