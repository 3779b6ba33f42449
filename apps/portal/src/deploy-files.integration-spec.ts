import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, cp, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

// The deploy/ files run by real programs: bash runs the gate installer into a staging root, systemd-analyze checks
// the portal's units, node --env-file reads portal.env.example for the built portal CLI. Nothing here touches
// PostgreSQL or Redis. (deploy-files.spec.ts checks the files' contents.)

const REPO = resolve(import.meta.dirname, '../../..');
const INSTALL = resolve(REPO, 'deploy/gate/install.sh');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(file: string, args: string[], options: { cwd?: string } = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
      timeout: 20_000,
      cwd: options.cwd,
      env: { PATH: process.env.PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** path → type, mode, size, mtime and inode (or link target): what a run that changes nothing leaves as it was. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const walk = async (directory: string): Promise<void> => {
    for (const name of await readdir(directory)) {
      const path = join(directory, name);
      const stat = await lstat(path);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) entries.set(relative(root, path), `link ${await readlink(path)}`);
      else if (stat.isDirectory()) {
        entries.set(relative(root, path), `dir ${mode}`);
        await walk(path);
      } else entries.set(relative(root, path), `file ${mode} ${stat.size} ${stat.mtimeMs} ${stat.ino}`);
    }
  };
  await walk(root);
  return entries;
}

const modeOf = async (path: string) => ((await lstat(path)).mode & 0o7777).toString(8);

describe('deploy/gate/install.sh', () => {
  let work: string;
  let source: string;
  let root: string;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'gate-install-'));
    // A built checkout, small: the real firmware-config and a stand-in for the built agent and node_modules.
    source = join(work, 'source');
    root = join(work, 'root');
    await mkdir(root);
    await cp(resolve(REPO, 'firmware-config'), join(source, 'firmware-config'), { recursive: true });
    await mkdir(join(source, 'apps/gate-agent/dist'), { recursive: true });
    await writeFile(join(source, 'apps/gate-agent/dist/main.js'), 'console.log("gate agent");\n');
    await writeFile(join(source, 'package.json'), '{"name":"campuspass"}\n');
    await mkdir(join(source, 'libs/pass-token/dist'), { recursive: true });
    await writeFile(join(source, 'libs/pass-token/package.json'), '{"name":"@campuspass/pass-token"}\n');
    await writeFile(join(source, 'libs/pass-token/dist/index.js'), 'export {};\n');
    await mkdir(join(source, 'node_modules/@campuspass'), { recursive: true });
    await symlink('../../libs/pass-token', join(source, 'node_modules/@campuspass/pass-token'));
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc/os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n');
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const install = (...args: string[]) => run('bash', [INSTALL, '--root', root, '--source', source, ...args]);

  it('parses (bash -n), prints its help, and refuses an unknown argument with exit 64', async () => {
    expect(await run('bash', ['-n', INSTALL])).toEqual({ code: 0, stdout: '', stderr: '' });
    const help = await run('bash', [INSTALL, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--root DIR');
    const wrong = await run('bash', [INSTALL, '--frobnicate']);
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toContain("unknown argument '--frobnicate'");
  });

  it('stages the agent, config, state directories, unit and udev rules with their modes, and enables the unit', async () => {
    const first = await install();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // The user and group are the unit's (User=, Group=): the installer and the unit cannot disagree.
    expect(first.stdout).toMatch(/skipped \(--root\): useradd --system --gid campuspass .* campuspass\n/);
    expect(first.stdout).toContain('skipped (--root): apt-get install -y --no-install-recommends ffmpeg ca-certificates');

    expect(await readFile(join(root, 'etc/campuspass/gate.yaml'), 'utf8')).toBe(
      await readFile(join(source, 'firmware-config/gate.example.yaml'), 'utf8'),
    );
    expect(await modeOf(join(root, 'etc/campuspass/gate.yaml'))).toBe('640');
    expect(await modeOf(join(root, 'etc/campuspass'))).toBe('750');
    expect(await modeOf(join(root, 'var/lib/campuspass'))).toBe('700');
    expect(await modeOf(join(root, 'var/lib/campuspass/gate'))).toBe('700');
    for (const [installed, shipped] of [
      ['etc/systemd/system/campuspass-gate.service', 'firmware-config/systemd/campuspass-gate.service'],
      ['etc/udev/rules.d/99-campuspass.rules', 'firmware-config/udev/99-campuspass.rules'],
    ]) {
      expect(await readFile(join(root, installed!), 'utf8')).toBe(await readFile(join(source, shipped!), 'utf8'));
      expect(await modeOf(join(root, installed!))).toBe('644');
    }
    expect(await readlink(join(root, 'etc/systemd/system/multi-user.target.wants/campuspass-gate.service'))).toBe(
      '/etc/systemd/system/campuspass-gate.service',
    );
    // The app: the built agent, the libs it links to (symlink kept), read-only for everyone but root.
    expect(await readFile(join(root, 'opt/campuspass/apps/gate-agent/dist/main.js'), 'utf8')).toContain('gate agent');
    expect(await readlink(join(root, 'opt/campuspass/node_modules/@campuspass/pass-token'))).toBe('../../libs/pass-token');
    expect(await readFile(join(root, 'opt/campuspass/node_modules/@campuspass/pass-token/dist/index.js'), 'utf8')).toBe('export {};\n');
    expect(await modeOf(join(root, 'opt/campuspass/apps/gate-agent/dist/main.js'))).toBe('644');
    expect(first.stdout).toContain('enabled but not started');
  });

  it('changes nothing on a second run, and keeps an edited gate.yaml and edited udev rules', async () => {
    expect((await install()).code).toBe(0);
    const yaml = join(root, 'etc/campuspass/gate.yaml');
    await writeFile(yaml, 'portal:\n  url: https://campuspass.example.edu\n# edited on site\n', { mode: 0o640 });
    const rules = join(root, 'etc/udev/rules.d/99-campuspass.rules');
    await writeFile(rules, `${await readFile(rules, 'utf8')}# scanner ids of this site\n`);
    const before = await snapshot(root);

    const second = await install();
    expect(second.code).toBe(0);
    expect(second.stdout.split('\n').filter((line) => line.startsWith('changed'))).toEqual([
      // The shipped rules are put beside the edited ones, once.
      expect.stringContaining('99-campuspass.rules.dist'),
    ]);
    const after = await snapshot(root);
    after.delete('etc/udev/rules.d/99-campuspass.rules.dist');
    expect(after).toEqual(before);
    expect(await readFile(yaml, 'utf8')).toContain('# edited on site');
    expect(await readFile(rules, 'utf8')).toContain('# scanner ids of this site');

    const beforeThird = await snapshot(root);
    const third = await install();
    expect(third.stdout).not.toMatch(/^changed/m);
    expect(await snapshot(root)).toEqual(beforeThird);

    // A loosened gate.yaml (it may hold the enrollment code and the guard PIN hash) goes back to 0640, content kept.
    await chmod(yaml, 0o644);
    const fourth = await install();
    expect(fourth.stdout.split('\n').filter((line) => line.startsWith('changed'))).toEqual([
      expect.stringMatching(/^changed: mode 0640 of \/etc\/campuspass\/gate\.yaml/),
    ]);
    expect(await modeOf(yaml)).toBe('640');
    expect(await readFile(yaml, 'utf8')).toBe('portal:\n  url: https://campuspass.example.edu\n# edited on site\n');
  });

  it('updates the app when the build changed, and only then', async () => {
    expect((await install()).code).toBe(0);
    await writeFile(join(source, 'apps/gate-agent/dist/main.js'), 'console.log("gate agent 2");\n');
    const update = await install();
    expect(update.stdout).toMatch(/^changed: \/opt\/campuspass from /m);
    expect(await readFile(join(root, 'opt/campuspass/apps/gate-agent/dist/main.js'), 'utf8')).toContain('gate agent 2');
    expect((await readdir(join(root, 'opt'))).sort()).toEqual(['campuspass']);
  });

  it('with --dry-run creates nothing and says what it would do', async () => {
    const dry = await install('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would run: install -m 0640');
    expect(dry.stdout).not.toMatch(/^changed/m);
    expect([...(await snapshot(root)).keys()]).toEqual(['etc', 'etc/os-release']);
  });

  it('refuses another operating system, and a checkout that is not built, saying what is wrong', async () => {
    await writeFile(join(root, 'etc/os-release'), 'ID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=jammy\n');
    const wrongOs = await install();
    expect(wrongOs.code).toBe(1);
    expect(wrongOs.stderr).toContain('ubuntu jammy');
    expect(wrongOs.stderr).toContain('Debian 12 and Raspberry Pi OS bookworm only');
    expect([...(await snapshot(root)).keys()]).toEqual(['etc', 'etc/os-release']);

    await writeFile(join(root, 'etc/os-release'), 'ID=raspbian\nID_LIKE=debian\nVERSION_CODENAME=bookworm\n');
    await rm(join(source, 'apps/gate-agent/dist'), { recursive: true });
    const unbuilt = await install();
    expect(unbuilt.code).toBe(1);
    expect(unbuilt.stderr).toContain('npm ci && npm run build:ts');
  });
});

describe('deploy/systemd units under systemd-analyze verify', () => {
  it('have no unknown keys, bad values or missing executables', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'portal-units-'));
    try {
      const names = ['campuspass-portal.service', 'campuspass-worker.service', 'campuspass-migrate.service'];
      for (const name of names) await cp(resolve(REPO, 'deploy/systemd', name), join(directory, name));
      const result = await run('systemd-analyze', ['verify', ...names.map((name) => join(directory, name))], { cwd: directory });
      // systemd is not PID 1 here, and /opt/campuspass does not exist: that is the machine, not the files.
      const problems = `${result.stdout}\n${result.stderr}`
        .split('\n')
        .filter((line) => /Unknown (key|section)|Invalid|Failed to parse|bad unit file setting|Missing '='|is not executable/i.test(line));
      expect(problems).toEqual([]);
      // It does report what it finds: the same check on a broken copy names the key.
      await writeFile(
        join(directory, names[0]!),
        (await readFile(join(directory, names[0]!), 'utf8')).replace('ProtectClock=', 'ProtectClok='),
      );
      const broken = await run('systemd-analyze', ['verify', join(directory, names[0]!)], { cwd: directory });
      expect(`${broken.stdout}${broken.stderr}`).toContain("Unknown key 'ProtectClok'");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('deploy/systemd/portal.env.example read by node --env-file', () => {
  const cli = resolve(REPO, 'apps/portal/dist/cli.js');
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'portal-env-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('passes config:check once the placeholders are filled in, and stops with 78 naming the unfilled secrets', async () => {
    const example = await readFile(resolve(REPO, 'deploy/systemd/portal.env.example'), 'utf8');
    const raw = join(directory, 'raw.env');
    await writeFile(raw, example, { mode: 0o600 });

    const filled = join(directory, 'filled.env');
    await writeFile(
      filled,
      example
        .replace('REPLACE_WITH_RANDOM_32_BYTES', randomBytes(32).toString('base64'))
        .replace('REPLACE_WITH_RANDOM_SECRET', randomBytes(48).toString('base64'))
        .replace(/REPLACE_WITH_\w+/g, () => randomBytes(16).toString('hex')),
      { mode: 0o600 },
    );
    const [refused, checked] = await Promise.all([
      run(process.execPath, [`--env-file=${raw}`, cli, 'config:check'], { cwd: REPO }),
      run(process.execPath, [`--env-file=${filled}`, cli, 'config:check'], { cwd: REPO }),
    ]);
    expect(refused.code).toBe(78);
    expect(refused.stderr).toMatch(/^ *- APP_SECRET /m);
    expect(refused.stderr).toMatch(/^ *- KEY_ENCRYPTION_KEY /m);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    const config = JSON.parse(checked.stdout) as { environment: string; mail: { from: string }; database: { url: string } };
    expect(config.environment).toBe('production');
    // The quotes are stripped, the value with spaces and <> kept whole, the & inside the URL kept.
    expect(config.mail.from).toBe('CampusPass <alumni@example.edu>');
    expect(config.database.url).toContain('sslmode=verify-full&sslrootcert=/etc/campuspass/pg-ca.pem');
    // No secret of the file is printed: each value of a secret-looking setting and each password inside a URL.
    const secrets = (await readFile(filled, 'utf8')).split('\n').flatMap((line) => {
      const [name, ...rest] = line.split('=');
      const value = rest.join('=').replace(/^"|"$/g, '');
      if (!name || !value || name.startsWith('#')) return [];
      const inUrl = /^[a-z]+:\/\/[^:/@]+:([^@]+)@/.exec(value)?.[1];
      if (inUrl) return [decodeURIComponent(inUrl)];
      return /SECRET|PASSWORD|KEY/.test(name) ? [value] : [];
    });
    expect(secrets.length).toBeGreaterThan(2);
    for (const secret of secrets) expect(checked.stdout).not.toContain(secret);
    expect(checked.stdout).toContain('[masked]');
  });
});
