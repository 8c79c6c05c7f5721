/**
 * The shapes the UI and the app service exchange over the contract (contract.ts): requests and answers of the
 * channels, apart from the engine's own shapes, which contract.ts re-exports as they are.
 */

import type { AppError, FailureMode } from './contract.js';
import type { ImportCounters, ImportProgress, ImportStatus, ImportSummary as EngineImportSummary, RowFailure, SupportedEncoding } from '../engine/types.js';
import type { PreviewResult } from '../engine/rules/preview.js';
import type { GridQuery } from '../engine/store/table-filter.js';
import type { FixOperation } from '../engine/quarantine/bulk-fix.js';

export interface ImportSummary extends Omit<EngineImportSummary, 'error'> {
  error?: AppError;
}

export interface DialectOverrides {
  format?: 'csv' | 'jsonl';
  delimiter?: string;
  hasHeader?: boolean;
  encoding?: string;
}

export interface AppInfo {
  mode: 'browser' | 'electron';
  version: string;
  dbPath: string;
  /** Electron has native dialogs; the browser mode asks for a typed path instead. */
  nativeDialogs: boolean;
}

export interface RecentFile {
  path: string;
  name: string;
  openedAt: string;
}

export interface OpenedFile {
  path: string;
  name: string;
  size: number;
  /** A rule file that sits beside the data file (`x.rules.json`), if any. */
  siblingRulesPath: string | null;
}

export interface Dialect {
  format: 'csv' | 'jsonl';
  encoding: string;
  encodingReason: string;
  delimiter: string;
  quoteChar: string;
  hasHeader: boolean;
  newline: string;
}

export interface FilePreview {
  path: string;
  dialect: Dialect;
  columns: string[];
  /** Sample rows: strings for CSV, JSON values for JSONL. */
  rows: unknown[][];
  /** Per row: why the import would quarantine it before any rule runs (wrong width, bad JSON), else null. */
  malformed?: (RowFailure | null)[];
  /** Per row: its row number in the import (null for rows sampled mid-file). */
  rowNumbers?: (number | null)[];
  totalBytes: number;
  /** A rule file drafted from the sample (Table Schema JSON). */
  inferredRules: unknown;
}

/** A rules preview as the UI gets it: the engine's result without its column values and incremental state. */
export interface RulesPreview extends Pick<PreviewResult, 'ok' | 'problems' | 'columns' | 'rows' | 'groups' | 'invalidRows' | 'warnedRows'> {
  sampleRows: number;
  /** Per sample row: its row number in the import (null for rows sampled mid-file). */
  rowNumbers?: (number | null)[];
}

export interface StartImportRequest {
  path: string;
  table?: string;
  ruleFile?: unknown;
  overrides?: DialectOverrides;
  failure?: FailureMode;
  /** Replace an unfinished import of the same file and table. */
  restart?: boolean;
  /** Import content that is already in the table again (the re-import guard stands aside). */
  append?: boolean;
  /** Undo the earlier import of the same content first, then import it again. */
  replace?: boolean;
}

export interface StartedImport {
  importId: number;
  table: string;
  resumed: boolean;
}

export interface ImportListItem {
  id: number;
  sourcePath: string;
  table: string;
  status: ImportStatus;
  counters: ImportCounters;
  startedAt: string;
  updatedAt: string;
  errorMessage: string | null;
  /** Running in this app session right now. */
  live: boolean;
  /** Unfinished and not live: can be resumed. */
  resumable: boolean;
  /** When resumable: what changed in the file since the import started, if anything (resuming is then refused). */
  sourceChange: string | null;
  totalBytes: number;
  /** A retry or fix of quarantined rows: the import it fixes, and what it did ("retry", "fix: map plan"). */
  parentImportId?: number | null;
  quarantineFix?: string | null;
}

export interface ImportState {
  item: ImportListItem;
  progress: ImportProgress | null;
  summary: ImportSummary | null;
}

export interface QuarantinedRow {
  id: number;
  importId: number;
  rowNumber: number;
  line: number;
  byteOffset: number;
  raw: string;
  errors: RowFailure[];
  status: 'open' | 'fixed' | 'dismissed' | 'undone';
  /** The import's text when the row was edited since (null: unedited). */
  originalRaw?: string | null;
  dismissReason?: string | null;
  fixedByImportId?: number | null;
}

export type QuarantineStatusFilter = QuarantinedRow['status'] | 'all';

/** Rows per failing rule and per failing field, and rows per status: the Quarantine screen's facets. */
export interface QuarantineFacets {
  rules: { rule: string; count: number }[];
  fields: { field: string; count: number }[];
  statuses: Record<QuarantinedRow['status'], number>;
}

/** One quarantined row as fields, for the detail pane (values null: its text cannot be read as a record). */
export interface QuarantineRowDetail {
  row: QuarantinedRow;
  columns: string[];
  values: unknown[] | null;
  format: 'csv' | 'jsonl';
}

// The engine's own operation type: the UI sends exactly what the engine applies.
export type { FixOperation };

export interface BulkFixRequest {
  importId: number;
  field: string;
  rule?: string;
  operation: FixOperation;
  dryRun?: boolean;
  /** The Rules screen's draft: check with the rules the user has now. */
  draft?: unknown;
}

/** What a retry or fix did; importId: the child import that recorded it (null: nothing written). */
export interface QuarantineFixResult {
  importId: number | null;
  matched: number;
  changed: number;
  fixed: number;
  stillFailing: number;
}

export interface QuarantineRetryResult {
  importId: number | null;
  retried: number;
  fixed: number;
  stillFailing: number;
}

export interface QuarantinePageRequest {
  importId: number;
  status?: 'open' | 'fixed' | 'dismissed' | 'undone';
  rule?: string;
  field?: string;
  offset: number;
  limit: number;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

export type RetryOutcome = { fixed: true } | { fixed: false; errors: RowFailure[] };

export interface TableInfo {
  name: string;
  rowCount: number;
}

export interface ExportRequest {
  kind: 'table' | 'quarantine';
  table?: string;
  importId?: number;
  path: string;
  format: 'csv' | 'jsonl';
  /** Replace an existing file; the UI sets it only after the user confirmed. */
  overwrite?: boolean;
  /** Table exports: these columns in this order (default: all). */
  columns?: string[];
  /** Table exports: only the rows of the Data grid's view (its filters), in its sort order. */
  view?: Omit<GridQuery, 'table'>;
  /** CSV: the field delimiter (default: the source file's) and the line ending (default: the source file's). */
  delimiter?: ExportDelimiter;
  newline?: 'lf' | 'crlf';
  /** CSV tables: write a header line or not (default: as the table's source file had one). */
  header?: boolean;
  /** The file's encoding (default UTF-8); a character it cannot hold stops the export, naming row and column. */
  encoding?: ExportEncoding;
}

/** The encodings an export can write: the ones an import reads, each listed once (checked below). */
export type ExportEncoding = SupportedEncoding;
export const EXPORT_ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-15', 'utf-16le', 'utf-16be', 'shift_jis', 'gb18030'] as const satisfies readonly ExportEncoding[];
type UnlistedEncoding = Exclude<ExportEncoding, (typeof EXPORT_ENCODINGS)[number]>;
export const ALL_ENCODINGS_LISTED: UnlistedEncoding extends never ? true : never = true;

/** The delimiters the Export screen offers: comma, semicolon (European spreadsheets), tab, pipe. */
export type ExportDelimiter = ',' | ';' | '\t' | '|';
export const EXPORT_DELIMITERS: readonly ExportDelimiter[] = [',', ';', '\t', '|'];

export interface ExportResult {
  path: string;
  rowsWritten: number;
  bytesWritten: number;
}
