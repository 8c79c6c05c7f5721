/**
 * The one contract between the UI and the app service. Electron IPC and the
 * browser mode's HTTP API both carry exactly these channels and events, so the
 * renderer's `api` module is the only place that knows which transport it uses.
 * The renderer imports this file type-only; `API_CHANNELS` is the runtime list
 * the transports use to refuse anything else.
 */

import type { SluiceErrorCode } from '../engine/errors.js';
import type { FailurePolicy, ImportCounters, ImportProgress, ImportStatus, RowFailure } from '../engine/types.js';
import type { FailureGroup } from '../engine/rules/preview.js';
import type { RuleProblem } from '../engine/rules/model.js';
import type { TablePage, TablePageQuery } from '../engine/store/table-browser.js';
import type { ColumnFilter, GridColumn, GridColumnType, GridQuery } from '../engine/store/table-filter.js';
import type { GridCount, GridPage } from '../engine/store/table-query.js';
import type { ColumnProfile } from '../engine/store/column-profile.js';
import type { ImportPlanSummary } from '../engine/pipeline/import-plan.js';
import type { UndoResult } from '../engine/history/undo.js';
import type { DropTableSummary } from '../engine/store/drop-table.js';
import type { LogEntry, LogLevelName } from '../engine/observe/log-records.js';
import type { ImportTrace, StageTime, TraceSample } from '../engine/observe/import-trace.js';
import type { WarningGroup } from '../engine/observe/warning-records.js';

export type { ImportTrace, LogEntry, LogLevelName, StageTime, TraceSample, WarningGroup };

// The engine's shapes, re-exported type-only: the UI sees exactly what the engine produces, declared once.
export type { FailureGroup, ImportCounters, ImportProgress, ImportStatus, RowFailure, RuleProblem, TablePage };
export type FailureMode = FailurePolicy;
export type TablePageRequest = TablePageQuery;
export type { ColumnFilter, ColumnProfile, GridColumn, GridColumnType, GridCount, GridPage, GridQuery };
export type { DropTableSummary };

/** The engine's codes plus the app layer's own (a malformed request, a file never opened, an import already running). */
export type ErrorCode = SluiceErrorCode | 'BAD_REQUEST' | 'NOT_OPENED' | 'NOT_ALLOWED' | 'IMPORT_RUNNING' | 'NOT_AVAILABLE' | 'PREVIEW_TIMEOUT';

export interface AppError {
  code: ErrorCode | string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

// The app's own request and answer shapes, declared in their own module.
export * from './contract-shapes.js';
import type {
  ImportSummary,
  DialectOverrides,
  AppInfo,
  RecentFile,
  OpenedFile,
  FilePreview,
  RulesPreview,
  StartImportRequest,
  StartedImport,
  ImportListItem,
  ImportState,
  QuarantinedRow,
  QuarantineStatusFilter,
  QuarantineFacets,
  QuarantineRowDetail,
  BulkFixRequest,
  QuarantineFixResult,
  QuarantineRetryResult,
  QuarantinePageRequest,
  Page,
  RetryOutcome,
  TableInfo,
  ExportRequest,
  ExportResult,
} from './contract-shapes.js';

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
  'quarantine/revalidate': (req: { importId: number; draft?: unknown }) => Promise<Result<QuarantineRetryResult>>;
  'quarantine/facets': (req: { importId: number; status?: QuarantineStatusFilter }) => Promise<Result<QuarantineFacets>>;
  'quarantine/row': (req: { id: number }) => Promise<Result<QuarantineRowDetail>>;
  /** Field-by-field editing: the row's text is rewritten in the import's dialect and retried. */
  'quarantine/edit': (req: { id: number; values: unknown[]; draft?: unknown }) => Promise<Result<RetryOutcome>>;
  'quarantine/fix': (req: BulkFixRequest) => Promise<Result<QuarantineFixResult>>;
  'quarantine/dismiss': (req: { importId: number; rule?: string; field?: string; rowNumber?: number; reason: string }) => Promise<Result<{ dismissed: number }>>;
  'tables/list': (req: Record<string, never>) => Promise<Result<TableInfo[]>>;
  'tables/page': (req: TablePageRequest) => Promise<Result<TablePage>>;
  /** What dropping a table would lose (rows, its quarantine, its undo data); changes nothing. */
  'tables/drop-preview': (req: { table: string }) => Promise<Result<DropTableSummary>>;
  /** Drops the table with its quarantine and undo data, after the user confirmed the preview's numbers. */
  'tables/drop': (req: { table: string }) => Promise<Result<DropTableSummary>>;
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
  /** An import's log lines after `afterSeq`, at `minLevel` or above. */
  'imports/log': (req: { importId: number; afterSeq?: number; minLevel?: LogLevelName }) => Promise<Result<LogEntry[]>>;
  /** Every run's trace (where the time went), oldest first. */
  'imports/trace': (req: { importId: number }) => Promise<Result<ImportTrace[]>>;
  /** Warned rows grouped by rule, with counts and example row numbers. */
  'imports/warnings': (req: { importId: number }) => Promise<Result<WarningGroup[]>>;
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
  'quarantine/facets',
  'quarantine/row',
  'quarantine/edit',
  'quarantine/fix',
  'quarantine/dismiss',
  'tables/list',
  'tables/page',
  'tables/drop-preview',
  'tables/drop',
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
  'imports/log',
  'imports/trace',
  'imports/warnings',
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
