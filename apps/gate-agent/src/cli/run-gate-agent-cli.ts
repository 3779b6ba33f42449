import { Command, CommanderError } from 'commander';
import { pino } from 'pino';
import { isGateConfigError } from '../config/gate-config.error.js';
import { DEFAULT_GATE_CONFIG_PATH, GATE_CONFIG_ENV_VAR, loadGateConfig, resolveGateConfigPath } from '../config/load-gate-config.js';
import { summarizeGateConfig } from '../config/summarize-gate-config.js';
import { runEnrollCommand } from '../sync/enroll-command.js';
import { runGateAgent } from '../agent/run-gate-agent.js';
import { runHashPinCommand } from './hash-pin-command.js';
import { runScanCommand } from './scan-command.js';

/** Exit codes from sysexits(3), so systemd units and scripts can tell a usage mistake from a bad config file. */
export enum GateAgentExitCode {
  Ok = 0,
  Usage = 64,
  Config = 78,
}

export interface CliTextOutput {
  write(text: string): unknown;
}

export interface GateAgentCliContext {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: CliTextOutput;
  readonly stderr: CliTextOutput;
  /** Read by `hash-pin` (the PIN); default process.stdin. */
  readonly stdin?: AsyncIterable<Buffer | string>;
}

interface CliOptions {
  config?: string;
  checkConfig?: boolean;
  enroll?: string;
}

function buildProgram(context: GateAgentCliContext): Command {
  return new Command()
    .name('gate-agent')
    .description('CampusPass gate agent: runs the gate (scans, turnstile, guard page, sync) until SIGTERM.')
    .option('--config <file>', `gate configuration file (default: $${GATE_CONFIG_ENV_VAR}, else ${DEFAULT_GATE_CONFIG_PATH})`)
    .option('--check-config', 'validate the configuration, log a summary and exit')
    .option('--enroll <code>', 'enroll this gate with the one-time code from the portal (makes the identity key), then exit')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    });
}

/** Runs the gate agent command line; returns the process exit code instead of exiting, so it can be tested. */
export async function runGateAgentCli(argv: readonly string[], context: GateAgentCliContext): Promise<GateAgentExitCode> {
  // `gate-agent scan <image> --bundle <file>`: one image decided at a desk (scan-command.ts, its own exit codes).
  if (argv[0] === 'scan') return (await runScanCommand(argv.slice(1), context)) as number as GateAgentExitCode;
  // `gate-agent hash-pin`: the guard PIN from stdin to guardPage.manualOpenPinHash (hash-pin-command.ts).
  if (argv[0] === 'hash-pin') return (await runHashPinCommand(argv.slice(1), context)) as number as GateAgentExitCode;
  const program = buildProgram(context);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help prints and exits 0; every other parse error has already been written to stderr.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' ? GateAgentExitCode.Ok : GateAgentExitCode.Usage;
    }
    throw error;
  }

  const options = program.opts<CliOptions>();
  if (options.enroll !== undefined) {
    const enrollConfigPath = resolveGateConfigPath(options.config, context.env, context.cwd);
    try {
      return (await runEnrollCommand(await loadGateConfig(enrollConfigPath), options.enroll, context)) as number as GateAgentExitCode;
    } catch (error) {
      if (!isGateConfigError(error)) throw error;
      context.stderr.write(`${error.message}\n`);
      return GateAgentExitCode.Config;
    }
  }
  if (!options.checkConfig) {
    // No other action: run the agent (until SIGTERM/SIGINT).
    const runConfigPath = resolveGateConfigPath(options.config, context.env, context.cwd);
    try {
      return (await runGateAgent(await loadGateConfig(runConfigPath), context)) as number as GateAgentExitCode;
    } catch (error) {
      if (!isGateConfigError(error)) throw error;
      context.stderr.write(`${error.message}\n`);
      return GateAgentExitCode.Config;
    }
  }

  const configPath = resolveGateConfigPath(options.config, context.env, context.cwd);
  try {
    const config = await loadGateConfig(configPath);
    // At least "info": --check-config exists to print this line, whatever level the gate normally logs at.
    const level = config.log.level === 'debug' || config.log.level === 'trace' ? config.log.level : 'info';
    const logger = pino({ name: 'gate-agent', level }, context.stdout);
    logger.info({ configFile: configPath, ...summarizeGateConfig(config) }, 'gate agent configured');
    return GateAgentExitCode.Ok;
  } catch (error) {
    if (!isGateConfigError(error)) throw error;
    context.stderr.write(`${error.message}\n`);
    return GateAgentExitCode.Config;
  }
}
