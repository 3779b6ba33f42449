import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startSystemdNotify, watchdogInterval } from './watchdog.js';

// The real `systemd-notify` (Debian's systemd package) sending to a real AF_UNIX datagram socket that socat
// receives on — what systemd's NOTIFY_SOCKET is. systemd itself is not running here, and socat keeps the BARRIER fd
// systemd would close, so these runs use --no-block (waitForReceipt: false); the unit file is checked by
// `systemd-analyze verify`.

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

describe('startSystemdNotify with systemd-notify and a datagram socket', () => {
  let directory: string;
  let socketPath: string;
  let receiver: ChildProcess;
  let received = '';

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'notify-'));
    socketPath = join(directory, 'notify.sock');
    received = '';
    receiver = spawn('socat', ['-u', `UNIX-RECV:${socketPath}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'inherit'] });
    receiver.stdout!.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    for (let i = 0; i < 100 && !existsSync(socketPath); i++) await sleep(20);
    expect(existsSync(socketPath)).toBe(true);
  });
  afterEach(async () => {
    receiver.kill('SIGTERM');
    await rm(directory, { recursive: true, force: true });
  });

  it('sends READY=1 with MAINPID once, then WATCHDOG=1 every WATCHDOG_USEC/2, and STOPPING=1 on stop', async () => {
    const errors: string[] = [];
    const notifier = startSystemdNotify({
      env: { NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '400000', WATCHDOG_PID: '4242', PATH: process.env.PATH },
      pid: 4242,
      waitForReceipt: false,
      onError: (error) => errors.push(error.message),
    });
    expect(notifier.enabled).toBe(true);
    expect(notifier.watchdogIntervalMs).toBe(200);
    await notifier.ready;
    await sleep(1100);
    await notifier.stop();
    await sleep(200);

    expect(errors).toEqual([]);
    expect(received.match(/READY=1/g)).toHaveLength(1);
    expect(received).toContain('MAINPID=4242');
    // 1.1 s at one ping per 200 ms: about 5 (fewer on a loaded machine, never more than 6).
    const pings = received.match(/WATCHDOG=1/g)?.length ?? 0;
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(pings).toBeLessThanOrEqual(6);
    expect(received.indexOf('READY=1')).toBeLessThan(received.indexOf('WATCHDOG=1'));
    expect(received.trimEnd().endsWith('STOPPING=1')).toBe(true);

    // Stopped: no more pings.
    const after = received.length;
    await sleep(500);
    expect(received.length).toBe(after);
  });

  it('reports a failed call (socket gone) through onError and keeps going', async () => {
    receiver.kill('SIGTERM');
    await rm(socketPath, { force: true });
    const errors: string[] = [];
    const notifier = startSystemdNotify({
      env: { NOTIFY_SOCKET: socketPath, PATH: process.env.PATH },
      waitForReceipt: false,
      onError: (error) => errors.push(error.message),
    });
    await notifier.ready;
    expect(notifier.watchdogIntervalMs).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/systemd-notify READY=1 .*failed/);
    await notifier.stop();
  });
});

describe('startSystemdNotify outside systemd', () => {
  it('does nothing when NOTIFY_SOCKET is unset', async () => {
    const notifier = startSystemdNotify({
      env: { WATCHDOG_USEC: '1000' },
      command: '/nonexistent/systemd-notify',
      onError: () => {
        throw new Error('must not run systemd-notify');
      },
    });
    expect(notifier.enabled).toBe(false);
    await notifier.ready;
    await notifier.stop();
  });

  it('reads the watchdog interval as systemd means it', () => {
    expect(watchdogInterval({ WATCHDOG_USEC: '30000000' }, 1)).toBe(15_000);
    expect(watchdogInterval({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '2' }, 1)).toBeUndefined();
    expect(watchdogInterval({ WATCHDOG_USEC: 'soon' }, 1)).toBeUndefined();
    expect(watchdogInterval({}, 1)).toBeUndefined();
  });
});

describe('firmware-config/systemd/campuspass-gate.service', () => {
  it('passes systemd-analyze verify without unknown keys or bad values', async () => {
    const unit = resolve(import.meta.dirname, '../../../../firmware-config/systemd/campuspass-gate.service');
    const { stdout, stderr } = await promisify(execFile)('systemd-analyze', ['verify', unit]).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    // Missing user/binary on this machine are not the file's fault; syntax problems are.
    const problems = `${stdout}\n${stderr}`
      .split('\n')
      .filter((line) => /Unknown (key|section)|Invalid|Failed to parse|bad unit file setting|Missing '='/i.test(line));
    expect(problems).toEqual([]);
  });
});
