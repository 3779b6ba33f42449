import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IdentityError, IdentityErrorCode } from './identity.error.js';

/** Files holding the gate's private key or queue credentials: owner read/write only. */
export const SECRET_FILE_MODE = 0o600;

/**
 * Writes `text` so that a reader (or a power cut) sees either the old file or the whole new one: a temp file in the
 * same directory created with mode 0600, written and fsynced, renamed over the target, then the directory fsynced
 * so the rename itself is durable.
 */
export async function writeSecretFileAtomic(filePath: string, text: string): Promise<void> {
  const directory = dirname(filePath);
  const temporary = join(directory, `.${basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, SECRET_FILE_MODE);
    try {
      await handle.writeFile(text, 'utf8');
      // The umask may have narrowed the mode, never widened it; set it exactly anyway.
      await handle.chmod(SECRET_FILE_MODE);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, filePath);
    await syncDirectory(directory);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new IdentityError(
      IdentityErrorCode.CannotWrite,
      `cannot write ${filePath} (${(error as Error).message}); check that the data directory is writable by the agent's user and the disk is not full`,
      { cause: error },
    );
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Reads a secret file; undefined when it does not exist. Refuses a file that group or others may read or write
 * (mode & 0o077), naming the chmod that fixes it, and a file it cannot read.
 */
export async function readSecretFile(filePath: string): Promise<string | undefined> {
  let mode: number;
  try {
    mode = (await stat(filePath)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(filePath, error);
  }
  if ((mode & 0o077) !== 0) {
    throw new IdentityError(
      IdentityErrorCode.LoosePermissions,
      `${filePath} has mode ${(mode & 0o777).toString(8).padStart(3, '0')}, but it holds the gate's secrets and must be readable by the agent's user only; run: chmod 600 ${filePath}`,
    );
  }
  try {
    return await readFile(filePath, 'utf8');
  } catch (error) {
    throw unreadable(filePath, error);
  }
}

function unreadable(filePath: string, error: unknown): IdentityError {
  return new IdentityError(
    IdentityErrorCode.Unreadable,
    `cannot read ${filePath} (${(error as Error).message}); the file must belong to the agent's user with mode 600`,
    { cause: error },
  );
}
