import type { ChunkJob, ChunkResult, WorkerConfig } from '../parse/chunk-types.js';

/** What a chunk worker exposes over comlink. */
export interface ChunkWorkerApi {
  configure(config: WorkerConfig): void;
  process(job: ChunkJob): ChunkResult;
  /** CPU the worker thread has used (user + system, ms), read by the thread itself; null where unknown. */
  threadCpuMs(): number | null;
  /** Closes the worker's scratch file (if any), so no handle to it outlives the pool. */
  closeScratch(): void;
}
