import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { ResilienceStats } from './resilience.js';
import type { Compression } from './not-text.js';

/** What a spool holds and how far it got; kept beside it so a later run can resume or report it. */
export interface SpoolState {
  version: 1;
  /** The import's source ("-", a URL or a path). */
  identity: string;
  kind: 'stdin' | 'file' | 'url' | 'json-api';
  /** True once the data spool holds the whole source, decompressed. */
  complete: boolean;
  /** Bytes taken from the source so far, as transferred (compressed bytes for a compressed source). */
  transferredBytes: number;
  /** The remote source's identity when the download began; a resume that sees another one is refused. */
  remote: { etag: string | null; lastModified: string | null; contentLength: number | null } | null;
  /** Request headers were given (their values are never stored), so a resumed download needs them again. */
  usedHeaders: boolean;
  stats: ResilienceStats;
  /** Paginated APIs: the next page to fetch and the spool length after the last whole page. */
  pages: { nextUrl: string | null; fetched: number; spoolBytes: number; offset: number } | null;
}

export interface SpoolPaths {
  /** The decompressed data the import reads. */
  data: string;
  /** Bytes as downloaded, kept until the download is whole so an interrupted one can resume with Range. */
  download: string;
  state: string;
}

/**
 * Spool files live beside the store (same disk, same permissions) and are
 * named from the source and the table, so the next run of the same import
 * finds them without any record in the store.
 */
export function spoolPaths(dbPath: string, identity: string, table: string, dataExtension: string): SpoolPaths {
  const key = createHash('sha256').update(`${identity}\0${table}`).digest('hex').slice(0, 16);
  const base = `${path.resolve(dbPath)}.spool-${key}`;
  return { data: `${base}${dataExtension}`, download: `${base}.download`, state: `${base}.json` };
}

export function readSpoolState(paths: SpoolPaths): SpoolState | null {
  try {
    const state = JSON.parse(fs.readFileSync(paths.state, 'utf8')) as SpoolState;
    return state.version === 1 ? state : null;
  } catch {
    return null;
  }
}

/** Written through a temporary file and a rename, so a kill leaves the old state or the new one. */
export function writeSpoolState(paths: SpoolPaths, state: SpoolState): void {
  const temporary = `${paths.state}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(state));
  fs.renameSync(temporary, paths.state);
}

export function removeSpool(paths: SpoolPaths): void {
  for (const file of [paths.data, paths.download, paths.state, `${paths.state}.tmp`]) fs.rmSync(file, { force: true });
}

/** The spool's data file gets a fixed timestamp: the fingerprint of a re-created spool then depends on its content only. */
export function settleSpoolTime(file: string): void {
  fs.utimesSync(file, 0, 0);
}

export function emptySpoolState(identity: string, kind: SpoolState['kind'], usedHeaders: boolean): SpoolState {
  return {
    version: 1,
    identity,
    kind,
    complete: false,
    transferredBytes: 0,
    remote: null,
    usedHeaders,
    stats: { retries: 0, breaker: 'closed' },
    pages: null,
  };
}

/** The spool of an import, found from its record (for `status`): whether it still exists and how far it got. */
export function findSpool(dbPath: string, identity: string, table: string): SpoolState | null {
  const paths = spoolPaths(dbPath, identity, table, '');
  return readSpoolState(paths);
}

export type { Compression };
