import { once } from 'node:events';
import path from 'node:path';
import type { Writable } from 'node:stream';
import Papa from 'papaparse';
import { SluiceError } from '../errors.js';
import type { Store } from '../store/store.js';
import { mapSqliteError } from '../store/sqlite-errors.js';
import { TableSchemas } from '../store/table-schemas.js';
import { csvFormatter, jsonFormatter, quoteCsv } from './cell-format.js';
import { checkWritePermission } from './write-permission.js';
import { STDOUT_TARGET, namedExtension, openExportSink, whyNotWritable } from './export-sink.js';
import type { QuarantineStatus } from '../store/quarantine-records.js';
import { checkDelimiter, exportSelection, type ExportView } from './export-selection.js';
import { keyPresenceOf, presenceColumnsOf, type KeyPresence } from './key-presence.js';
import { lastCsvSourceHadHeader, sourceNamesOf } from './source-names.js';
import { checkHeader, checkedLines, encodeText } from './export-encoding.js';
import type { SupportedEncoding } from '../types.js';

export type ExportFormat = 'csv' | 'jsonl';

export interface ExportProgress {
  rowsWritten: number;
  totalRows: number;
}

export interface ExportOptions {
  format: ExportFormat;
  /** CSV only; default: the table's source file's (stored schema), else ',' and CRLF. */
  delimiter?: string;
  newline?: '\n' | '\r\n';
  /** CSV only: write a header line; default: when the table's source file had one. */
  header?: boolean;
  /** The file's encoding (default UTF-8); a character it cannot hold stops the export. */
  encoding?: SupportedEncoding;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  /** Replace an existing file (CLI --force; the app after the user confirmed). The store and imported sources are never replaced. */
  overwrite?: boolean;
  /** Quarantine exports: rows of this status (default open: the rows still to settle). */
  status?: QuarantineStatus | 'all';
  /** Table exports: these columns in this order (default: all of them). */
  columns?: readonly string[];
  /** Table exports: only the rows of this view, in its order (the Data grid's filters and sort). */
  view?: ExportView;
}

export interface ExportSummary {
  path: string;
  rowsWritten: number;
  bytesWritten: number;
}

/** Rows per write: large enough to amortise the write call, small enough to keep memory flat. */
const ROWS_PER_WRITE = 2000;

export function exportFormatFromPath(filePath: string): ExportFormat {
  const ext = namedExtension(filePath);
  return ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : 'csv';
}

/** Streams a whole table to a file, written as it was imported (see cell-format.ts). */
export async function exportTable(store: Store, table: string, outPath: string, options: ExportOptions): Promise<ExportSummary> {
  checkExportTarget(store, outPath, options);
  if (!store.tableExists(table)) throw new SluiceError('TABLE_NOT_FOUND', `There is no table "${table}" in ${store.path}.`);
  checkDelimiter(options.delimiter);
  // JSONL leaves out keys the imported records lacked: it reads the bookkeeping that says which (key-presence.ts).
  const extra = options.format === 'jsonl' ? presenceColumnsOf(store, table) : [];
  const { columns, sql, params, total } = exportSelection(store, table, options.columns, options.view, extra);
  const presence = keyPresenceOf(store, columns, extra);
  const schema = storedSchemaOf(store, table);
  const fields = new Map((schema?.fields ?? []).map((field) => [field.name, field]));
  // The user's columns only: provenance bookkeeping never leaves the store. The statement is only stepped once
  // the target file is open, so a file that cannot be written never leaves a query running on the connection.
  const select = store.db.prepare(sql).raw(true).safeIntegers(true);
  // Integers come back as bigint, so those beyond 2^53 stay exact.
  function* rows(): IterableIterator<unknown[]> {
    yield* select.iterate(...params) as IterableIterator<unknown[]>;
  }
  const source = schema?.['sluice:source'];
  const encoding = options.encoding ?? 'utf-8';
  // Header names and keys as the source files wrote them, where the import had to rename them for SQLite.
  const written = sourceNamesOf(store, table);
  const outNames = columns.map((name) => written.get(name) ?? name);
  if (options.format === 'jsonl') {
    const keys = distinctKeys(columns, outNames).map((name) => `${JSON.stringify(name)}:`);
    const cells = columns.map((name) => jsonFormatter(schema ? (fields.get(name) ?? { name, type: 'any' }) : undefined));
    const plainLine = presence ? sparseLine(keys, cells, presence) : (row: unknown[]) => `{${row.map((value, i) => keys[i]! + cells[i]!(value)).join(',')}}`;
    const line = encoding === 'utf-8' ? plainLine : checkedLines(plainLine, (row, i) => keys[i]! + cells[i]!(row[i]), outNames, encoding);
    return writeLines(outPath, null, rows(), line, { newline: '\n', finalNewline: true, lead: byteOrderMark(encoding, false), encoding }, total, options);
  }
  const delimiter = options.delimiter ?? source?.delimiter ?? ',';
  const newline = options.newline ?? (source?.newline === '\n' || source?.newline === '\r' ? source.newline : '\r\n');
  const finalNewline = source?.finalNewline ?? true;
  const cells = columns.map((name) => csvFormatter(schema ? fields.get(name) : undefined));
  const bom = byteOrderMark(encoding, source?.bom === true);
  // A file imported with --no-header had no header line to give back (its column_1, … names are Sluice's).
  // Schemas stored before that mark existed: the imports' own layouts say.
  const withHeader = options.header ?? (source?.header === false ? false : (lastCsvSourceHadHeader(store, table) ?? true));
  const header = withHeader ? bom + outNames.map((name) => quoteCsv(name, delimiter)).join(delimiter) : null;
  const plainLine = columns.length === 1
    // A one-column row that is empty would be a blank line, which CSV readers (Sluice too) skip: quote it.
    ? (row: unknown[]) => quoteCsv(cells[0]!(row[0]), delimiter) || '""'
    : (row: unknown[]) => row.map((value, i) => quoteCsv(cells[i]!(value), delimiter)).join(delimiter);
  if (withHeader && encoding !== 'utf-8') checkHeader(outNames, encoding);
  const line = encoding === 'utf-8' ? plainLine : checkedLines(plainLine, (row, i) => cells[i]!(row[i]), outNames, encoding);
  return writeLines(outPath, header, rows(), line, { newline, finalNewline, lead: withHeader ? '' : bom, encoding }, total, options);
}

/**
 * A UTF-16 file always starts with its byte order mark: without it, readers (spreadsheets, editors, Sluice's own
 * sniffer) cannot tell it from bytes in a single-byte encoding. Other encodings get one as their source had it.
 */
function byteOrderMark(encoding: string, sourceHadOne: boolean): string {
  return sourceHadOne || encoding === 'utf-16le' || encoding === 'utf-16be' ? '\ufeff' : '';
}

/** A JSONL line without the keys the row's record lacked; the bookkeeping values after the row's columns are not written. */
function sparseLine(keys: readonly string[], cells: readonly ((value: unknown) => string)[], presence: KeyPresence): (row: unknown[]) => string {
  const width = keys.length;
  return (row) => {
    const leftOut = presence.leftOut(row);
    const parts: string[] = [];
    for (let i = 0; i < width; i++) if (!leftOut?.[i]) parts.push(keys[i]! + cells[i]!(row[i]));
    return `{${parts.join(',')}}`;
  };
}

function storedSchemaOf(store: Store, table: string) {
  try {
    return new TableSchemas(store.db).get(table);
  } catch {
    // A store opened read-only before its migration has no _sluice_tables: export as before.
    return null;
  }
}

/** Writes a header (if any) and one line per row, joined by `newline`, ending with one only when asked. */
async function writeLines(
  outPath: string,
  header: string | null,
  rows: IterableIterator<unknown[]>,
  line: (row: unknown[]) => string,
  layout: { newline: string; finalNewline: boolean; lead?: string; encoding?: SupportedEncoding },
  total: number,
  options: ExportOptions,
): Promise<ExportSummary> {
  let started = header !== null;
  function* texts(): IterableIterator<[string, boolean]> {
    // A byte order mark without a header line to carry it.
    if (layout.lead) yield [layout.lead, false];
    if (header !== null) yield [header, false];
    for (const row of rows) {
      yield [started ? layout.newline + line(row) : line(row), true];
      started = true;
    }
    if (started && layout.finalNewline) yield [layout.newline, false];
  }
  return streamToFile(outPath, texts(), total, options, layout.encoding ?? 'utf-8');
}

/** Streams an import's quarantined rows (position, reasons and original text) to a file. */
export async function exportQuarantine(store: Store, importId: number, outPath: string, options: ExportOptions): Promise<ExportSummary> {
  checkExportTarget(store, outPath, options);
  checkDelimiter(options.delimiter);
  if (!store.imports.get(importId)) throw new SluiceError('IMPORT_NOT_FOUND', `There is no import #${importId} in ${store.path}.`);
  const columns = ['row_number', 'line', 'byte_offset', 'status', 'errors', 'raw'];
  const status = options.status ?? 'open';
  const query = { importId, ...(status !== 'all' ? { status } : {}) };
  const total = store.quarantine.page({ ...query, limit: 0 }).total;
  function* rows(): IterableIterator<unknown[]> {
    for (const row of store.quarantine.select(query)) {
      yield [row.rowNumber, row.line, row.byteOffset, row.status, JSON.stringify(row.errors), row.raw];
    }
  }
  return writeRows(outPath, columns, rows(), total, options);
}

/** Never the store, its companions or an imported source; an existing file only with overwrite. */
function checkExportTarget(store: Store, outPath: string, options: ExportOptions): void {
  if (outPath === STDOUT_TARGET) return;
  checkWritePermission(outPath, { storePath: store.path, protectedSources: store.imports.sourcePaths(), overwrite: options.overwrite === true });
}

/** The quarantine export: positions, reasons and raw text, quoted by papaparse / JSON.stringify. */
async function writeRows(
  outPath: string,
  columns: string[],
  rows: IterableIterator<unknown[]>,
  total: number,
  options: ExportOptions,
): Promise<ExportSummary> {
  // In another encoding than UTF-8 (to edit the raw text in a tool that expects the source's), a character it cannot hold stops the export.
  const encoding = options.encoding ?? 'utf-8';
  const checked = (line: (row: unknown[]) => string) =>
    encoding === 'utf-8' ? line : checkedLines(line, (row, i) => String(row[i] ?? ''), columns, encoding);
  if (options.format === 'csv') {
    // The user's delimiter and line ending when chosen; papaparse quotes whatever contains them.
    const layout = { delimiter: options.delimiter ?? ',', newline: options.newline ?? '\r\n' };
    const line = (row: unknown[]) => Papa.unparse([row.map((value) => value ?? '')], layout);
    return writeLines(outPath, Papa.unparse([columns], layout), rows, checked(line), { newline: layout.newline, finalNewline: true, lead: byteOrderMark(encoding, false), encoding }, total, options);
  }
  const line = (row: unknown[]) => JSON.stringify(Object.fromEntries(columns.map((name, i) => [name, row[i] ?? null])));
  return writeLines(outPath, null, rows, checked(line), { newline: '\n', finalNewline: true, lead: byteOrderMark(encoding, false), encoding }, total, options);
}

/**
 * Writes to a temporary file beside the target and renames it at the end:
 * never a half-written export. "-" writes standard output; a .gz target is
 * gzip-compressed. `texts` yields [text, isRow] pieces.
 */
async function streamToFile(
  outPath: string,
  texts: IterableIterator<[string, boolean]>,
  total: number,
  options: ExportOptions,
  encoding: SupportedEncoding = 'utf-8',
): Promise<ExportSummary> {
  const sink = await openExportSink(outPath);
  const out = sink.stream;
  let written = 0;
  try {
    let batch: string[] = [];
    let batchRows = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const text = batch.join('');
      await write(out, encoding === 'utf-8' ? text : encodeText(text, encoding));
      written += batchRows;
      batch = [];
      batchRows = 0;
      options.onProgress?.({ rowsWritten: written, totalRows: total });
    };
    for (const [text, isRow] of texts) {
      batch.push(text);
      if (isRow) batchRows++;
      if (batchRows >= ROWS_PER_WRITE) {
        options.signal?.throwIfAborted();
        await flush();
      }
    }
    await flush();
    const done = await sink.commit();
    return { path: done.path, rowsWritten: written, bytesWritten: done.bytesWritten };
  } catch (error) {
    sink.abort();
    // Closes the row generators and so their SQLite statements: the store must still close after a failed write.
    texts.return?.();
    if (options.signal?.aborted) throw new SluiceError('CANCELLED', 'Export cancelled; no file was written.');
    if ((error as { code?: string }).code?.startsWith('SQLITE')) throw mapSqliteError(error, outPath);
    throw error instanceof SluiceError
      ? error
      : new SluiceError('FILE_UNREADABLE', `Cannot write ${outPath}: ${(error as NodeJS.ErrnoException).code ? whyNotWritable((error as NodeJS.ErrnoException).code, path.dirname(path.resolve(outPath))) : String(error)}.`);
  }
}

async function write(out: Writable, text: string | Buffer): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * JSONL keys: the source's names where they are distinct. A CSV header may repeat a name (`a,a`), which a CSV
 * export writes back as it was, but a JSON object with the key twice keeps only one value in every reader:
 * a repeat keeps the table's own name (`a_2`), as the import summary listed it.
 */
function distinctKeys(columns: readonly string[], sourceNames: readonly string[]): string[] {
  const taken = new Set(columns.filter((name, i) => sourceNames[i] === name));
  return columns.map((name, i) => {
    const wanted = sourceNames[i]!;
    if (wanted === name) return name;
    let key = taken.has(wanted) ? name : wanted;
    for (let n = 2; taken.has(key); n++) key = `${name}_${n}`;
    taken.add(key);
    return key;
  });
}
