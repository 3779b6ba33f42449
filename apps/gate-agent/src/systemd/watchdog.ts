import { execFile } from 'node:child_process';

// systemd's sd_notify protocol (READY=1, WATCHDOG=1) is a datagram on the AF_UNIX socket named by NOTIFY_SOCKET.
// Node has no unix *datagram* sockets (node:dgram is UDP only, node:net is stream only) and the gate takes no
// native addon for two short messages, so the agent runs `systemd-notify` (part of systemd, on every Raspberry Pi
// OS). The unit needs NotifyAccess=all: the sender is that short-lived child, not the main PID. systemd-notify 252+
// (Bookworm) waits on a BARRIER until systemd has read the message, so systemd can still attribute the sender to the
// service's cgroup; each call is therefore bounded by a timeout and never overlaps the next.

export interface SystemdNotifyOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The systemd-notify binary. Default: `systemd-notify` from PATH. */
  readonly command?: string;
  /** Milliseconds one systemd-notify call may take before it is killed. Default: 5000, at most the ping interval. */
  readonly callTimeoutMs?: number;
  /** false adds --no-block (no barrier): for receivers other than systemd. Default: true. */
  readonly waitForReceipt?: boolean;
  /** Told when a call fails (the agent logs it; a missed ping is not fatal, a run of them is the watchdog's job). */
  readonly onError?: (error: Error, message: string) => void;
  /** The agent's pid, sent as MAINPID with READY=1. Default: process.pid. */
  readonly pid?: number;
}

export interface SystemdNotifier {
  /** False when NOTIFY_SOCKET is unset (not started by systemd with Type=notify): everything is a no-op. */
  readonly enabled: boolean;
  /** Milliseconds between WATCHDOG=1 pings, or undefined when the unit has no WatchdogSec. */
  readonly watchdogIntervalMs: number | undefined;
  /** Resolves once READY=1 was handed to systemd (or failed; see onError). */
  readonly ready: Promise<void>;
  /** Stops the pings and tells systemd the agent is stopping (STOPPING=1). */
  stop(): Promise<void>;
}

/**
 * Call once the gate agent is up (config loaded, store open, relay driven off, scanning): sends READY=1 once and,
 * when the unit sets WatchdogSec (WATCHDOG_USEC in the environment, for this pid per WATCHDOG_PID), WATCHDOG=1 every
 * WATCHDOG_USEC/2 from the event loop — so a blocked or dead agent stops pinging and systemd restarts it (whose
 * start drives the relay off). A no-op outside systemd.
 */
export function startSystemdNotify(options: SystemdNotifyOptions = {}): SystemdNotifier {
  const env = options.env ?? process.env;
  const pid = options.pid ?? process.pid;
  const socket = env.NOTIFY_SOCKET;
  if (socket === undefined || socket === '') {
    return { enabled: false, watchdogIntervalMs: undefined, ready: Promise.resolve(), stop: () => Promise.resolve() };
  }
  const watchdogIntervalMs = watchdogInterval(env, pid);
  const callTimeoutMs = Math.min(options.callTimeoutMs ?? 5000, watchdogIntervalMs ?? Number.POSITIVE_INFINITY);
  const command = options.command ?? 'systemd-notify';
  const blockArgs = options.waitForReceipt === false ? ['--no-block'] : [];
  const inFlight = new Set<Promise<void>>();

  const notify = (...assignments: string[]): Promise<void> => {
    const message = assignments.join(' ');
    const call = new Promise<void>((resolve) => {
      execFile(
        command,
        [...blockArgs, ...assignments],
        // NOTIFY_SOCKET must reach the child; nothing else of ours is needed.
        { env: { PATH: env.PATH ?? '/usr/bin:/bin', NOTIFY_SOCKET: socket }, timeout: callTimeoutMs, killSignal: 'SIGKILL' },
        (error, _stdout, stderr) => {
          if (error)
            options.onError?.(new Error(`${command} ${message} failed: ${stderr.trim() || error.message}`, { cause: error }), message);
          inFlight.delete(call);
          resolve();
        },
      );
    });
    inFlight.add(call);
    return call;
  };

  const ready = notify('READY=1', `MAINPID=${pid}`);
  let timer: NodeJS.Timeout | undefined;
  if (watchdogIntervalMs !== undefined) {
    timer = setInterval(() => {
      // A ping still waiting on systemd is not doubled: the next tick tries again.
      if (inFlight.size === 0) void notify('WATCHDOG=1');
    }, watchdogIntervalMs);
    // The pings never keep the agent alive on their own.
    timer.unref();
  }
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    watchdogIntervalMs,
    ready,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await Promise.all(inFlight);
        await notify('STOPPING=1');
      })();
      return stopped;
    },
  };
}

/** WATCHDOG_USEC / 2 in milliseconds (sd_watchdog_enabled semantics), or undefined when unset, invalid or for another pid. */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid: number = process.pid): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isSafeInteger(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== '' && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}
