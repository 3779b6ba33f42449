import { pino } from 'pino';
import type { GateConfig } from '../config/gate-config.schema.js';
import { GuardPageServer } from '../guard-page/guard-page.server.js';
import { isHardwareError } from '../hardware/hardware.error.js';
import { isInputError } from '../input/input.error.js';
import { isStoreError } from '../store/store.error.js';
import { startSystemdNotify, type SystemdNotifier } from '../systemd/watchdog.js';
import { GateAgent, GateAgentStartError, type GateAgentOptions } from './gate-agent.js';

/** sysexits(3) codes of a running agent that had to stop. */
export enum RunAgentExitCode {
  Ok = 0,
  Software = 70,
  /** The gate database cannot be opened or read. */
  IoError = 74,
  /** Not enrolled and no code, the code refused, or the gate revoked: a person has to act. */
  NoPermission = 77,
  /**
   * A device named in the config cannot be opened now (GPIO missing, no such serial port, unreadable input): may be
   * transient (a USB adapter re-enumerating), so systemd restarts on it.
   */
  Unavailable = 69,
  /** Not used at run time: a bad config file exits 78 from the CLI before the agent runs (no restart). */
  Config = 78,
}

export interface RunAgentOutput {
  write(text: string): unknown;
}

export interface RunAgentContext {
  readonly stdout: RunAgentOutput;
  readonly stderr: RunAgentOutput;
  /** Emits SIGTERM/SIGINT; default the process. */
  readonly signals?: Pick<NodeJS.Process, 'once' | 'off'>;
  /** Test and demo seams passed to the agent. */
  readonly agentOptions?: Omit<GateAgentOptions, 'log'>;
  /** NOTIFY_SOCKET / WATCHDOG_USEC for the systemd notifier; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * `gate-agent --config gate.yaml`: runs the agent and its guard page until SIGTERM or SIGINT, then stops in order
 * (input, relay driven off, sync, store closed). Resolves with the exit code.
 */
export async function runGateAgent(config: GateConfig, context: RunAgentContext): Promise<RunAgentExitCode> {
  const log = pino({ name: 'gate-agent', level: config.log.level }, context.stdout);
  const signals = context.signals ?? process;
  let agent: GateAgent;
  try {
    agent = new GateAgent(config, { ...context.agentOptions, log });
  } catch (error) {
    if (!isStoreError(error)) throw error;
    context.stderr.write(`${error.message}\n`);
    return RunAgentExitCode.IoError;
  }
  const guardPage = new GuardPageServer({
    host: config.guardPage.host,
    port: config.guardPage.port,
    agent,
    log,
    ...(config.guardPage.manualOpenPinHash === undefined ? {} : { manualOpenPinHash: config.guardPage.manualOpenPinHash }),
  });

  let stopRequested: (signal: string) => void = () => undefined;
  const stopSignal = new Promise<string>((resolve) => (stopRequested = resolve));
  const onSignal = (signal: NodeJS.Signals) => stopRequested(signal);
  signals.once('SIGTERM', onSignal);
  signals.once('SIGINT', onSignal);

  let notifier: SystemdNotifier | undefined;
  const stop = async (exitCode: RunAgentExitCode): Promise<RunAgentExitCode> => {
    await notifier?.stop();
    signals.off('SIGTERM', onSignal);
    signals.off('SIGINT', onSignal);
    await guardPage.stop().catch(() => undefined);
    await agent.stop();
    log.info({ exitCode }, 'gate agent stopped');
    log.flush();
    return exitCode;
  };

  try {
    const url = await guardPage.start();
    log.info({ url }, 'guard page listening');
  } catch (error) {
    context.stderr.write(
      `The guard page cannot listen on ${config.guardPage.host}:${config.guardPage.port} (${(error as Error).message}); ` +
        'free the port or set guardPage.port in the gate config.\n',
    );
    return stop(RunAgentExitCode.Software);
  }

  const started = agent.start().then(
    () => undefined,
    (error: unknown) => error,
  );
  const first = await Promise.race([started.then((error) => ({ error })), stopSignal.then((signal) => ({ signal }))]);
  if ('error' in first && first.error !== undefined) {
    const error = first.error;
    if (error instanceof GateAgentStartError) {
      context.stderr.write(`The gate agent cannot start: ${error.message}\n`);
      return stop(RunAgentExitCode.NoPermission);
    }
    if (isStoreError(error)) {
      context.stderr.write(`${error.message}\n`);
      return stop(RunAgentExitCode.IoError);
    }
    if (isHardwareError(error) || isInputError(error)) {
      context.stderr.write(`The gate agent cannot use a device: ${error.message}\n`);
      return stop(RunAgentExitCode.Unavailable);
    }
    log.fatal({ err: error }, 'gate agent failed to start');
    return stop(RunAgentExitCode.Software);
  }
  if (!('signal' in first)) {
    // Started (devices open, scanning): READY=1 to systemd, and WATCHDOG=1 pings when the unit has WatchdogSec.
    notifier = startSystemdNotify({ env: context.env ?? process.env, onError: (err) => log.warn({ err }, 'systemd notify failed') });
  }
  const signal = 'signal' in first ? first.signal : await stopSignal;
  log.info({ signal }, 'stopping');
  return stop(RunAgentExitCode.Ok);
}
