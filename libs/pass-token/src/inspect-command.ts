import { Command, CommanderError } from 'commander';
import { campusDayToIsoDate } from './campus-day.js';
import { isPassTokenError, type PassTokenErrorReason } from './errors.js';
import { bytesToHex, hexToBytes } from './hex.js';
import { KeySet } from './key-set.js';
import { PUBLIC_KEY_LENGTH } from './kid.js';
import { createNodeVerifier } from './node.js';
import { decodePass, verifyPass } from './pass.js';
import type { DecodedPass } from './pass-binary.js';

/** Exit codes of `pass inspect`; FORMAT.md and the README document them. */
export const EXIT_CODE = {
  /** Decoded, and the signature verified with a given key covering the pass's day. */
  valid: 0,
  /** Decoded, but not valid under the given keys (unknown-kid, bad-signature, key-not-valid). */
  invalid: 1,
  /** Could not be decoded at all (prefix, base45, length, version, kind, flags, fields). */
  malformed: 2,
  /** Decoded; no --pubkey given, so the signature was not checked. */
  unverified: 3,
  /** Bad command line (BSD sysexits EX_USAGE). */
  usage: 64,
} as const;

/** Where the CLI writes; injected so tests run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

type Verdict = 'valid' | 'invalid' | 'malformed' | 'unverified';

interface InspectReport {
  readonly verdict: Verdict;
  readonly reason?: PassTokenErrorReason;
  readonly message?: string;
  readonly pass?: Record<string, unknown>;
  readonly verifiedBy?: { readonly kid: string; readonly publicKey: string };
}

/**
 * Runs the `pass` command line (`argv` = the arguments after the script, e.g.
 * `['inspect', 'CP1:…', '--pubkey', '<hex>']`) and returns the exit code. Never calls process.exit.
 */
export function runInspect(argv: readonly string[], io: CliIo): number {
  let exitCode: number = EXIT_CODE.usage;
  const program = new Command('pass')
    .description('Inspect CampusPass pass tokens (format version 1)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) });
  program
    .command('inspect')
    .description('Decode a pass QR text, print its fields as JSON and verify it against the given public keys')
    .argument('<qr-text>', "the QR text, e.g. 'CP1:…' (quote it: base45 contains spaces and $ * %)")
    .option('--pubkey <hex>', 'a trusted 32-byte Ed25519 public key as 64 hex characters (repeatable)', collect, [])
    .action((qrText: string, options: { pubkey: string[] }) => {
      exitCode = inspect(qrText, options.pubkey, io);
    });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? 0 : EXIT_CODE.usage;
    }
    throw error;
  }
  return exitCode;
}

function inspect(qrText: string, publicKeysHex: readonly string[], io: CliIo): number {
  let keySet: KeySet | undefined;
  if (publicKeysHex.length > 0) {
    try {
      keySet = new KeySet(publicKeysHex.map((hex) => ({ publicKey: hexToBytes(hex, PUBLIC_KEY_LENGTH) })));
    } catch (error) {
      io.stderr(
        `error: --pubkey must be ${PUBLIC_KEY_LENGTH * 2} hex characters (${isPassTokenError(error) ? error.message : String(error)})\n`,
      );
      return EXIT_CODE.usage;
    }
  }

  let decoded: DecodedPass;
  try {
    decoded = decodePass(qrText);
  } catch (error) {
    if (!isPassTokenError(error)) throw error;
    return report(io, { verdict: 'malformed', reason: error.reason, message: error.message });
  }
  const pass = describePass(decoded);
  if (keySet === undefined) {
    return report(io, { verdict: 'unverified', message: 'no --pubkey given: signature not checked', pass });
  }
  try {
    const verified = verifyPass(qrText, keySet, createNodeVerifier());
    return report(io, {
      verdict: 'valid',
      pass,
      verifiedBy: { kid: bytesToHex(verified.key.kid), publicKey: bytesToHex(verified.key.publicKey) },
    });
  } catch (error) {
    if (!isPassTokenError(error)) throw error;
    return report(io, { verdict: 'invalid', reason: error.reason, message: error.message, pass });
  }
}

function describePass(decoded: DecodedPass): Record<string, unknown> {
  return {
    version: decoded.version,
    kid: bytesToHex(decoded.kid),
    ...decoded.fields,
    campusDate: campusDayToIsoDate(decoded.fields.campusDay),
    signature: bytesToHex(decoded.signature),
  };
}

function report(io: CliIo, result: InspectReport): number {
  io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  return EXIT_CODE[result.verdict];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
