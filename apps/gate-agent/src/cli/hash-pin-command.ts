import { Command, CommanderError } from 'commander';
import { GUARD_PIN_PATTERN, GUARD_PIN_RULE, hashGuardPin } from '../guard-page/guard-pin.js';

/** Exit codes of `gate-agent hash-pin` (sysexits(3)). */
export enum HashPinExitCode {
  Ok = 0,
  /** Wrong arguments, or the PIN read is not 4–12 digits. */
  Usage = 64,
}

export interface HashPinCommandContext {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Where the PIN is read from (one line); default process.stdin. */
  readonly stdin?: AsyncIterable<Buffer | string>;
}

const MAX_INPUT_BYTES = 1024;

async function readPin(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.length > MAX_INPUT_BYTES) break;
    if (text.includes('\n')) break;
  }
  return (text.split('\n')[0] ?? '').replace(/\r$/, '');
}

/**
 * `gate-agent hash-pin`: reads the guard PIN from stdin (one line; never from the arguments, which other users of
 * the Pi can see in `ps`) and prints the `scrypt$N$r$p$salt$hash` string for guardPage.manualOpenPinHash.
 */
export async function runHashPinCommand(argv: readonly string[], context: HashPinCommandContext): Promise<HashPinExitCode> {
  const program = new Command()
    .name('gate-agent hash-pin')
    .description(
      'Reads the guard PIN (4–12 digits) from stdin and prints its scrypt hash for guardPage.manualOpenPinHash.\n' +
        'Example: read -rs PIN && printf %s "$PIN" | gate-agent hash-pin',
    )
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => context.stdout.write(text), writeErr: (text) => context.stderr.write(text) });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' ? HashPinExitCode.Ok : HashPinExitCode.Usage;
    }
    throw error;
  }
  const pin = await readPin(context.stdin ?? process.stdin);
  if (!GUARD_PIN_PATTERN.test(pin)) {
    context.stderr.write(
      `error: ${GUARD_PIN_RULE}; ${pin === '' ? 'nothing was read from stdin' : 'the line read from stdin is not'}. ` +
        'Pipe the PIN in, e.g. printf %s "$PIN" | gate-agent hash-pin\n',
    );
    return HashPinExitCode.Usage;
  }
  context.stdout.write(`${await hashGuardPin(pin)}\n`);
  return HashPinExitCode.Ok;
}
