import type { CampusDay } from './campus-day.js';
import { describeValue, PassTokenError } from './errors.js';
import { bytesToHex } from './hex.js';
import { assertPublicKey, kidOf } from './kid.js';

/** A pass-signing public key as published in the gate bundle. */
export interface PassKey {
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** First campus day (inclusive) whose passes this key may sign; open if absent. */
  readonly notBeforeDay?: CampusDay;
  /** Last campus day (inclusive) whose passes this key may sign; open if absent. */
  readonly notAfterDay?: CampusDay;
  /** Free-form label for logs (e.g. the portal's key name). Never used for decisions. */
  readonly label?: string;
}

/** A key of the set together with its derived kid. */
export interface KeySetEntry extends PassKey {
  readonly kid: Uint8Array;
}

/**
 * The public keys a verifier trusts, indexed by kid. Immutable: build a new set when the bundle
 * changes, so a verification never sees a half-updated set.
 */
export class KeySet {
  readonly #byKid: ReadonlyMap<string, readonly KeySetEntry[]>;
  readonly #size: number;

  constructor(keys: readonly PassKey[]) {
    const byKid = new Map<string, KeySetEntry[]>();
    for (const key of keys) {
      const entry = toEntry(key);
      const kidHex = bytesToHex(entry.kid);
      byKid.set(kidHex, [...(byKid.get(kidHex) ?? []), entry]);
    }
    this.#byKid = byKid;
    this.#size = keys.length;
  }

  /** Number of keys in the set. */
  get size(): number {
    return this.#size;
  }

  /**
   * Every key whose kid equals `kid` — possibly several: kids are 8-byte hashes and may collide,
   * and the same key may be published twice with different windows. Empty if none.
   */
  candidates(kid: Uint8Array): readonly KeySetEntry[] {
    return this.#byKid.get(bytesToHex(kid)) ?? [];
  }
}

/** True if the key may sign passes for `day`. */
export function keyCoversDay(key: PassKey, day: CampusDay): boolean {
  return (key.notBeforeDay === undefined || day >= key.notBeforeDay) && (key.notAfterDay === undefined || day <= key.notAfterDay);
}

function toEntry(key: PassKey): KeySetEntry {
  assertPublicKey(key.publicKey);
  for (const [name, day] of [
    ['notBeforeDay', key.notBeforeDay],
    ['notAfterDay', key.notAfterDay],
  ] as const) {
    if (day !== undefined && (!Number.isSafeInteger(day) || day < 0)) {
      throw new PassTokenError('bad-key', `${name} must be a non-negative integer campus day, got ${describeValue(day)}`);
    }
  }
  if (key.notBeforeDay !== undefined && key.notAfterDay !== undefined && key.notBeforeDay > key.notAfterDay) {
    throw new PassTokenError('bad-key', `notBeforeDay ${key.notBeforeDay} is after notAfterDay ${key.notAfterDay}`);
  }
  // Copy the key so a caller mutating its array later cannot change what we verify against.
  const publicKey = Uint8Array.from(key.publicKey);
  return { ...key, publicKey, kid: kidOf(publicKey) };
}
