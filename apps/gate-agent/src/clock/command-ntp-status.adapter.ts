import { execFile } from 'node:child_process';
import type { NtpStatus } from './ntp-status.port.js';

export interface CommandNtpStatusOptions {
  /** Program and arguments; default `timedatectl show -p NTPSynchronized --value` (prints yes or no). */
  readonly command?: readonly [string, ...string[]];
  /** Milliseconds before the command is killed and the clock counted as not synchronised. Default 5000. */
  readonly timeoutMs?: number;
}

const DEFAULT_COMMAND = ['timedatectl', 'show', '-p', 'NTPSynchronized', '--value'] as const;

/**
 * NTP status read from a small command (systemd's timedatectl by default; any command printing yes/no, 1/0 or
 * true/false, e.g. a wrapper around adjtimex, works). A missing command, a failure or a timeout counts as
 * "not synchronised": the gate never trusts a clock it cannot vouch for.
 */
export class CommandNtpStatus implements NtpStatus {
  readonly #command: readonly [string, ...string[]];
  readonly #timeoutMs: number;

  constructor(options: CommandNtpStatusOptions = {}) {
    this.#command = options.command ?? DEFAULT_COMMAND;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  isSynchronized(): Promise<boolean> {
    const [program, ...args] = this.#command;
    return new Promise((resolve) => {
      execFile(program, args, { timeout: this.#timeoutMs, encoding: 'utf8' }, (error, stdout) => {
        if (error) {
          resolve(false);
          return;
        }
        resolve(/^(yes|1|true)$/i.test(stdout.trim()));
      });
    });
  }
}
