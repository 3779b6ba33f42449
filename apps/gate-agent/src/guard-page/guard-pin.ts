import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// The guard PIN is stored only as an scrypt hash in the gate config (guardPage.manualOpenPinHash), in the string
// format `scrypt$N$r$p$salt$hash`: N (CPU/memory cost, a power of two), r (block size), p (parallelism) in decimal,
// salt and hash in base64url without padding. `gate-agent hash-pin` makes one from a PIN read on stdin.

export const PIN_HASH_PREFIX = 'scrypt';
/** Parameters `hash-pin` uses: ~16 MB and ~50 ms on a Pi 4 per check, which also slows guessing. */
export const DEFAULT_SCRYPT_COST = { N: 16_384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

/** What a PIN must look like: 4–12 digits. */
export const GUARD_PIN_PATTERN = /^[0-9]{4,12}$/;
export const GUARD_PIN_RULE = 'a guard PIN is 4–12 digits';

export interface GuardPinHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Parses `scrypt$N$r$p$salt$hash`; returns a description of what is wrong instead of the hash when it is malformed
 * (used by the config schema, so the message names the key and the fix).
 */
export function parseGuardPinHash(text: string): GuardPinHash | string {
  const parts = text.split('$');
  if (parts.length !== 6 || parts[0] !== PIN_HASH_PREFIX) {
    return 'expected scrypt$N$r$p$salt$hash as printed by `gate-agent hash-pin`';
  }
  const [, nText, rText, pText, saltText, hashText] = parts as [string, string, string, string, string, string];
  const [N, r, p] = [Number(nText), Number(rText), Number(pText)];
  if (!Number.isSafeInteger(N) || N < 1024 || N > 1_048_576 || (N & (N - 1)) !== 0) {
    return `expected N to be a power of two from 1024 to 1048576; found ${nText}`;
  }
  if (!Number.isSafeInteger(r) || r < 1 || r > 32) return `expected r to be an integer 1–32; found ${rText}`;
  if (!Number.isSafeInteger(p) || p < 1 || p > 16) return `expected p to be an integer 1–16; found ${pText}`;
  if (!BASE64URL.test(saltText) || !BASE64URL.test(hashText)) return 'expected salt and hash in base64url without padding';
  const salt = Buffer.from(saltText, 'base64url');
  const hash = Buffer.from(hashText, 'base64url');
  if (salt.length < 16) return `expected a salt of at least 16 bytes; found ${salt.length}`;
  if (hash.length < 16 || hash.length > 64) return `expected a hash of 16–64 bytes; found ${hash.length}`;
  return { N, r, p, salt, hash };
}

function scryptAsync(pin: string, salt: Buffer, length: number, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MB) is lifted to what the stored parameters need.
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(pin.normalize('NFKC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a PIN into the `scrypt$N$r$p$salt$hash` string for guardPage.manualOpenPinHash. */
export async function hashGuardPin(pin: string, cost: { N: number; r: number; p: number } = DEFAULT_SCRYPT_COST): Promise<string> {
  if (!GUARD_PIN_PATTERN.test(pin)) throw new RangeError(`${GUARD_PIN_RULE}; the PIN given is not`);
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(pin, salt, HASH_BYTES, cost);
  return [PIN_HASH_PREFIX, cost.N, cost.r, cost.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Whether `pin` matches the stored hash (constant-time comparison of the derived keys). */
export async function verifyGuardPin(pin: string, stored: GuardPinHash): Promise<boolean> {
  const derived = await scryptAsync(pin, stored.salt, stored.hash.length, stored);
  return timingSafeEqual(derived, stored.hash);
}

export interface PinAttemptLimits {
  /** Wrong PINs allowed within `windowMs` before manual open is refused. Default 5. */
  readonly maxFailures: number;
  /** The window the failures are counted in. Default one minute. */
  readonly windowMs: number;
  /** How long manual open is refused after too many wrong PINs. Default five minutes. */
  readonly lockoutMs: number;
}

export const DEFAULT_PIN_ATTEMPT_LIMITS: PinAttemptLimits = { maxFailures: 5, windowMs: 60_000, lockoutMs: 5 * 60_000 };

/**
 * Counts wrong PINs for the gate (one page, one set of guards: not per client). After `maxFailures` within
 * `windowMs`, every attempt is refused unchecked for `lockoutMs`.
 */
export class PinAttemptLimiter {
  readonly #failures: number[] = [];
  #lockedUntil = 0;

  constructor(
    private readonly limits: PinAttemptLimits = DEFAULT_PIN_ATTEMPT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until a PIN is checked again; 0 when it may be checked now. */
  lockedForMs(): number {
    return Math.max(0, this.#lockedUntil - this.now());
  }

  /** Records a wrong PIN; returns true when it starts a lockout. */
  recordFailure(): boolean {
    const now = this.now();
    while (this.#failures.length > 0 && (this.#failures[0] ?? 0) <= now - this.limits.windowMs) this.#failures.shift();
    this.#failures.push(now);
    if (this.#failures.length < this.limits.maxFailures) return false;
    this.#failures.length = 0;
    this.#lockedUntil = now + this.limits.lockoutMs;
    return true;
  }

  recordSuccess(): void {
    this.#failures.length = 0;
  }
}
