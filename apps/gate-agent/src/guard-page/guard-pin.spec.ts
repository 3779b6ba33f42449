import { Readable } from 'node:stream';
import { runHashPinCommand } from '../cli/hash-pin-command.js';
import { hashGuardPin, parseGuardPinHash, PinAttemptLimiter, verifyGuardPin, type GuardPinHash } from './guard-pin.js';

const FAST = { N: 1024, r: 8, p: 1 };

class CapturedText {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe('guard PIN hash (scrypt$N$r$p$salt$hash)', () => {
  it('hashes with a fresh salt each time and verifies only the right PIN', async () => {
    const first = await hashGuardPin('482913', FAST);
    const second = await hashGuardPin('482913', FAST);
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    const parsed = parseGuardPinHash(first) as GuardPinHash;
    await expect(verifyGuardPin('482913', parsed)).resolves.toBe(true);
    await expect(verifyGuardPin('482914', parsed)).resolves.toBe(false);
    await expect(verifyGuardPin('', parsed)).resolves.toBe(false);
    expect(first).not.toContain('482913');
  });

  it('refuses a PIN that is not 4–12 digits', async () => {
    await expect(hashGuardPin('12a4', FAST)).rejects.toThrow(/a guard PIN is 4–12 digits/);
    await expect(hashGuardPin('123', FAST)).rejects.toThrow(/4–12 digits/);
  });

  it.each([
    ['argon2$1$2$3$aaaa$bbbb', /expected scrypt\$N\$r\$p\$salt\$hash/],
    ['scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /N to be a power of two/],
    ['scrypt$1024$0$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /r to be an integer 1–32/],
    ['scrypt$1024$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /salt of at least 16 bytes/],
    ['scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AA==', /base64url without padding/],
  ])('names what is wrong in %s', (text, message) => {
    expect(parseGuardPinHash(text)).toMatch(message);
  });
});

describe('PinAttemptLimiter', () => {
  it('locks after 5 wrong PINs within a minute, for the lockout, then checks again', () => {
    let now = 0;
    const limiter = new PinAttemptLimiter({ maxFailures: 5, windowMs: 60_000, lockoutMs: 300_000 }, () => now);
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(limiter.recordFailure()).toBe(false);
      now += 1000;
    }
    expect(limiter.lockedForMs()).toBe(0);
    expect(limiter.recordFailure()).toBe(true);
    expect(limiter.lockedForMs()).toBe(300_000);
    now += 299_999;
    expect(limiter.lockedForMs()).toBe(1);
    now += 1;
    expect(limiter.lockedForMs()).toBe(0);
  });

  it('forgets wrong PINs older than the window, and after a right one', () => {
    let now = 0;
    const limiter = new PinAttemptLimiter({ maxFailures: 3, windowMs: 60_000, lockoutMs: 60_000 }, () => now);
    limiter.recordFailure();
    limiter.recordFailure();
    now += 60_000;
    expect(limiter.recordFailure()).toBe(false);
    limiter.recordSuccess();
    expect(limiter.recordFailure()).toBe(false);
    expect(limiter.recordFailure()).toBe(false);
    expect(limiter.recordFailure()).toBe(true);
  });
});

describe('gate-agent hash-pin', () => {
  async function run(stdinText: string, argv: string[] = []) {
    const stdout = new CapturedText();
    const stderr = new CapturedText();
    const exitCode = await runHashPinCommand(argv, { stdout, stderr, stdin: Readable.from([Buffer.from(stdinText)]) });
    return { exitCode, stdout: stdout.text, stderr: stderr.text };
  }

  it('reads the PIN from stdin and prints a hash that verifies it (and not the PIN)', async () => {
    const { exitCode, stdout, stderr } = await run('2468\n');
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+\n$/);
    expect(stdout).not.toContain('2468');
    await expect(verifyGuardPin('2468', parseGuardPinHash(stdout.trim()) as GuardPinHash)).resolves.toBe(true);
  });

  it('refuses an empty or non-digit PIN with exit 64, saying how to pipe one in, without echoing it', async () => {
    const empty = await run('');
    expect(empty.exitCode).toBe(64);
    expect(empty.stderr).toMatch(/a guard PIN is 4–12 digits; nothing was read from stdin\. Pipe the PIN in/);
    const letters = await run('open-sesame\n');
    expect(letters.exitCode).toBe(64);
    expect(letters.stderr).not.toContain('open-sesame');
    expect(letters.stdout).toBe('');
  });

  it('takes no arguments (the PIN never goes on the command line)', async () => {
    const { exitCode, stderr } = await run('2468\n', ['2468']);
    expect(exitCode).toBe(64);
    expect(stderr).toMatch(/^error: too many arguments/);
  });
});
