import { SluiceError } from '../errors.js';

interface SqliteErrorLike {
  code?: string;
  message?: string;
}

/**
 * Errors that concern one row, not the store: constraint failures, a value of
 * the wrong type for an INTEGER PRIMARY KEY, a number too large to bind.
 * The writer sets such rows aside; any other error stops the import.
 */
export function isConstraintError(error: unknown): boolean {
  if (error instanceof RangeError) return true;
  const code = (error as SqliteErrorLike | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH');
}

/** Maps a better-sqlite3 error to a user-facing SluiceError; the one place SQLite codes are read. */
export function mapSqliteError(error: unknown, dbPath: string): SluiceError {
  if (error instanceof SluiceError) return error;
  const code = (error as SqliteErrorLike | null)?.code ?? '';
  const detail = (error as SqliteErrorLike | null)?.message ?? String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new SluiceError('STORE_BUSY', `${dbPath} is locked by another program or import; close it and try again.`, { cause: error });
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_PERM')) {
    return new SluiceError('STORE_READONLY', `${dbPath} cannot be written (read-only file or folder, or no permission).`, { cause: error });
  }
  if (code.startsWith('SQLITE_FULL') || code === 'SQLITE_IOERR_WRITE' && /full|space/i.test(detail)) {
    return new SluiceError('STORE_FULL', `${dbPath}: the disk is full (or the store reached its size limit); free space and resume the import.`, { cause: error });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) {
    return new SluiceError('STORE_CORRUPT', `${dbPath} is not a valid Sluice store (corrupted or not an SQLite database).`, { cause: error });
  }
  return new SluiceError('STORE_ERROR', `${dbPath}: database error ${code || ''} (${detail.slice(0, 200)})`.trim(), { cause: error });
}

/** Column names in a UNIQUE failure message ("UNIQUE constraint failed: t.a, t.b"). */
export function uniqueColumnsOf(error: unknown): string[] {
  const message = (error as SqliteErrorLike | null)?.message ?? '';
  const match = /constraint failed: (.*)$/.exec(message);
  if (!match?.[1]) return [];
  return match[1].split(', ').map((qualified) => qualified.slice(qualified.indexOf('.') + 1));
}
