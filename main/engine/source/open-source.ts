import fs from 'node:fs/promises';
import { SluiceError } from '../errors.js';

/** Opens a source file for reading, turning OS errors into user-facing ones. */
export async function openSource(filePath: string): Promise<fs.FileHandle> {
  let stat;
  try {
    stat = await fs.stat(filePath);
  } catch (error) {
    throw sourceError(filePath, error);
  }
  if (stat.isDirectory()) throw new SluiceError('NOT_A_FILE', `${filePath} is a directory, not a CSV or JSONL file.`);
  try {
    return await fs.open(filePath, 'r');
  } catch (error) {
    throw sourceError(filePath, error);
  }
}

export function sourceError(filePath: string, error: unknown): SluiceError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new SluiceError('FILE_NOT_FOUND', `${filePath}: no such file.`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') {
    return new SluiceError('FILE_UNREADABLE', `${filePath}: permission denied (cannot read the file).`, { cause: error });
  }
  if (code === 'EISDIR') return new SluiceError('NOT_A_FILE', `${filePath} is a directory, not a file.`, { cause: error });
  if (code === 'ELOOP') return new SluiceError('FILE_UNREADABLE', `${filePath}: its symbolic links lead round in a loop; point it at a real file.`, { cause: error });
  return new SluiceError('FILE_UNREADABLE', `${filePath}: cannot read (${code ?? 'unknown error'}).`, { cause: error });
}
