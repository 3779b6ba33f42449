import { DomainException } from '../core/http/domain.exception.js';

export const KEYS_ERROR_STATUS = {
  'key-not-found': 404,
  /** A revocation without a usable reason. */
  'key-revocation-reason-invalid': 400,
  /** The key is not in a state that allows this change (e.g. retiring a retired key). */
  'key-state-conflict': 409,
  /** No active key of a purpose: the first rotation has not run yet. */
  'no-active-key': 503,
  'key-decryption-failed': 500,
  'kek-invalid': 500,
  'kek-missing': 500,
} as const;

export type KeysErrorCode = keyof typeof KEYS_ERROR_STATUS;

/** Errors of the signing-keys domain. Never carries key material. */
export class KeysException extends DomainException<KeysErrorCode> {
  get httpStatus(): number {
    return KEYS_ERROR_STATUS[this.code];
  }
}

export const isKeysException = (error: unknown): error is KeysException => error instanceof KeysException;
