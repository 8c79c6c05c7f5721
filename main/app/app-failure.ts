import { isSluiceError } from '../engine/errors.js';
import type { AppError, ErrorCode, Result } from './contract.js';
import { BadRequest } from './validate.js';

/** An expected failure of the app layer (not the engine): carries a contract error code. */
export class AppFailure extends Error {
  override readonly name = 'AppFailure';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The one place a thrown error becomes a contract error: engine, app and validation failures keep their codes. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppFailure) return { code: error.code, message: error.message };
  if (error instanceof BadRequest) return { code: 'BAD_REQUEST', message: error.message };
  if (isSluiceError(error)) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

export async function toResult<T>(run: () => Promise<T> | T): Promise<Result<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: toAppError(error) };
  }
}
