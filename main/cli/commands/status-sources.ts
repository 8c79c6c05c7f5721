import fs from 'node:fs';
import path from 'node:path';
import { findSpool, type SpoolState } from '../../engine/source/spool.js';
import { isResumable, type ImportRecord } from '../../engine/store/import-records.js';
import type { Store } from '../../engine/store/store.js';
import { formatBytes } from '../output.js';

/**
 * Whether an import can be resumed, spools included: an import of standard
 * input can only be resumed while its spool exists (the data cannot be read again).
 */
export function resumableWithSpool(store: Store, record: ImportRecord): boolean {
  if (!isResumable(record)) return false;
  if (record.sourcePath !== '-') return true;
  return findSpool(store.path, record.sourcePath, record.table)?.complete === true;
}

export interface SpoolSummary {
  exists: boolean;
  complete: boolean;
  transferredBytes: number;
  totalBytes: number | null;
  pages: number | null;
  retries: number;
  breaker: string;
}

function summarize(state: SpoolState | null): SpoolSummary | null {
  if (!state) return null;
  return {
    exists: true,
    complete: state.complete,
    transferredBytes: state.transferredBytes,
    totalBytes: state.remote?.contentLength ?? null,
    pages: state.pages?.fetched ?? null,
    retries: state.stats.retries,
    breaker: state.stats.breaker,
  };
}

export function spoolOf(store: Store, record: ImportRecord): SpoolSummary | null {
  return summarize(findSpool(store.path, record.sourcePath, record.table));
}

/** Spools beside the store whose import has no record yet: downloads (or stdin reads) that stopped before the import began. */
export function pendingSpools(store: Store, records: readonly ImportRecord[]): { source: string; spool: SpoolSummary }[] {
  const folder = path.dirname(store.path);
  const prefix = `${path.basename(store.path)}.spool-`;
  let names: string[];
  try {
    names = fs.readdirSync(folder).filter((name) => name.startsWith(prefix) && name.endsWith('.json'));
  } catch {
    return [];
  }
  const pending: { source: string; spool: SpoolSummary }[] = [];
  for (const name of names) {
    let state: SpoolState;
    try {
      state = JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')) as SpoolState;
    } catch {
      continue;
    }
    const owned = records.some((record) => isResumable(record) && record.sourcePath === state.identity && findSpool(store.path, record.sourcePath, record.table) !== null);
    if (!owned) pending.push({ source: state.identity, spool: summarize(state)! });
  }
  return pending;
}

export function describeSpool(spool: SpoolSummary): string {
  const size = spool.totalBytes !== null ? `${formatBytes(spool.transferredBytes)} of ${formatBytes(spool.totalBytes)}` : formatBytes(spool.transferredBytes);
  const pages = spool.pages !== null ? `, ${spool.pages} pages` : '';
  const state = spool.complete ? 'spooled' : 'partly spooled';
  return `${state} (${size}${pages}), ${spool.retries} ${spool.retries === 1 ? 'retry' : 'retries'}, circuit breaker ${spool.breaker}`;
}
