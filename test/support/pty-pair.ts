import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface PtyPair {
  /** Path of one end, e.g. /dev/pts/7: what a device adapter opens. */
  readonly a: string;
  /** Path of the other end: what the test (or an emulator) opens to play the device. */
  readonly b: string;
  /** Stops socat; both paths disappear. Safe to call twice. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 5000;
const PTY_LINE = /PTY is (\/dev\/\S+)/g;

export interface PtyPairOptions {
  /** A stable path (symlink socat makes) for end a / end b, e.g. to reopen "the same device" after close(). */
  readonly linkA?: string;
  readonly linkB?: string;
}

/**
 * Two linked pseudo-terminals from `socat -d -d pty,raw,echo=0 pty,raw,echo=0`: bytes written to one end
 * are read at the other, like a null-modem cable. Needs the Debian `socat` package. With links, `a`/`b`
 * are the link paths (a device that is unplugged by close() and plugged back by a new pair on the same links).
 */
export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const end = (link?: string) => `pty,raw,echo=0${link ? `,link=${link}` : ''}`;
  const child = spawn('socat', ['-d', '-d', end(options.linkA), end(options.linkB)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const paths = await readPtyPaths(child);
  let closed: Promise<void> | undefined;
  return {
    a: options.linkA ?? paths[0],
    b: options.linkB ?? paths[1],
    close() {
      closed ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      })();
      return closed;
    },
  };
}

function readPtyPaths(child: ChildProcess): Promise<[string, string]> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const paths: string[] = [];
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`socat did not report two ptys within ${START_TIMEOUT_MS} ms; its output: ${stderr.trim() || '(none)'}`)),
      START_TIMEOUT_MS,
    );
    child.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ENOENT' ? new Error('socat is not installed: apt-get install socat') : error),
    );
    child.once('exit', (code) => fail(new Error(`socat exited (code ${code}) before both ptys were ready: ${stderr.trim()}`)));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      paths.length = 0;
      for (const match of stderr.matchAll(PTY_LINE)) paths.push(match[1]);
      // socat prints "starting data transfer loop" once both ends exist and it relays bytes.
      if (paths.length >= 2 && stderr.includes('starting data transfer loop')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve([paths[0], paths[1]]);
      }
    });
  });
}
