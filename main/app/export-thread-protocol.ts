import type { FromJobThread } from './thread-job.js';
import type { ExportRequest, ExportResult } from './contract.js';

/** Messages between the app service and the thread that runs one export (export-thread.ts). */
export interface ExportThreadData {
  dbPath: string;
  /** Already validated, with `path` resolved to a writable target. */
  request: ExportRequest;
}

export type FromExportThread = FromJobThread<ExportResult, { rowsWritten: number; totalRows: number }>;
