/** Why the gate's identity or enrollment files cannot be used. Each message says what to do. */
export enum IdentityErrorCode {
  /** The file exists but cannot be read (permissions, I/O error). */
  Unreadable = 'identity-unreadable',
  /** The file is readable by others than the agent's user: a key anyone can copy is no identity. */
  LoosePermissions = 'identity-loose-permissions',
  /** The file is not what the agent wrote (not JSON, wrong format, a key that does not load). */
  Corrupt = 'identity-corrupt',
  /** Writing the file failed (disk full, read-only medium). */
  CannotWrite = 'identity-cannot-write',
}

export class IdentityError extends Error {
  override readonly name = 'IdentityError';

  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${code}: ${message}`, options);
  }
}

export function isIdentityError(error: unknown): error is IdentityError {
  return error instanceof IdentityError;
}
