import os from 'node:os';
import type { WorkerPoolOptions } from '../pool/worker-pool.js';
import type { FailurePolicy, ImportProgress, SourceFormat, SourceProgress } from '../types.js';
import type { ImportControl } from './import-control.js';
import type { JsonApiSource } from '../source/remote/json-api.js';
import type { ResilienceSettings } from '../source/resilience.js';
import type { OnDuplicate } from '../store/import-records.js';
import type { ImportPlanSummary } from './import-plan.js';

export interface ImportOptions {
  sourcePath: string;
  dbPath: string;
  /** Default: the file's base name, lower-cased, non-alphanumerics as '_'. */
  table?: string;
  /** A rule file (Table Schema JSON) already read, or a path to one. */
  schema?: unknown;
  schemaPath?: string;
  key?: string[];
  format?: SourceFormat;
  delimiter?: string;
  hasHeader?: boolean;
  encoding?: string;
  workers?: number;
  /** Target rows per batch; converted to a byte size from the sample's average row width. */
  batchRows?: number;
  resume?: boolean;
  restart?: boolean;
  /** Import a file again whose content is already in the table (the re-import guard stands aside). */
  append?: boolean;
  /** Undo the earlier import of the same content first, then import it again. */
  replace?: boolean;
  /** A key repeated within the import: the last row wins (default), the first one, or the repeat is quarantined. */
  onDuplicate?: OnDuplicate;
  /** Absent on a resume: the import's stored policy applies. */
  failure?: FailurePolicy;
  redact?: boolean;
  /** URL sources: request headers (values are never stored, logged or shown). */
  headers?: Record<string, string>;
  /** URL sources: bytes this run may take from the source (as transferred); past it the import stops, resumable. */
  maxBytes?: number;
  /** A paginated JSON API (the source is its first page's URL). */
  jsonApi?: JsonApiSource;
  /** The retry policy for network requests and a busy store (defaults: DEFAULT_RESILIENCE). */
  resilience?: Partial<ResilienceSettings>;
  /** Advanced: limits, mostly for tests. */
  maxRecordBytes?: number;
  chunkTimeoutMs?: number;
  maxWorkerHeapMb?: number;
}

export interface ImportHooks {
  control?: ImportControl;
  onProgress?: (progress: ImportProgress) => void;
  /** Progress of a spooled source while it is downloaded or read (before the import has an id). */
  onSource?: (progress: SourceProgress) => void;
  /** What "-" reads (the CLI's standard input). */
  stdin?: AsyncIterable<Uint8Array>;
  /** Called once the import has an id (before any row is read). */
  onStart?: (info: { importId: number; table: string; resumed: boolean; plan?: ImportPlanSummary }) => void;
  /** Called each time a write to the store is tried again because another program or import holds it (`retries`: so far, this run). */
  onStoreBusy?: (retries: number) => void;
}

/**
 * Rows per worker batch. Measured on the 2-core build machine: ~1,000-row
 * batches cost workers about 20% less CPU than 8,192-row ones (less of each
 * batch survives into V8's old generation), and the writer still commits
 * several ready batches per transaction.
 */
export const DEFAULT_BATCH_ROWS = 1000;
/** Bounds so a batch neither floods memory nor loses its per-call savings. */
export const MIN_CHUNK_BYTES = 32 * 1024;
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** A batch normally takes well under a second; two minutes means a hung worker. SLUICE_CHUNK_TIMEOUT_MS overrides it (tests). */
export const DEFAULT_CHUNK_TIMEOUT_MS = Number(process.env.SLUICE_CHUNK_TIMEOUT_MS) || 120_000;
/** Room for one record up to the size limit, decoded and parsed; the pool replaces a worker that runs out. */
export const DEFAULT_MAX_WORKER_HEAP_MB = 512;
/** Batches handed out per worker before the reader waits: enough to keep workers busy, bounded for memory. */
export const IN_FLIGHT_PER_WORKER = 4;
/** Ready batches committed together in one transaction. */
export const MAX_CHUNKS_PER_COMMIT = 16;

/**
 * More worker threads than this only cost memory (each one loads the parser and rules, ~10 MB):
 * `--workers 100000` had the process killed for running out of memory.
 */
export const MAX_WORKERS = 64;

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

/** The worker pool an import runs on; a host thread may launch it before it loads the rest of the pipeline. */
export function poolOptionsFor(options: ImportOptions): WorkerPoolOptions {
  return {
    size: Math.min(MAX_WORKERS, Math.max(1, options.workers ?? defaultWorkerCount())),
    chunkTimeoutMs: options.chunkTimeoutMs ?? DEFAULT_CHUNK_TIMEOUT_MS,
    maxHeapMb: options.maxWorkerHeapMb ?? DEFAULT_MAX_WORKER_HEAP_MB,
  };
}
