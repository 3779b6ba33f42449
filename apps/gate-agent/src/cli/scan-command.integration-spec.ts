import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bytesToHex } from '@campuspass/pass-token';
import { renderQrPng } from '../decoder/testing/qr-test-frames.js';
import { alumniPass, bundleSigner, displayFor, fullBundle, signBundle, WEDNESDAY_10_00_HK } from '../verify/testing/gate-fixtures.js';

// `node apps/gate-agent/dist/main.js scan …` as a person runs it at a desk (what `npm run gate -- scan` runs): the
// BUILT agent in its own process, its stdout JSON and its exit code. Needs `npm run build:ts` first.
const MAIN = resolve(import.meta.dirname, '../../dist/main.js');
const run = promisify(execFile);

describe('gate-agent scan as a child process of the built agent', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'gate-scan-process-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('prints the granted decision JSON and exits 0; a tampered bundle exits 65', async () => {
    const pass = alumniPass();
    await writeFile(join(directory, 'pass.png'), await renderQrPng(pass.qrText));
    const bundle = signBundle(fullBundle({ passes: [displayFor(pass.passId, { displayName: 'Wong Siu Ming' })] }));
    await writeFile(join(directory, 'bundle.json'), JSON.stringify(bundle));
    const args = ['scan', 'pass.png', '--bundle', 'bundle.json', '--bundle-key', bytesToHex(bundleSigner.publicKey)];
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

    const granted = await run(process.execPath, [MAIN, ...args, '--now', WEDNESDAY_10_00_HK.toISOString()], { cwd: directory, env });
    expect(JSON.parse(granted.stdout)).toMatchObject({
      decision: 'granted',
      pass: { passId: pass.passId },
      displayName: 'Wong Siu Ming',
      bundle: { verified: true },
    });

    await writeFile(
      join(directory, 'bundle.json'),
      JSON.stringify({ ...bundle, payload: bundle.payload.replace('Wong Siu Ming', 'Someone Else') }),
    );
    const refused = await run(process.execPath, [MAIN, ...args, '--now', WEDNESDAY_10_00_HK.toISOString()], { cwd: directory, env }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(refused.code).toBe(65);
    expect(refused.stderr).toMatch(/bundle-bad-signature/);
  });
});
