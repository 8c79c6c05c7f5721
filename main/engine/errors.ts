/**
 * One error type for the whole engine. `code` is a closed union so the CLI,
 * the UI and tests can branch on it; `message` is written for the user and
 * never carries row contents (it names file, line, column, rule instead).
 */
export type SluiceErrorCode =
  | 'USAGE'
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'NOT_A_FILE'
  | 'FILE_EXISTS'
  | 'WRITE_REFUSED'
  | 'NOT_TEXT'
  | 'SOURCE_CHANGED'
  | 'SOURCE_UNAVAILABLE'
  | 'SOURCE_LIMIT'
  | 'SCHEMA_INVALID'
  | 'RULES_INVALID'
  | 'ENCODING_UNSUPPORTED'
  | 'STORE_BUSY'
  | 'STORE_READONLY'
  | 'STORE_FULL'
  | 'STORE_CORRUPT'
  | 'STORE_ERROR'
  | 'TABLE_MISMATCH'
  | 'IMPORT_NOT_FOUND'
  | 'TABLE_NOT_FOUND'
  | 'NOTHING_TO_RESUME'
  | 'UNFINISHED_IMPORT'
  | 'ALREADY_IMPORTED'
  | 'KEY_CONFLICT'
  | 'UNDO_REFUSED'
  | 'IMPORT_RUNNING'
  | 'ERROR_BUDGET_EXCEEDED'
  | 'FAIL_FAST'
  | 'WORKER_FAILED'
  | 'CANCELLED'
  | 'INTERNAL';

export class SluiceError extends Error {
  override readonly name = 'SluiceError';
  constructor(
    readonly code: SluiceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isSluiceError(error: unknown): error is SluiceError {
  return error instanceof SluiceError;
}

/** Plain-object form that survives structured clone, IPC and JSON. */
export interface SerializedError {
  code: SluiceErrorCode;
  message: string;
}

export function serializeError(error: unknown): SerializedError {
  if (isSluiceError(error)) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

export function reviveError(serialized: SerializedError): SluiceError {
  return new SluiceError(serialized.code, serialized.message);
}
