import type { AppError, ExportRequest, ExportResult } from './contract.js';

/** Messages between the app service and the thread that runs one export (export-thread.ts). */
export interface ExportThreadData {
  dbPath: string;
  /** Already validated, with `path` resolved to a writable target. */
  request: ExportRequest;
}

export type FromExportThread =
  | { type: 'progress'; progress: { rowsWritten: number; totalRows: number } }
  | { type: 'finished'; result: ExportResult }
  | { type: 'failed'; error: AppError };
