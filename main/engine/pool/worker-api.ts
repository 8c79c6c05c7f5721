import type { ChunkJob, ChunkResult, WorkerConfig } from '../parse/chunk-types.js';

/** What a chunk worker exposes over comlink. */
export interface ChunkWorkerApi {
  configure(config: WorkerConfig): void;
  process(job: ChunkJob): ChunkResult;
}
