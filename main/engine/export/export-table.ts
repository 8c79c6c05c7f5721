import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import Papa from 'papaparse';
import { SluiceError } from '../errors.js';
import type { Store } from '../store/store.js';
import { quoteIdentifier } from '../store/identifiers.js';
import { mapSqliteError } from '../store/sqlite-errors.js';
import { checkWritePermission } from './write-permission.js';

export type ExportFormat = 'csv' | 'jsonl';

export interface ExportProgress {
  rowsWritten: number;
  totalRows: number;
}

export interface ExportOptions {
  format: ExportFormat;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  /** Replace an existing file (CLI --force; the app after the user confirmed). The store and imported sources are never replaced. */
  overwrite?: boolean;
}

export interface ExportSummary {
  path: string;
  rowsWritten: number;
  bytesWritten: number;
}

/** Rows per write: large enough to amortise the write call, small enough to keep memory flat. */
const ROWS_PER_WRITE = 2000;

export function exportFormatFromPath(filePath: string): ExportFormat {
  const ext = path.extname(filePath).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : 'csv';
}

/** Streams a whole table to a file. */
export async function exportTable(store: Store, table: string, outPath: string, options: ExportOptions): Promise<ExportSummary> {
  checkExportTarget(store, outPath, options);
  if (!store.tableExists(table)) throw new SluiceError('USAGE', `There is no table "${table}" in ${store.path}.`);
  const columns = store.tableColumns(table);
  const total = (store.db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`).get() as { n: number }).n;
  // The user's columns only: provenance bookkeeping never leaves the store.
  const rows = store.db
    .prepare(`SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)} ORDER BY rowid`)
    .raw(true)
    .iterate() as IterableIterator<unknown[]>;
  return writeRows(outPath, columns, rows, total, options);
}

/** Streams an import's quarantined rows (position, reasons and original text) to a file. */
export async function exportQuarantine(store: Store, importId: number, outPath: string, options: ExportOptions): Promise<ExportSummary> {
  checkExportTarget(store, outPath, options);
  if (!store.imports.get(importId)) throw new SluiceError('IMPORT_NOT_FOUND', `There is no import #${importId} in ${store.path}.`);
  const columns = ['row_number', 'line', 'byte_offset', 'status', 'errors', 'raw'];
  const total = store.quarantine.page({ importId, limit: 0 }).total;
  function* rows(): IterableIterator<unknown[]> {
    for (const row of store.quarantine.iterate(importId)) {
      yield [row.rowNumber, row.line, row.byteOffset, row.status, JSON.stringify(row.errors), row.raw];
    }
  }
  return writeRows(outPath, columns, rows(), total, options);
}

/** Never the store, its companions or an imported source; an existing file only with overwrite. */
function checkExportTarget(store: Store, outPath: string, options: ExportOptions): void {
  checkWritePermission(outPath, { storePath: store.path, protectedSources: store.imports.sourcePaths(), overwrite: options.overwrite === true });
}

/** Writes to a temporary file beside the target and renames it at the end: never a half-written export. */
async function writeRows(
  outPath: string,
  columns: string[],
  rows: IterableIterator<unknown[]>,
  total: number,
  options: ExportOptions,
): Promise<ExportSummary> {
  const target = path.resolve(outPath);
  const temporary = `${target}.sluice-partial-${process.pid}`;
  let out: fs.WriteStream;
  try {
    out = fs.createWriteStream(temporary, { flags: 'wx' });
    await once(out, 'open');
  } catch (error) {
    throw new SluiceError('FILE_UNREADABLE', `Cannot write ${outPath}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`, { cause: error });
  }
  let written = 0;
  try {
    if (options.format === 'csv') await write(out, `${Papa.unparse([columns])}\r\n`);
    let batch: unknown[][] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const text =
        options.format === 'csv'
          ? `${Papa.unparse(batch.map((row) => row.map(csvCell)), { newline: '\r\n' })}\r\n`
          : `${batch.map((row) => JSON.stringify(Object.fromEntries(columns.map((name, i) => [name, jsonCell(row[i])])))).join('\n')}\n`;
      await write(out, text);
      written += batch.length;
      batch = [];
      options.onProgress?.({ rowsWritten: written, totalRows: total });
    };
    for (const row of rows) {
      batch.push(row);
      if (batch.length >= ROWS_PER_WRITE) {
        options.signal?.throwIfAborted();
        await flush();
      }
    }
    await flush();
    out.end();
    await once(out, 'finish');
    fs.renameSync(temporary, target);
    return { path: target, rowsWritten: written, bytesWritten: fs.statSync(target).size };
  } catch (error) {
    out.destroy();
    fs.rmSync(temporary, { force: true });
    if (options.signal?.aborted) throw new SluiceError('CANCELLED', 'Export cancelled; no file was written.');
    if ((error as { code?: string }).code?.startsWith('SQLITE')) throw mapSqliteError(error, outPath);
    throw error instanceof SluiceError
      ? error
      : new SluiceError('FILE_UNREADABLE', `Cannot write ${outPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
}

async function write(out: fs.WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

function csvCell(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

function jsonCell(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value ?? null;
}
