import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GateConfigError, GateConfigErrorCode, type GateConfigProblem, isGateConfigError } from './gate-config.error.js';
import { DEFAULT_GATE_CONFIG_PATH, GATE_CONFIG_ENV_VAR, loadGateConfig, resolveGateConfigPath } from './load-gate-config.js';

const PORTAL = 'portal:\n  url: https://campuspass.example.edu\n';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gate-config-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function writeConfig(text: string, name = 'gate.yaml'): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text, 'utf8');
  return path;
}

async function loadError(text: string): Promise<GateConfigError> {
  const path = await writeConfig(text);
  const error: unknown = await loadGateConfig(path).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isGateConfigError(error)) throw new Error(`expected a GateConfigError, got ${String(error)}`);
  return error;
}

async function problemsOf(text: string): Promise<readonly GateConfigProblem[]> {
  const error = await loadError(text);
  expect(error.code).toBe(GateConfigErrorCode.InvalidConfig);
  return error.problems;
}

describe('loadGateConfig', () => {
  it('fills every default from a file that names only the portal', async () => {
    const config = await loadGateConfig(await writeConfig(PORTAL));

    expect(config.portal).toEqual({ url: 'https://campuspass.example.edu', requestTimeoutMs: 15_000 });
    expect(config.gate).toEqual({});
    expect(config.input).toEqual({ type: 'ffmpeg', device: '/dev/video0', width: 640, height: 480, fps: 15, inputFormat: 'auto' });
    expect(config.relay).toEqual({ type: 'simulated', pulseMs: 500 });
    expect(config.passageSensor).toEqual({ type: 'none' });
    expect(config.indicator).toEqual({ type: 'none' });
    expect(config.fireInput).toBeUndefined();
    expect(config.decoder).toEqual({ engine: 'zxing-wasm', downscale: 1, region: { left: 0, top: 0, width: 1, height: 1 } });
    expect(config.storage.outbox).toEqual({ retentionDays: 30, maxEvents: 500_000, alertThresholdPercent: 80 });
    expect(config.sync.backoff).toEqual({ minSeconds: 5, maxSeconds: 900 });
    expect(config.guardPage).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.policy.degradedClockPolicy).toBe('deny');
    expect(config.log.level).toBe('info');
  });

  it('fills the defaults of the chosen variant', async () => {
    const config = await loadGateConfig(await writeConfig(`${PORTAL}relay:\n  type: gpio\n  bcmPin: 17\n`));
    expect(config.relay).toEqual({ type: 'gpio', bcmPin: 17, activeLow: false, pulseMs: 500 });
  });

  describe('names the key path, the line and what is expected', () => {
    it('for a value of the wrong type', async () => {
      const problems = await problemsOf(`${PORTAL}relay:\n  type: gpio\n  bcmPin: seventeen\n`);
      expect(problems).toEqual([
        {
          path: 'relay.bcmPin',
          line: 5,
          message: 'expected an integer 0–27 (BCM GPIO number); found "seventeen"',
        },
      ]);
    });

    it('for a number out of range', async () => {
      const problems = await problemsOf(`${PORTAL}relay:\n  type: gpio\n  bcmPin: 31\n  pulseMs: 20000\n`);
      expect(problems).toEqual([
        { path: 'relay.bcmPin', line: 5, message: 'expected an integer 0–27 (BCM GPIO number); found 31' },
        { path: 'relay.pulseMs', line: 6, message: 'expected an integer 100–10000 (milliseconds the relay stays on); found 20000' },
      ]);
    });

    it('for a fraction where an integer is expected', async () => {
      const [problem] = await problemsOf(`${PORTAL}guardPage:\n  port: 8080.5\n`);
      expect(problem?.path).toBe('guardPage.port');
      expect(problem?.message).toMatch(/^expected an integer 1024–65535 .*; found 8080\.5$/);
    });

    it('for a missing required key, pointing at its section', async () => {
      const problems = await problemsOf(`${PORTAL}relay:\n  type: serial\n  board: lcus-1\n`);
      expect(problems).toEqual([
        {
          path: 'relay.path',
          line: 3,
          message: 'missing; expected a device path under /dev/ (serial port of the USB relay board, e.g. /dev/ttyUSB0)',
        },
      ]);
    });

    it('for a missing portal section', async () => {
      const [problem] = await problemsOf('log:\n  level: info\n');
      expect(problem?.path).toBe('portal');
      expect(problem?.message).toMatch(/^missing; expected a mapping/);
    });

    it('for an unknown key, suggesting the intended spelling', async () => {
      const problems = await problemsOf(`${PORTAL}relay:\n  type: gpio\n  bcmPin: 17\n  pulse_ms: 300\ngaurdPage:\n  port: 8080\n`);
      expect(problems).toEqual([
        {
          path: 'relay.pulse_ms',
          line: 6,
          message: 'unknown key (did you mean "pulseMs"?); expected one of: type, bcmPin, activeLow, pulseMs',
        },
        {
          path: 'gaurdPage',
          line: 7,
          message: expect.stringMatching(/^unknown key \(did you mean "guardPage"\?\); expected one of: gate, portal, /),
        },
      ]);
    });

    it('for an unknown key without a close match, listing the allowed keys', async () => {
      const [problem] = await problemsOf(`${PORTAL}log:\n  level: info\n  colour: true\n`);
      expect(problem).toEqual({ path: 'log.colour', line: 5, message: 'unknown key; expected one of: level' });
    });

    it('for an unknown variant type', async () => {
      const [problem] = await problemsOf(`${PORTAL}relay:\n  type: gpoi\n  bcmPin: 17\n`);
      expect(problem).toEqual({
        path: 'relay.type',
        line: 4,
        message: 'expected type to be one of: gpio, serial, simulated (turnstile relay driver); found "gpoi"',
      });
    });

    it('for a variant without its type', async () => {
      const [problem] = await problemsOf(`${PORTAL}input:\n  device: /dev/video2\n`);
      expect(problem?.path).toBe('input.type');
      expect(problem?.message).toBe(
        'missing; expected type to be one of: ffmpeg, rpicam, webcam, file, serial-scanner (frame source or scanner)',
      );
    });

    it('for a key the chosen variant does not have', async () => {
      const [problem] = await problemsOf(`${PORTAL}input:\n  type: rpicam\n  device: /dev/video0\n`);
      expect(problem).toEqual({ path: 'input.device', line: 5, message: 'unknown key; expected one of: type, width, height, fps' });
    });

    it('for a value outside an enumeration', async () => {
      const [problem] = await problemsOf(`${PORTAL}policy:\n  degradedClockPolicy: allow\n`);
      expect(problem?.message).toBe('expected one of: deny, allow-known-passes (what to do while the clock is untrusted); found "allow"');
    });

    it('for a section left empty', async () => {
      const [problem] = await problemsOf(`${PORTAL}storage:\n  # dataDir: /srv/gate\n`);
      expect(problem).toEqual({
        path: 'storage',
        line: 3,
        message: 'expected a mapping of keys to values (an empty section must be written {} or removed); found an empty value',
      });
    });

    it('for a file whose top level is not a mapping', async () => {
      const [problem] = await problemsOf('- portal\n- relay\n');
      expect(problem?.path).toBe('');
      expect(problem?.message).toMatch(/^expected a mapping .*; found a list$/);
    });

    it('for every problem at once, in file order', async () => {
      const problems = await problemsOf(`${PORTAL}log:\n  level: loud\nguardPage:\n  port: 80\n`);
      expect(problems.map((problem) => problem.path)).toEqual(['log.level', 'guardPage.port']);
    });
  });

  describe('cross-field checks', () => {
    it('rejects a GPIO pin used by two devices, naming the first user', async () => {
      const problems = await problemsOf(
        `${PORTAL}relay:\n  type: gpio\n  bcmPin: 17\nindicator:\n  type: gpio\n  greenPin: 22\n  redPin: 17\n` +
          'fireInput:\n  bcmPin: 22\n',
      );
      expect(problems).toEqual([
        { path: 'indicator.redPin', line: 9, message: 'GPIO 17 is already used by relay.bcmPin; expected a pin no other device uses' },
        {
          path: 'fireInput.bcmPin',
          line: 11,
          message: 'GPIO 22 is already used by indicator.greenPin; expected a pin no other device uses',
        },
      ]);
    });

    it('rejects a serial port used by two devices', async () => {
      const [problem] = await problemsOf(
        `${PORTAL}input:\n  type: serial-scanner\n  path: /dev/ttyUSB0\nrelay:\n  type: serial\n  path: /dev/ttyUSB0\n  board: lcus-1\n`,
      );
      expect(problem?.path).toBe('relay.path');
      expect(problem?.message).toMatch(/^serial port \/dev\/ttyUSB0 is already used by input\.path; expected a port no other device uses/);
    });

    it('rejects a passage timeout shorter than the relay pulse', async () => {
      const [problem] = await problemsOf(
        `${PORTAL}relay:\n  type: simulated\n  pulseMs: 3000\npassageSensor:\n  type: simulated\n  timeoutMs: 2000\n`,
      );
      expect(problem?.path).toBe('passageSensor.timeoutMs');
      expect(problem?.message).toMatch(/^expected at least relay\.pulseMs \(3000\)/);
    });

    it('rejects a backoff minimum above its maximum', async () => {
      const [problem] = await problemsOf(`${PORTAL}sync:\n  backoff:\n    minSeconds: 600\n    maxSeconds: 60\n`);
      expect(problem).toEqual({
        path: 'sync.backoff.minSeconds',
        line: 5,
        message: 'expected minSeconds ≤ maxSeconds (600 > 60)',
      });
    });

    it('rejects a decoder region that leaves the frame', async () => {
      const [problem] = await problemsOf(`${PORTAL}decoder:\n  region:\n    left: 0.5\n    width: 0.6\n`);
      expect(problem?.path).toBe('decoder.region.width');
      expect(problem?.message).toMatch(/^expected left \+ width ≤ 1/);
    });
  });

  describe('portal URL', () => {
    it.each(['http://localhost:3000', 'http://127.0.0.1:3000/', 'https://campuspass.example.edu/gates'])('accepts %s', async (url) => {
      const config = await loadGateConfig(await writeConfig(`portal:\n  url: ${url}\n`));
      expect(config.portal.url).toBe(url);
    });

    it.each([
      ['http://campuspass.example.edu', 'expected an https:// URL (http:// only for localhost or 127.0.0.1)'],
      ['campuspass.example.edu', 'expected an absolute URL, e.g. https://campuspass.example.edu'],
      ['https://campuspass.example.edu/?gate=1', 'expected a base URL without ?query or #fragment'],
    ])('rejects %s', async (url, expected) => {
      const [problem] = await problemsOf(`portal:\n  url: ${url}\n`);
      expect(problem).toEqual({ path: 'portal.url', line: 2, message: expected });
    });

    it('rejects credentials in the URL without repeating them', async () => {
      const error = await loadError('portal:\n  url: https://gate:hunter2@campuspass.example.edu\n');
      expect(error.problems[0]?.message).toBe('expected a URL without user:password (the gate authenticates through enrollment)');
      expect(error.message).not.toContain('hunter2');
    });
  });

  it('never repeats the enrollment code in a message', async () => {
    const error = await loadError(`portal:\n  url: https://campuspass.example.edu\n  enrollmentCode: 918273645\n`);
    expect(error.problems[0]?.path).toBe('portal.enrollmentCode');
    expect(error.message).not.toContain('918273645');
  });

  it('lists the problems in the message under the file name', async () => {
    const error = await loadError(`${PORTAL}relay:\n  type: gpio\n  bcmPin: 40\n`);
    expect(error.message).toBe(
      `Gate config ${join(directory, 'gate.yaml')} is invalid:\n` +
        '  - relay.bcmPin (line 5): expected an integer 0–27 (BCM GPIO number); found 40',
    );
    expect(error.filePath).toBe(join(directory, 'gate.yaml'));
  });

  describe('file and YAML errors', () => {
    it('says how to start when the file is missing', async () => {
      const path = join(directory, 'absent.yaml');
      const error: unknown = await loadGateConfig(path).catch((thrown: unknown) => thrown);
      expect(isGateConfigError(error) && error.code).toBe(GateConfigErrorCode.FileNotFound);
      expect((error as Error).message).toBe(
        `Gate config file not found: ${path}. To start, copy firmware-config/gate.example.yaml to ${path} and edit it, ` +
          `or point --config or ${GATE_CONFIG_ENV_VAR} at another file.`,
      );
    });

    it('says when the path is a directory', async () => {
      const path = join(directory, 'conf.d');
      await mkdir(path);
      const error: unknown = await loadGateConfig(path).catch((thrown: unknown) => thrown);
      expect(isGateConfigError(error) && error.code).toBe(GateConfigErrorCode.FileUnreadable);
      expect((error as Error).message).toContain('it is a directory: expected a YAML file');
    });

    it('reports malformed YAML with its line', async () => {
      const error = await loadError(`${PORTAL}relay:\n  type: [gpio\n  bcmPin: 17\n`);
      expect(error.code).toBe(GateConfigErrorCode.InvalidYaml);
      expect(error.problems.length).toBeGreaterThan(0);
      expect(error.problems[0]?.line).toEqual(expect.any(Number));
      expect(error.problems[0]?.message).toMatch(/\(YAML syntax\)$/);
      expect(error.message).toMatch(/is not valid YAML:\n {2}- line \d+: /);
    });

    it('rejects a duplicate key instead of letting the last one win', async () => {
      const error = await loadError(`${PORTAL}relay:\n  type: simulated\nlog:\n  level: info\nrelay:\n  type: gpio\n  bcmPin: 17\n`);
      expect(error.code).toBe(GateConfigErrorCode.InvalidYaml);
      expect(error.problems).toEqual([
        { path: '', line: 7, message: 'duplicate key "relay": expected each key once per mapping (merge the two entries)' },
      ]);
    });

    it('rejects a file with more than one YAML document', async () => {
      const error = await loadError(`${PORTAL}---\nlog:\n  level: debug\n`);
      expect(error.code).toBe(GateConfigErrorCode.InvalidYaml);
      expect(error.problems).toEqual([
        {
          path: '',
          line: 3,
          message: 'expected a single YAML document, found 2 (a "---" line starts another document; remove it)',
        },
      ]);
    });

    it('rejects an unknown YAML tag', async () => {
      const error = await loadError(`${PORTAL}log:\n  level: !env LOG_LEVEL\n`);
      expect(error.code).toBe(GateConfigErrorCode.InvalidYaml);
      expect(error.problems[0]?.line).toBe(4);
    });

    it('rejects an empty file', async () => {
      const error = await loadError('# nothing here yet\n');
      expect(error.code).toBe(GateConfigErrorCode.InvalidConfig);
      expect(error.message).toMatch(/is empty: expected at least portal\.url/);
    });
  });
});

describe('resolveGateConfigPath', () => {
  it('prefers --config, then the environment, then the default', () => {
    const env = { [GATE_CONFIG_ENV_VAR]: '/srv/env.yaml' };
    expect(resolveGateConfigPath('/srv/cli.yaml', env, '/')).toBe('/srv/cli.yaml');
    expect(resolveGateConfigPath(undefined, env, '/')).toBe('/srv/env.yaml');
    expect(resolveGateConfigPath(undefined, {}, '/')).toBe(DEFAULT_GATE_CONFIG_PATH);
  });

  it('treats an empty environment variable as unset', () => {
    expect(resolveGateConfigPath(undefined, { [GATE_CONFIG_ENV_VAR]: '' }, '/')).toBe(DEFAULT_GATE_CONFIG_PATH);
  });

  it('resolves a relative path from the working directory', () => {
    expect(resolveGateConfigPath('gate.yaml', {}, '/home/pi')).toBe('/home/pi/gate.yaml');
  });
});
