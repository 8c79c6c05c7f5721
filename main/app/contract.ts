/**
 * The one contract between the UI and the app service. Electron IPC and the
 * browser mode's HTTP API both carry exactly these channels and events, so the
 * renderer's `api` module is the only place that knows which transport it uses.
 * The renderer imports this file type-only; `API_CHANNELS` is the runtime list
 * the transports use to refuse anything else.
 */

import type { SluiceErrorCode } from '../engine/errors.js';
import type { FailurePolicy, ImportCounters, ImportProgress, ImportStatus, ImportSummary as EngineImportSummary, RowFailure } from '../engine/types.js';
import type { FailureGroup, PreviewResult } from '../engine/rules/preview.js';
import type { RuleProblem } from '../engine/rules/model.js';
import type { TablePage, TablePageQuery } from '../engine/store/table-browser.js';
import type { ColumnFilter, GridColumn, GridColumnType, GridQuery } from '../engine/store/table-filter.js';
import type { GridCount, GridPage } from '../engine/store/table-query.js';
import type { ColumnProfile } from '../engine/store/column-profile.js';
import type { ImportPlanSummary } from '../engine/pipeline/import-plan.js';
import type { UndoResult } from '../engine/history/undo.js';

// The engine's shapes, re-exported type-only: the UI sees exactly what the engine produces, declared once.
export type { FailureGroup, ImportCounters, ImportProgress, ImportStatus, RowFailure, RuleProblem, TablePage };
export type FailureMode = FailurePolicy;
export type TablePageRequest = TablePageQuery;
export type { ColumnFilter, ColumnProfile, GridColumn, GridColumnType, GridCount, GridPage, GridQuery };

/** The engine's codes plus the app layer's own (a malformed request, a file never opened, an import already running). */
export type ErrorCode = SluiceErrorCode | 'BAD_REQUEST' | 'NOT_OPENED' | 'NOT_ALLOWED' | 'IMPORT_RUNNING' | 'NOT_AVAILABLE' | 'PREVIEW_TIMEOUT';

export interface AppError {
  code: ErrorCode | string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

// ---- shared shapes ----

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
  totalBytes: number;
  /** A rule file drafted from the sample (Table Schema JSON). */
  inferredRules: unknown;
}

/** A rules preview as the UI gets it: the engine's result without its column values and incremental state. */
export interface RulesPreview extends Pick<PreviewResult, 'ok' | 'problems' | 'columns' | 'rows' | 'groups' | 'invalidRows' | 'warnedRows'> {
  sampleRows: number;
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
}

export interface ExportResult {
  path: string;
  rowsWritten: number;
  bytesWritten: number;
}

// ---- the channels ----

export interface SluiceApi {
  'app/info': (req: Record<string, never>) => Promise<Result<AppInfo>>;
  'files/recent': (req: Record<string, never>) => Promise<Result<RecentFile[]>>;
  /** The user typed, picked or dropped this path; it must pass the file-access checks (see file-access.ts). */
  'files/open': (req: { path: string }) => Promise<Result<OpenedFile>>;
  'files/preview': (req: { path: string; overrides?: DialectOverrides; maxRows?: number }) => Promise<Result<FilePreview>>;
  'rules/preview': (req: { path: string; draft: unknown; overrides?: DialectOverrides }) => Promise<Result<RulesPreview>>;
  'rules/load': (req: { path: string }) => Promise<Result<{ path: string; ruleFile: unknown }>>;
  'rules/save': (req: { path: string; ruleFile: unknown; overwrite?: boolean }) => Promise<Result<{ path: string }>>;
  /** The rule file compiled to SQL that reads the opened file (see `sluice rules compile`). */
  'rules/sql': (req: { path: string; ruleFile: unknown; target: 'duckdb' | 'spark' }) => Promise<Result<{ target: 'duckdb' | 'spark'; sql: string }>>;
  'import/start': (req: StartImportRequest) => Promise<Result<StartedImport>>;
  'import/resume': (req: { importId: number }) => Promise<Result<StartedImport>>;
  'import/control': (req: { importId: number; action: 'pause' | 'resume' | 'cancel' }) => Promise<Result<null>>;
  'import/state': (req: { importId: number }) => Promise<Result<ImportState>>;
  'imports/list': (req: Record<string, never>) => Promise<Result<ImportListItem[]>>;
  'quarantine/page': (req: QuarantinePageRequest) => Promise<Result<Page<QuarantinedRow>>>;
  'quarantine/summary': (req: { importId: number }) => Promise<Result<{ rule: string; field: string | null; count: number }[]>>;
  'quarantine/retry': (req: { id: number; raw: string }) => Promise<Result<RetryOutcome>>;
  'quarantine/revalidate': (req: { importId: number }) => Promise<Result<{ fixed: number; stillFailing: number }>>;
  'tables/list': (req: Record<string, never>) => Promise<Result<TableInfo[]>>;
  'tables/page': (req: TablePageRequest) => Promise<Result<TablePage>>;
  'export/start': (req: ExportRequest) => Promise<Result<ExportResult>>;
  /** Rows [offset, offset+limit) of a sorted/filtered table view, read on the reader thread without OFFSET scans. */
  'grid/page': (req: { query: GridQuery; offset: number; limit: number }) => Promise<Result<GridPage>>;
  /** How many rows a view has (or has found so far, while a filter's scan runs). */
  'grid/count': (req: { query: GridQuery }) => Promise<Result<GridCount>>;
  /** Stops a view's scan: forgetting it (the user changed the filter or left), or keeping what it found (Stop). */
  'grid/cancel': (req: { query: GridQuery; keepFound?: boolean }) => Promise<Result<null>>;
  'grid/profile': (req: { query: GridQuery; column: string }) => Promise<Result<ColumnProfile>>;
  /** Removes a file from the recent list (the file itself is untouched). */
  'files/forget': (req: { path: string }) => Promise<Result<null>>;
  /** Removes an import from the Home history; its rows, records and quarantine stay in the store. */
  'imports/hide': (req: { importId: number }) => Promise<Result<null>>;
  /** What an import with these settings will do to its table, before anything is written. */
  'import/plan': (req: StartImportRequest) => Promise<Result<ImportPlanSummary>>;
  /** What undoing an import would do (exact counts), without doing it. */
  'imports/undo-preview': (req: { importId: number; cascade?: boolean }) => Promise<Result<UndoResult>>;
  'imports/undo': (req: { importId: number; cascade?: boolean; dropTable?: boolean }) => Promise<Result<UndoResult>>;
  /** Removes an import's undo data from the history; its rows and quarantine records stay. */
  'imports/forget': (req: { importId: number }) => Promise<Result<null>>;
}

export type Channel = keyof SluiceApi;
export type RequestOf<C extends Channel> = Parameters<SluiceApi[C]>[0];
export type ResponseOf<C extends Channel> = Awaited<ReturnType<SluiceApi[C]>> extends Result<infer T> ? T : never;

export const API_CHANNELS = [
  'app/info',
  'files/recent',
  'files/open',
  'files/preview',
  'rules/preview',
  'rules/load',
  'rules/save',
  'rules/sql',
  'import/start',
  'import/resume',
  'import/control',
  'import/state',
  'imports/list',
  'quarantine/page',
  'quarantine/summary',
  'quarantine/retry',
  'quarantine/revalidate',
  'tables/list',
  'tables/page',
  'export/start',
  'grid/page',
  'grid/count',
  'grid/cancel',
  'grid/profile',
  'files/forget',
  'imports/hide',
  'import/plan',
  'imports/undo-preview',
  'imports/undo',
  'imports/forget',
] as const satisfies readonly Channel[];

// Fails to compile when a channel is missing from API_CHANNELS.
type MissingChannels = Exclude<Channel, (typeof API_CHANNELS)[number]>;
export const ALL_CHANNELS_LISTED: MissingChannels extends never ? true : never = true;

// ---- events (main → UI) ----

export interface SluiceEvents {
  'import/progress': ImportProgress;
  'import/finished': ImportSummary;
  'export/progress': { path: string; rowsWritten: number; totalRows: number };
  /** The shell opened a file for the user (menu, dock, second launch with a path). */
  'app/open-file': { path: string };
}

export type EventName = keyof SluiceEvents;
export const EVENT_NAMES = ['import/progress', 'import/finished', 'export/progress', 'app/open-file'] as const satisfies readonly EventName[];

export interface EventMessage<E extends EventName = EventName> {
  event: E;
  data: SluiceEvents[E];
}

// ---- the Electron preload's bridge (window.sluiceBridge) ----

/** Named functions only: one per channel, plus the shell's native helpers. Absent in browser mode. */
export interface SluiceBridge {
  api: { [C in Channel]: SluiceApi[C] };
  onEvent(listener: (message: EventMessage) => void): () => void;
  /** The path of a file dropped on the window (a DOM File), or '' when it has none. */
  pathForFile(file: unknown): string;
  showOpenDialog(request: { kind: 'data' | 'rules' }): Promise<string | null>;
  showSaveDialog(request: { defaultPath: string; kind: 'csv' | 'jsonl' | 'rules' }): Promise<string | null>;
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (API_CHANNELS as readonly string[]).includes(value);
}
