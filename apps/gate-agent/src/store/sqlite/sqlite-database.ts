import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, StoreErrorCode } from '../store.error.js';
import { MIGRATIONS } from './sqlite-migrations.js';

export interface OpenDatabaseOptions {
  /** Milliseconds a writer waits for another connection's lock before failing (SQLITE_BUSY). */
  readonly busyTimeoutMs?: number;
  readonly readonly?: boolean;
}

const SQLITE_UNREADABLE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_IOERR_SHORT_READ']);

function unreadable(filePath: string, cause: unknown): StoreError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new StoreError(
    StoreErrorCode.Unreadable,
    `The gate database ${filePath} is not a readable SQLite database (${detail}). ` +
      `Stop the agent, move the file aside (mv ${filePath} ${filePath}.broken, with its -wal and -shm files), ` +
      'then start the agent: it creates an empty database and pulls the bundle again. Undelivered events in the ' +
      `old file can be salvaged with: sqlite3 ${filePath}.broken .recover`,
    { cause },
  );
}

/**
 * Opens (creating if needed) the gate's SQLite database: owner-only file mode, WAL, synchronous=FULL (a commit is
 * on disk before the call returns, so it survives a power cut), a busy timeout, and the schema migrated.
 */
export function openGateDatabase(filePath: string, options: OpenDatabaseOptions = {}): Database.Database {
  const readonly = options.readonly ?? false;
  if (!readonly) {
    try {
      mkdirSync(dirname(filePath), { recursive: true, mode: 0o700 });
      // Create the file ourselves with mode 0600: SQLite would use the umask, and its -wal/-shm files copy the
      // database file's mode. chmod as well, for a file an older version created.
      if (!existsSync(filePath)) closeSync(openSync(filePath, 'a', 0o600));
      chmodSync(filePath, 0o600);
    } catch (cause) {
      throw new StoreError(
        StoreErrorCode.CannotOpen,
        `Cannot create the gate database ${filePath} (${(cause as Error).message}): check that storage.dataDir exists ` +
          'on a writable medium and belongs to the agent user.',
        { cause },
      );
    }
  }
  let db: Database.Database;
  try {
    db = new Database(filePath, { readonly, fileMustExist: readonly, timeout: options.busyTimeoutMs ?? 5000 });
  } catch (cause) {
    throw new StoreError(
      StoreErrorCode.CannotOpen,
      `Cannot open the gate database ${filePath} (${(cause as Error).message}): check the path and its permissions.`,
      { cause },
    );
  }
  try {
    // The first statements read the header: a file that is not SQLite fails here.
    if (!readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check: ${String(check)}`);
    if (!readonly) migrate(db, filePath);
    return db;
  } catch (cause) {
    db.close();
    if (cause instanceof StoreError) throw cause;
    const code = (cause as { code?: string }).code;
    if ((code !== undefined && SQLITE_UNREADABLE_CODES.has(code)) || /integrity check/.test((cause as Error).message)) {
      throw unreadable(filePath, cause);
    }
    throw new StoreError(StoreErrorCode.CannotOpen, `Cannot use the gate database ${filePath}: ${(cause as Error).message}`, {
      cause,
    });
  }
}

function migrate(db: Database.Database, filePath: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new StoreError(
      StoreErrorCode.SchemaTooNew,
      `The gate database ${filePath} has schema version ${current}, newer than this agent knows (${MIGRATIONS.length}): ` +
        'install the agent version that wrote it, or move the file aside to start empty.',
    );
  }
  for (let version = current; version < MIGRATIONS.length; version += 1) {
    // Each migration and its version bump commit together: a crash leaves the schema at one version or the next.
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
