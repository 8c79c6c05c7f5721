import { findSpool } from '../engine/source/spool.js';
import type { ImportRecord } from '../engine/store/import-records.js';

/** Standard input and URLs are read from a spool: there is no file to fingerprint in the import history. */
export function isSpooledSource(sourcePath: string): boolean {
  return sourcePath === '-' || /^https?:\/\//i.test(sourcePath);
}

/** Why a spooled import cannot be resumed, or null: a URL is checked again on resume, stdin needs its whole spool. */
export function spooledSourceChange(dbPath: string, record: ImportRecord): string | null {
  if (record.sourcePath !== '-') return null;
  return findSpool(dbPath, record.sourcePath, record.table)?.complete ? null : 'its standard input is no longer spooled';
}
