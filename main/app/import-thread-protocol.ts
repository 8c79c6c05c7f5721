import type { ImportOptions } from '../engine/pipeline/import-options.js';
import type { AppError, ImportProgress, ImportSummary, StartedImport } from './contract.js';

/** Messages between the app service and the thread that hosts one import (import-thread.ts). */
export interface ImportThreadData {
  options: ImportOptions;
  /** The chunk workers' entry file (a bundle or the compiled module, chosen by the spawning thread). */
  chunkWorkerUrl: string;
}

export type ToImportThread = { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };

export type FromImportThread =
  | { type: 'started'; info: StartedImport }
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'finished'; summary: ImportSummary }
  /** The import could not start (nothing was recorded). */
  | { type: 'refused'; error: AppError };
