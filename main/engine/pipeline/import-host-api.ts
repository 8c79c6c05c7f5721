import type { SerializedError } from '../errors.js';
import type { ImportProgress, ImportSummary, SourceProgress } from '../types.js';
import type { ImportOptions } from './import-options.js';

/** What the import host is started with (its workerData). */
export interface ImportHostData {
  options: ImportOptions;
  /** The chunk workers' entry file (a bundle or the compiled module, chosen by the spawning thread). */
  chunkWorkerUrl: string;
}

/** The main ⇄ import-host contract (the host runs one import in its own thread). */
export interface ImportHostApi {
  run(options: ImportOptions, events: ImportHostEvents): Promise<{ ok: true; summary: ImportSummary } | { ok: false; error: SerializedError }>;
  control(action: 'pause' | 'resume' | 'cancel'): void;
}

export interface ImportHostEvents {
  progress(progress: ImportProgress): void;
  started(info: { importId: number; table: string; resumed: boolean }): void;
  source(progress: SourceProgress): void;
  storeBusy(retries: number): void;
}
