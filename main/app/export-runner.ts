import { Worker } from 'node:worker_threads';
import { AppFailure } from './app-failure.js';
import type { ErrorCode, ExportRequest, ExportResult } from './contract.js';
import type { ExportThreadData, FromExportThread } from './export-thread-protocol.js';

const THREAD_URL = new URL('./export-thread.js', import.meta.url);

/** Runs one export in a worker thread and relays its progress; resolves with what it wrote. */
export function runExport(dbPath: string, request: ExportRequest, onProgress: (progress: { rowsWritten: number; totalRows: number }) => void): Promise<ExportResult> {
  const worker = new Worker(THREAD_URL, { workerData: { dbPath, request } satisfies ExportThreadData });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    worker.on('message', (message: FromExportThread) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'finished') settle(() => resolve(message.result));
      else settle(() => reject(new AppFailure(message.error.code as ErrorCode, message.error.message)));
    });
    worker.on('error', (error) => settle(() => reject(new AppFailure('WORKER_FAILED', `The export thread stopped: ${error.message}`))));
    worker.on('exit', () => settle(() => reject(new AppFailure('WORKER_FAILED', 'The export thread exited before the export finished.'))));
  });
}
