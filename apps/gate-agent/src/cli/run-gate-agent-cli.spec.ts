import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../../../test/support/free-port.js';
import { GATE_CONFIG_ENV_VAR } from '../config/load-gate-config.js';
import { GateAgentExitCode, runGateAgentCli } from './run-gate-agent-cli.js';

const examplePath = resolve(import.meta.dirname, '../../../../firmware-config/gate.example.yaml');

class CapturedText {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gate-cli-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new CapturedText();
  const stderr = new CapturedText();
  const exitCode = await runGateAgentCli(argv, { env, cwd: directory, stdout, stderr });
  return { exitCode, stdout: stdout.text, stderr: stderr.text };
}

describe('runGateAgentCli --check-config', () => {
  it('logs one JSON line summarising the example config and exits 0', async () => {
    const { exitCode, stdout, stderr } = await run(['--check-config', '--config', examplePath]);

    expect(exitCode).toBe(GateAgentExitCode.Ok);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 30,
      msg: 'gate agent configured',
      configFile: examplePath,
      gate: { id: null, name: 'North entrance, turnstile 1' },
      portal: { url: 'https://campuspass.example.edu', enrollmentCode: '[redacted]' },
      input: 'ffmpeg',
      decoder: 'zxing-wasm',
      relay: 'serial',
      passageSensor: 'gpio',
      indicator: 'gpio',
      fireInput: false,
      guardPage: '127.0.0.1:8080',
    });
  });

  it('never prints the enrollment code', async () => {
    const path = join(directory, 'gate.yaml');
    await writeFile(path, 'portal:\n  url: https://campuspass.example.edu\n  enrollmentCode: SECRET-4242\n');
    const { exitCode, stdout } = await run(['--check-config', '--config', path]);
    expect(exitCode).toBe(GateAgentExitCode.Ok);
    expect(stdout).not.toContain('SECRET-4242');
    expect(stdout).toContain('"enrollmentCode":"[redacted]"');
  });

  it('prints the summary even when the gate logs only errors', async () => {
    const path = join(directory, 'gate.yaml');
    await writeFile(path, 'portal:\n  url: https://campuspass.example.edu\nlog:\n  level: error\n');
    const { stdout } = await run(['--check-config', '--config', path]);
    expect(stdout).toContain('"msg":"gate agent configured"');
  });

  it('reads the path from CAMPUSPASS_GATE_CONFIG, resolving it from the working directory', async () => {
    await writeFile(join(directory, 'from-env.yaml'), 'portal:\n  url: http://localhost:3000\n');
    const { exitCode, stdout } = await run(['--check-config'], { [GATE_CONFIG_ENV_VAR]: 'from-env.yaml' });
    expect(exitCode).toBe(GateAgentExitCode.Ok);
    expect(stdout).toContain(`"configFile":"${join(directory, 'from-env.yaml')}"`);
  });

  it('prints every problem and exits 78 (EX_CONFIG) on an invalid config', async () => {
    const path = join(directory, 'gate.yaml');
    await writeFile(path, 'portal:\n  url: https://campuspass.example.edu\nrelay:\n  type: gpio\n  bcmPin: 28\n');
    const { exitCode, stdout, stderr } = await run(['--check-config', '--config', path]);
    expect(exitCode).toBe(GateAgentExitCode.Config);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `Gate config ${path} is invalid:\n  - relay.bcmPin (line 5): expected an integer 0–27 (BCM GPIO number); found 28\n`,
    );
  });

  it('says how to start when the config file is missing', async () => {
    const { exitCode, stderr } = await run(['--check-config', '--config', 'absent.yaml']);
    expect(exitCode).toBe(GateAgentExitCode.Config);
    expect(stderr).toContain(
      `Gate config file not found: ${join(directory, 'absent.yaml')}. To start, copy firmware-config/gate.example.yaml`,
    );
  });
});

describe('runGateAgentCli usage', () => {
  it('prints help and exits 0 with --help', async () => {
    const { exitCode, stdout } = await run(['--help']);
    expect(exitCode).toBe(GateAgentExitCode.Ok);
    expect(stdout).toContain('Usage: gate-agent [options]');
    expect(stdout).toContain('--check-config');
    expect(stdout).toContain(GATE_CONFIG_ENV_VAR);
  });

  it('runs the agent with --config alone: not enrolled and no code exits 77 (EX_NOPERM), saying what to do', async () => {
    const path = join(directory, 'gate.yaml');
    const dataDir = join(directory, 'data');
    const port = await freePort();
    await writeFile(
      path,
      `portal:\n  url: http://127.0.0.1:9\nstorage:\n  dataDir: ${dataDir}\nguardPage:\n  host: 127.0.0.1\n  port: ${port}\n`,
    );
    const { exitCode, stderr } = await run(['--config', path]);
    expect(exitCode).toBe(77);
    expect(stderr).toMatch(/^The gate agent cannot start: sync-not-enrolled: this gate is not enrolled \(no /);
    expect(stderr).toContain(join(dataDir, 'enrollment.json'));
    expect(stderr).toMatch(/set portal\.enrollmentCode in the gate configuration or run the agent with --enroll <code>/);
    expect(stderr).not.toContain('/var/lib');
  });

  it.each([[['--bogus']], [['--check-config', '--config']], [['--check-config', 'extra']]])('exits 64 on %j', async (argv) => {
    const { exitCode, stderr } = await run(argv);
    expect(exitCode).toBe(GateAgentExitCode.Usage);
    expect(stderr).toMatch(/^error: /);
  });
});

describe('runGateAgentCli --enroll', () => {
  it('refuses a malformed code before contacting the portal (exit 77) and makes no key', async () => {
    const path = join(directory, 'gate.yaml');
    const dataDir = join(directory, 'data');
    await writeFile(path, `portal:\n  url: http://127.0.0.1:9\nstorage:\n  dataDir: ${dataDir}\n`);
    const { exitCode, stdout, stderr } = await run(['--config', path, '--enroll', 'not-a-code']);
    expect(exitCode).toBe(77);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/enrollmentCode: an enrollment code looks like K7P2-9QXM-4TRD/);
  });

  it('says the portal cannot be reached (exit 69) and refuses an identity file others can read (exit 74)', async () => {
    const path = join(directory, 'gate.yaml');
    const dataDir = join(directory, 'data');
    await writeFile(path, `portal:\n  url: http://127.0.0.1:9\n  requestTimeoutMs: 1000\nstorage:\n  dataDir: ${dataDir}\n`);
    const unreachable = await run(['--config', path, '--enroll', 'K7P2-9QXM-4TRD']);
    expect(unreachable.exitCode).toBe(69);
    expect(unreachable.stderr).toMatch(/cannot reach the portal at http:\/\/127\.0\.0\.1:9/);
    await chmod(join(dataDir, 'identity.json'), 0o644);
    const loose = await run(['--config', path, '--enroll', 'K7P2-9QXM-4TRD']);
    expect(loose.exitCode).toBe(74);
    expect(loose.stderr).toContain(`chmod 600 ${join(dataDir, 'identity.json')}`);
  });

  it('reports a bad config file with exit 78', async () => {
    const { exitCode, stderr } = await run(['--config', 'absent.yaml', '--enroll', 'K7P2-9QXM-4TRD']);
    expect(exitCode).toBe(GateAgentExitCode.Config);
    expect(stderr).toContain('Gate config file not found');
  });
});
