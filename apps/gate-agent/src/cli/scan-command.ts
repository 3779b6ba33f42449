import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { gateBundleSchema, GATE_BUNDLE_FORMAT, signedGateBundleSchema, type GateBundle } from '@campuspass/contracts';
import { hexToBytes } from '@campuspass/pass-token';
import { openSignedBundle, PinnedBundleKey } from '../bundle/bundle-signature.js';
import { BundleError, BundleErrorCode, isBundleError } from '../bundle/bundle.error.js';
import { applyBundle, type BundleState } from '../bundle/bundle-state.js';
import { isGateConfigError } from '../config/gate-config.error.js';
import type { GateConfig } from '../config/gate-config.schema.js';
import { DEFAULT_GATE_CONFIG_PATH, GATE_CONFIG_ENV_VAR, loadGateConfig, resolveGateConfigPath } from '../config/load-gate-config.js';
import { createQrDecoder } from '../decoder/create-qr-decoder.js';
import { prepareFrame, WHOLE_FRAME } from '../decoder/preprocess.js';
import type { QrDecoderEngine } from '../decoder/qr-decoder.port.js';
import { IdentityStore } from '../identity/identity-store.js';
import type { GreyFrame } from '../input/frame-source.port.js';
import { readGreyImage } from '../input/file/read-grey-image.js';
import { decideScan, type ScanDecision } from '../verify/decide-scan.js';
import { createSignatureVerifier } from '../verify/signature-verifier.js';

/**
 * Exit codes of `gate-agent scan`: the decision first (so a shell can test it), then sysexits(3) for mistakes.
 */
export enum ScanExitCode {
  Granted = 0,
  Denied = 1,
  /** The image was read but holds no QR code the decoder could read. */
  NoCode = 2,
  /** Wrong arguments, or an image that cannot be read. */
  Usage = 64,
  /** The bundle file cannot be used: missing, not JSON, not a bundle, bad signature, another gate, stale. */
  BadBundle = 65,
  /** The gate configuration named (or found at the default path) is invalid. */
  Config = 78,
}

export interface ScanCommandOutput {
  write(text: string): unknown;
}

export interface ScanCommandContext {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: ScanCommandOutput;
  readonly stderr: ScanCommandOutput;
}

interface ScanOptions {
  bundle: string;
  bundleKey?: Uint8Array;
  decoder?: QrDecoderEngine;
  now?: Date;
  gateId?: string;
  config?: string;
}

/** Where the bundle key came from; `none` means the bundle's signature was not checked. */
type BundleKeySource = 'option' | 'enrollment' | 'none';

class ScanUsageError extends Error {}

/** The printed result: the decision plus what it was made with, so a desk check shows its own caveats. */
export interface ScanReport {
  readonly decision: ScanDecision['decision'];
  readonly reason: ScanDecision['reason'] | null;
  readonly pass: ScanDecision['pass'] | null;
  readonly displayName: string | null;
  readonly hostName: string | null;
  readonly degradedClock: boolean;
  readonly image: string;
  readonly decoder: QrDecoderEngine;
  readonly bundle: {
    readonly version: number;
    readonly gateId: string;
    readonly gateName: string;
    readonly verified: boolean;
    readonly keySource: BundleKeySource;
  };
  readonly clock: { readonly now: string; readonly source: 'option' | 'system' };
  /** Anti-passback and single use need the gate's usage records; a desk check has none. */
  readonly usageChecked: false;
  readonly warnings: readonly string[];
}

const parseHexKey = (value: string): Uint8Array => {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) {
    throw new InvalidArgumentError('expected the bundle public key as 64 hex digits (the bundlePublicKey the portal gives at enrollment)');
  }
  return hexToBytes(value.toLowerCase());
};

const parseIsoTime = (value: string): Date => {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('expected an ISO 8601 time with date and time, e.g. 2025-09-03T10:00:00+08:00');
  }
  return date;
};

function buildProgram(context: ScanCommandContext): Command {
  return new Command('scan')
    .description(
      'Decode one image, decide it against a bundle file as the gate would, and print the decision JSON.\n' +
        'Exit code: 0 granted, 1 denied, 2 no code in the image, 64 usage, 65 bad bundle file, 78 bad config.',
    )
    .argument('<image>', 'PNG, JPEG or WebP picture with the pass QR code')
    .requiredOption('--bundle <file>', 'SignedGateBundle JSON ({kid, payload, signature}) as GET /api/gate/bundle serves it')
    .option(
      '--bundle-key <hex>',
      "portal's bundle public key (64 hex digits); default: the key this gate pinned at enrollment",
      parseHexKey,
    )
    .addOption(
      new Option('--decoder <engine>', 'QR decoder (default: decoder.engine of the config, else zxing-wasm)').choices([
        'jsqr',
        'zxing-wasm',
      ]),
    )
    .option('--now <iso>', 'decide at this time, taken as trusted (default: the system clock)', parseIsoTime)
    .option('--gate-id <id>', "gate the decision is for (default: the config's gate.id, the enrolled gate, else the bundle's gate)")
    .option('--config <file>', `gate configuration (default: $${GATE_CONFIG_ENV_VAR}, else ${DEFAULT_GATE_CONFIG_PATH} if present)`)
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(run gate-agent scan --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    });
}

/**
 * `gate-agent scan <image> --bundle <file>`: checks a pass at a desk, without a turnstile. Decodes the image with the
 * gate's decoder, verifies the bundle with the given or pinned key (or, with neither, uses it unverified and says so
 * on stderr and in the JSON), decides with decideScan and prints the decision JSON on stdout.
 */
export async function runScanCommand(argv: readonly string[], context: ScanCommandContext): Promise<ScanExitCode> {
  const program = buildProgram(context);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' ? ScanExitCode.Granted : ScanExitCode.Usage;
    }
    throw error;
  }
  const options = program.opts<ScanOptions>();
  const imagePath = resolve(context.cwd, program.args[0] ?? '');
  const fail = (code: ScanExitCode, message: string) => {
    context.stderr.write(`gate-agent scan: ${message}\n`);
    return code;
  };

  let config: GateConfig | undefined;
  try {
    config = await loadOptionalConfig(options.config, context);
  } catch (error) {
    if (!isGateConfigError(error)) throw error;
    return fail(ScanExitCode.Config, error.message);
  }

  const warnings: string[] = [];
  let frame: GreyFrame;
  try {
    frame = await readImage(imagePath);
  } catch (error) {
    if (error instanceof ScanUsageError) return fail(ScanExitCode.Usage, error.message);
    throw error;
  }

  const now = options.now ?? new Date();
  let bundle: BundleState;
  let keySource: BundleKeySource;
  try {
    const pinned = options.bundleKey ?? (await enrolledBundleKey(config, warnings));
    keySource = options.bundleKey ? 'option' : pinned ? 'enrollment' : 'none';
    const opened = await readBundleFile(resolve(context.cwd, options.bundle), pinned);
    const gateId = options.gateId ?? config?.gate.id ?? (await enrolledGateId(config)) ?? opened.gateId;
    bundle = applyBundle(undefined, opened, { gateId, clock: { trustedNow: () => now, floor: () => undefined } });
  } catch (error) {
    if (isBundleError(error)) return fail(ScanExitCode.BadBundle, `bundle file ${options.bundle} refused: ${error.message}`);
    throw error;
  }
  if (keySource === 'none') {
    const warning =
      'BUNDLE NOT VERIFIED: no --bundle-key was given and this machine has no enrolled gate key, so the bundle signature ' +
      'was not checked; a forged bundle would be believed. Pass --bundle-key <hex> to verify it.';
    warnings.unshift(warning);
    context.stderr.write(`gate-agent scan: WARNING ${warning}\n`);
  }

  const engine = options.decoder ?? config?.decoder.engine ?? 'zxing-wasm';
  const decoder = await createQrDecoder(engine);
  let text: string | undefined;
  try {
    const prepared = prepareFrame(
      frame,
      config ? { region: config.decoder.region, downscale: config.decoder.downscale } : { region: WHOLE_FRAME, downscale: 1 },
    );
    text = (await decoder.decode(prepared))?.text;
  } finally {
    await decoder.close();
  }
  if (text === undefined) {
    return fail(
      ScanExitCode.NoCode,
      `no QR code found in ${imagePath} with ${engine}; use a sharper, larger picture of the code${engine === 'jsqr' ? ' or try --decoder zxing-wasm' : ''}`,
    );
  }

  const decision = decideScan(text, {
    bundle,
    clock: { now, trusted: true },
    // A desk check has none of the gate's usage records: anti-passback and single use are not checked.
    usage: { get: () => undefined },
    verifier: createSignatureVerifier(config?.policy.signatureVerifier ?? 'node-crypto'),
    localPolicy: { reEntryWindowSeconds: config?.policy.reEntryWindowSeconds ?? 0, degradedClockPolicy: 'deny' },
  });
  const report: ScanReport = {
    decision: decision.decision,
    reason: decision.reason ?? null,
    pass: decision.pass ?? null,
    displayName: decision.display?.displayName ?? null,
    hostName: decision.display?.hostName ?? null,
    degradedClock: decision.degradedClock === true,
    image: imagePath,
    decoder: engine,
    bundle: { version: bundle.version, gateId: bundle.gateId, gateName: bundle.gateName, verified: keySource !== 'none', keySource },
    clock: { now: now.toISOString(), source: options.now ? 'option' : 'system' },
    usageChecked: false,
    warnings,
  };
  context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return decision.decision === 'granted' ? ScanExitCode.Granted : ScanExitCode.Denied;
}

/** The named config (must load); else the default path only if a file is there (a desk has none). */
async function loadOptionalConfig(cliPath: string | undefined, context: ScanCommandContext): Promise<GateConfig | undefined> {
  const path = resolveGateConfigPath(cliPath, context.env, context.cwd);
  const named = (cliPath ?? '') !== '' || (context.env[GATE_CONFIG_ENV_VAR] ?? '') !== '';
  if (!named && !existsSync(path)) return undefined;
  return loadGateConfig(path);
}

async function readImage(imagePath: string): Promise<GreyFrame> {
  if (!existsSync(imagePath))
    throw new ScanUsageError(`image ${imagePath} does not exist; give the path of a PNG or JPEG picture of the pass`);
  try {
    return await readGreyImage(imagePath);
  } catch (error) {
    throw new ScanUsageError(`image ${imagePath} cannot be read as a picture (${(error as Error).message}); give a PNG or JPEG file`);
  }
}

/** The bundle key pinned at enrollment under the config's dataDir, if this machine is an enrolled gate. */
async function enrolledBundleKey(config: GateConfig | undefined, warnings: string[]): Promise<Uint8Array | undefined> {
  if (config === undefined) return undefined;
  try {
    const store = new IdentityStore(config.storage.dataDir);
    const identity = await store.loadIdentity();
    const enrollment = identity && (await store.loadEnrollment(identity));
    return enrollment ? hexToBytes(enrollment.bundlePublicKey) : undefined;
  } catch (error) {
    warnings.push(`the enrolled gate key under ${config.storage.dataDir} could not be read: ${(error as Error).message}`);
    return undefined;
  }
}

async function enrolledGateId(config: GateConfig | undefined): Promise<string | undefined> {
  if (config === undefined) return undefined;
  try {
    const store = new IdentityStore(config.storage.dataDir);
    const identity = await store.loadIdentity();
    return identity && (await store.loadEnrollment(identity))?.gateId;
  } catch {
    return undefined;
  }
}

/** Reads the SignedGateBundle file and opens it: with a key, signature first; without, only its shape is checked. */
async function readBundleFile(path: string, key: Uint8Array | undefined): Promise<GateBundle> {
  let envelope: unknown;
  try {
    envelope = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    throw new BundleError(
      BundleErrorCode.MalformedEnvelope,
      `cannot read it as JSON (${reason}); save the portal's GET /api/gate/bundle answer`,
      {
        cause: error,
      },
    );
  }
  if (key !== undefined) return openSignedBundle(envelope, new PinnedBundleKey(key));

  const parsedEnvelope = signedGateBundleSchema.safeParse(envelope);
  if (!parsedEnvelope.success) {
    const issue = parsedEnvelope.error.issues[0];
    throw new BundleError(
      BundleErrorCode.MalformedEnvelope,
      `expected {kid, payload, signature}; ${issue?.path.join('.') || 'envelope'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(parsedEnvelope.data.payload);
  } catch (error) {
    throw new BundleError(BundleErrorCode.InvalidPayload, 'the payload is not JSON', { cause: error });
  }
  const bundle = gateBundleSchema.safeParse(json);
  if (!bundle.success) {
    const issue = bundle.error.issues[0];
    throw new BundleError(
      BundleErrorCode.InvalidPayload,
      `the payload is not a ${GATE_BUNDLE_FORMAT} bundle; ${issue?.path.join('.') || 'bundle'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return bundle.data;
}
