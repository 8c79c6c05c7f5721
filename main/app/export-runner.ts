import type { ExportRequest, ExportResult } from './contract.js';
import type { ExportThreadData } from './export-thread-protocol.js';
import { runThreadJob } from './thread-job.js';

const THREAD_URL = new URL('./export-thread.js', import.meta.url);

/** Runs one export in a worker thread and relays its progress; resolves with what it wrote. */
export function runExport(dbPath: string, request: ExportRequest, onProgress: (progress: { rowsWritten: number; totalRows: number }) => void): Promise<ExportResult> {
  return runThreadJob(THREAD_URL, { dbPath, request } satisfies ExportThreadData, 'export', onProgress);
}
