import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex } from '@campuspass/pass-token';
import { greyFrameToPng, noiseFrame, renderQrPng } from '../decoder/testing/qr-test-frames.js';
import { IdentityStore } from '../identity/identity-store.js';
import {
  alumniPass,
  bundleSigner,
  displayFor,
  forgerSigner,
  fullBundle,
  GATE_ID,
  OTHER_GATE_ID,
  signBundle,
  TODAY,
  WEDNESDAY_10_00_HK,
} from '../verify/testing/gate-fixtures.js';
import { runGateAgentCli } from './run-gate-agent-cli.js';
import { runScanCommand, ScanExitCode, type ScanReport } from './scan-command.js';

// Real passes (Ed25519 with the test pass key), real signed bundles, rendered by `qrcode` to PNG files, decoded by
// both decoders from the files.

class CapturedText {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const BUNDLE_KEY_HEX = bytesToHex(bundleSigner.publicKey);
const NOW = WEDNESDAY_10_00_HK.toISOString();
let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gate-scan-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new CapturedText();
  const stderr = new CapturedText();
  const exitCode = await runScanCommand(argv, { env, cwd: directory, stdout, stderr });
  return { exitCode, stdout: stdout.text, stderr: stderr.text, report: () => JSON.parse(stdout.text) as ScanReport };
}

/** A pass PNG and a bundle file that lists it; returns their paths (relative to the cwd, like a person types them). */
async function passAndBundle(
  options: { passOverrides?: Parameters<typeof alumniPass>[0]; bundleOverrides?: Parameters<typeof fullBundle>[0] } = {},
) {
  const pass = alumniPass(options.passOverrides);
  await writeFile(join(directory, 'pass.png'), await renderQrPng(pass.qrText));
  const bundle = signBundle(fullBundle({ passes: [displayFor(pass.passId)], ...options.bundleOverrides }));
  await writeFile(join(directory, 'bundle.json'), JSON.stringify(bundle));
  return { pass, bundle, image: 'pass.png', bundleFile: 'bundle.json' };
}

describe('gate-agent scan: decisions', () => {
  it.each(['zxing-wasm', 'jsqr'])('grants a valid pass with a verified bundle using %s, printing the decision JSON', async (decoder) => {
    const { pass, image, bundleFile } = await passAndBundle();
    const result = await run([image, '--bundle', bundleFile, '--bundle-key', BUNDLE_KEY_HEX, '--now', NOW, '--decoder', decoder]);

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(ScanExitCode.Granted);
    expect(result.report()).toMatchObject({
      decision: 'granted',
      reason: null,
      pass: { passId: pass.passId, kind: 'alumni-day', campusDay: TODAY, ecardId: 4711 },
      displayName: 'Chan Tai Man',
      decoder,
      bundle: { version: 10, gateId: GATE_ID, verified: true, keySource: 'option' },
      clock: { now: NOW, source: 'option' },
      usageChecked: false,
      warnings: [],
    });
  });

  it('denies a pass for another day with exit 1 and the reason code', async () => {
    const { image, bundleFile } = await passAndBundle({ passOverrides: { campusDay: TODAY + 1 } });
    const result = await run([image, '--bundle', bundleFile, '--bundle-key', BUNDLE_KEY_HEX, '--now', NOW]);
    expect(result.exitCode).toBe(ScanExitCode.Denied);
    expect(result.report()).toMatchObject({ decision: 'denied', reason: 'wrong-day', displayName: 'Chan Tai Man' });
  });

  it('denies a revoked pass', async () => {
    const pass = alumniPass();
    await writeFile(join(directory, 'pass.png'), await renderQrPng(pass.qrText));
    await writeFile(
      join(directory, 'bundle.json'),
      JSON.stringify(signBundle(fullBundle({ revocations: [{ passId: pass.passId, campusDay: TODAY }] }))),
    );
    const result = await run(['pass.png', '--bundle', 'bundle.json', '--bundle-key', BUNDLE_KEY_HEX, '--now', NOW]);
    expect(result.exitCode).toBe(ScanExitCode.Denied);
    expect(result.report()).toMatchObject({ decision: 'denied', reason: 'revoked', pass: { passId: pass.passId }, displayName: null });
  });

  it('without any bundle key decides with the bundle unverified and says so loudly', async () => {
    const { image, bundleFile } = await passAndBundle();
    const result = await run([image, '--bundle', bundleFile, '--now', NOW]);
    expect(result.exitCode).toBe(ScanExitCode.Granted);
    expect(result.stderr).toMatch(/WARNING BUNDLE NOT VERIFIED.*--bundle-key/);
    const report = result.report();
    expect(report.bundle).toMatchObject({ verified: false, keySource: 'none' });
    expect(report.warnings[0]).toMatch(/^BUNDLE NOT VERIFIED/);
  });

  it("uses the enrolled gate's pinned key and gate id from the configuration", async () => {
    const dataDir = join(directory, 'data');
    const store = new IdentityStore(dataDir);
    const { identity } = await store.loadOrCreateIdentity();
    await store.saveEnrollment(identity, 'https://campuspass.example.edu', {
      gateId: GATE_ID,
      gateName: 'North entrance',
      bundlePublicKey: BUNDLE_KEY_HEX,
      bundleKid: signBundle(fullBundle()).kid,
      eventQueue: { redisUrl: 'redis://127.0.0.1:6379', prefix: 'cp' },
    });
    await writeFile(
      join(directory, 'gate.yaml'),
      `portal:\n  url: https://campuspass.example.edu\nstorage:\n  dataDir: ${dataDir}\ndecoder:\n  engine: jsqr\n`,
    );
    const { image, bundleFile } = await passAndBundle();

    const granted = await run([image, '--bundle', bundleFile, '--now', NOW, '--config', 'gate.yaml']);
    expect(granted.stderr).toBe('');
    expect(granted.exitCode).toBe(ScanExitCode.Granted);
    expect(granted.report()).toMatchObject({ decoder: 'jsqr', bundle: { verified: true, keySource: 'enrollment' } });

    await writeFile(join(directory, 'forged.json'), JSON.stringify(signBundle(fullBundle(), forgerSigner)));
    const forged = await run([image, '--bundle', 'forged.json', '--now', NOW, '--config', 'gate.yaml']);
    expect(forged.exitCode).toBe(ScanExitCode.BadBundle);
    expect(forged.stderr).toMatch(/bundle-key-mismatch/);
  });

  it('is reachable as `gate-agent scan` through the agent command line', async () => {
    const { image, bundleFile } = await passAndBundle();
    const stdout = new CapturedText();
    const stderr = new CapturedText();
    const exitCode = await runGateAgentCli(['scan', image, '--bundle', bundleFile, '--bundle-key', BUNDLE_KEY_HEX, '--now', NOW], {
      env: {},
      cwd: directory,
      stdout,
      stderr,
    });
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout.text)).toMatchObject({ decision: 'granted' });
  });
});

describe('gate-agent scan: bad bundle files exit 65', () => {
  it('refuses a bundle whose payload was altered after signing', async () => {
    const { image, bundle } = await passAndBundle();
    const tampered = { ...bundle, payload: bundle.payload.replace('"zone":0', '"zone":1') };
    expect(tampered.payload).not.toBe(bundle.payload);
    await writeFile(join(directory, 'tampered.json'), JSON.stringify(tampered));
    const result = await run([image, '--bundle', 'tampered.json', '--bundle-key', BUNDLE_KEY_HEX, '--now', NOW]);
    expect(result.exitCode).toBe(ScanExitCode.BadBundle);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/bundle-bad-signature.*altered or forged/);
  });

  it('refuses a bundle file that is not JSON, or missing, naming the file', async () => {
    const { image } = await passAndBundle();
    await writeFile(join(directory, 'broken.json'), '{"kid": ');
    const broken = await run([image, '--bundle', 'broken.json', '--now', NOW]);
    expect(broken.exitCode).toBe(ScanExitCode.BadBundle);
    expect(broken.stderr).toMatch(/broken\.json.*JSON/);
    const missing = await run([image, '--bundle', 'nowhere.json', '--now', NOW]);
    expect(missing.exitCode).toBe(ScanExitCode.BadBundle);
    expect(missing.stderr).toMatch(/nowhere\.json.*does not exist/);
  });

  it('refuses a bundle for another gate when --gate-id names this one', async () => {
    const { image, bundleFile } = await passAndBundle();
    const result = await run([image, '--bundle', bundleFile, '--bundle-key', BUNDLE_KEY_HEX, '--now', NOW, '--gate-id', OTHER_GATE_ID]);
    expect(result.exitCode).toBe(ScanExitCode.BadBundle);
    expect(result.stderr).toMatch(/bundle-wrong-gate/);
  });

  it('refuses a bundle that is stale at --now', async () => {
    const { image, bundleFile } = await passAndBundle();
    const result = await run([image, '--bundle', bundleFile, '--bundle-key', BUNDLE_KEY_HEX, '--now', '2025-10-30T02:00:00Z']);
    expect(result.exitCode).toBe(ScanExitCode.BadBundle);
    expect(result.stderr).toMatch(/bundle-stale/);
  });
});

describe('gate-agent scan: no code and usage', () => {
  it('exits 2 for a picture without a code', async () => {
    const { bundleFile } = await passAndBundle();
    await writeFile(join(directory, 'empty.png'), await greyFrameToPng(noiseFrame(640, 480, 40, 5)));
    const result = await run(['empty.png', '--bundle', bundleFile, '--bundle-key', BUNDLE_KEY_HEX, '--now', NOW]);
    expect(result.exitCode).toBe(ScanExitCode.NoCode);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no QR code found in .*empty\.png/);
  });

  it.each([
    [['pass.png'], /--bundle/],
    [['pass.png', '--bundle', 'bundle.json', '--bundle-key', 'abc'], /64 hex digits/],
    [['pass.png', '--bundle', 'bundle.json', '--now', 'yesterday'], /ISO 8601/],
    [['pass.png', '--bundle', 'bundle.json', '--decoder', 'zbar'], /zbar.*jsqr, zxing-wasm/],
    [['missing.png', '--bundle', 'bundle.json'], /missing\.png does not exist/],
  ])('exits 64 for %j with a message saying what to fix', async (argv, message) => {
    await passAndBundle();
    const result = await run(argv);
    expect(result.exitCode).toBe(ScanExitCode.Usage);
    expect(result.stderr).toMatch(message);
  });

  it('exits 64 for a file that is not a picture', async () => {
    const { bundleFile } = await passAndBundle();
    await writeFile(join(directory, 'notes.png'), 'not a picture');
    const result = await run(['notes.png', '--bundle', bundleFile]);
    expect(result.exitCode).toBe(ScanExitCode.Usage);
    expect(result.stderr).toMatch(/notes\.png cannot be read as a picture/);
  });
});
