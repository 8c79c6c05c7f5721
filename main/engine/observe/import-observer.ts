import type { ChunkResult } from '../parse/chunk-types.js';
import type { WorkerFailure } from '../pool/worker-pool.js';
import type { ImportRecord } from '../store/import-records.js';
import type { Store } from '../store/store.js';
import type { TableWriter } from '../store/table-writer.js';
import type { ImportCounters, ImportStatus } from '../types.js';
import { ImportLog } from './import-log.js';
import { LogRecords } from './log-records.js';
import { ImportOwners } from './import-owner.js';
import { TraceRecorder, type ThreadStage } from './import-trace.js';
import { TraceRecords } from './trace-records.js';

/** The log of the import this thread runs (an import thread runs one import), or null. */
let threadImportLog: ImportLog | null = null;

/**
 * For code deep in the pipeline that has no observer at hand (a source's
 * retries and circuit breaker, say): log through the running import's log.
 * Lines logged before the import has an id are kept and written once it has one.
 */
export function currentImportLog(): ImportLog | null {
  return threadImportLog;
}

/** How often a running import's trace is saved, so a killed import still has one. */
export const TRACE_SAVE_INTERVAL_MS = 2000;

/** What the import was asked to do, for the log's explanation of its decisions. */
export interface ObservedOptions {
  format?: string | undefined;
  delimiter?: string | undefined;
  hasHeader?: boolean | undefined;
  encoding?: string | undefined;
  schemaPath?: string | undefined;
  schema?: unknown;
  restart?: boolean | undefined;
  failure?: unknown;
  /** The import plan (what it does to its table), when the pipeline made one. */
  plan?: { action: string; message: string; key: string[] | null; addColumns: string[]; replaces: number | null; restarts: number | null };
}

/**
 * Everything run-import reports about itself: the structured log, the trace
 * and the owner record. One object, so the pipeline needs a line per event.
 */
export class ImportObserver {
  readonly log = new ImportLog();

  constructor() {
    threadImportLog = this.log;
  }

  private trace: TraceRecorder | null = null;
  private traces: TraceRecords | null = null;
  private importId: number | null = null;
  private lastSaveMs = performance.now();
  private latestCounters: ImportCounters | null = null;
  /** Saves the trace while the import waits (a hung worker, a pause), when no commit would. */
  private saveTimer: NodeJS.Timeout | null = null;

  /** Called once the import has an id: claims it for this process, starts its trace and logs the plan. */
  attach(store: Store, record: ImportRecord, resumed: boolean, workers: number, options: ObservedOptions): void {
    this.importId = record.id;
    this.log.attach(store.db, record.id);
    try {
      new ImportOwners(store.db).claim(record.id);
      this.traces = new TraceRecords(store.db);
      this.trace = new TraceRecorder(this.traces.nextRun(record.id), workers, {
        rows: record.counters.rowsRead,
        bytes: record.counters.bytesRead,
      });
    } catch {
      this.trace = new TraceRecorder(1, workers);
    }
    const dialect = record.layout.dialect;
    const chosen = (given: unknown) => (resumed ? 'kept from the first run' : given !== undefined ? 'given' : 'detected');
    this.log.info('start', 'start', `${resumed ? 'resuming' : 'starting'} import #${record.id} of ${record.sourcePath} into table "${record.table}"`, {
      source: record.sourcePath,
      table: record.table,
      resumed,
      run: this.trace.run,
      pid: process.pid,
    });
    this.log.info('plan', 'dialect', describeDialect(dialect), {
      format: dialect.format,
      formatWas: chosen(options.format),
      delimiter: dialect.delimiter,
      delimiterWas: chosen(options.delimiter),
      ...(dialect.format === 'csv' && !resumed && options.delimiter === undefined ? { delimiterWhy: delimiterReason(record.sourcePath) } : {}),
      hasHeader: dialect.hasHeader,
      headerWas: chosen(options.hasHeader),
      ...(dialect.format === 'csv' && !resumed && options.hasHeader === undefined
        ? { headerWhy: dialect.hasHeader ? 'the first line holds distinct, name-like cells' : 'the first line looks like data (a number, date or similar value, or mostly repeated cells)' }
        : {}),
      newline: JSON.stringify(dialect.newline),
      columns: record.layout.columns.length,
    });
    this.log.info('plan', 'encoding', `encoding ${dialect.encoding}: ${dialect.encodingReason}`, {
      encoding: dialect.encoding,
      encodingWas: chosen(options.encoding),
      reason: dialect.encodingReason,
      bomBytes: dialect.bomBytes,
    });
    const rules = record.schema as { fields?: unknown[]; 'sluice:rowRules'?: unknown[] } | null;
    this.log.info('plan', 'plan', resumed ? `continuing at byte ${record.nextByteOffset}, row ${record.nextRowNumber}` : 'importing from the start', {
      workers,
      chunkBytes: record.options.chunkBytes,
      maxRecordBytes: record.options.maxRecordBytes,
      startOffset: record.nextByteOffset,
      totalBytes: record.fingerprint.size,
      key: record.options.key,
      redact: record.options.redact,
      createdTable: record.createdTable,
      ruleFile: options.schemaPath ?? (rules ? 'from the app' : null),
      ruleFields: rules?.fields?.length ?? 0,
      rowRules: rules?.['sluice:rowRules']?.length ?? 0,
      failurePolicy: (options.failure ?? { mode: 'soft', maxErrors: null }) as Record<string, unknown>,
      restart: options.restart === true,
      ...(options.plan
        ? { action: options.plan.action, upsertKey: options.plan.key, addColumns: options.plan.addColumns, replaces: options.plan.replaces, restarts: options.plan.restarts, planMessage: options.plan.message }
        : {}),
    });
    this.log.info('status', 'status', 'status: running', { status: 'running' });
    if (options.restart || options.plan?.restarts) logSuperseded(store, record, options.plan?.restarts ?? null);
    this.latestCounters = { ...record.counters };
    this.saveTimer = setInterval(() => {
      if (performance.now() - this.lastSaveMs < TRACE_SAVE_INTERVAL_MS || !this.latestCounters) return;
      this.lastSaveMs = performance.now();
      this.saveTrace(this.latestCounters);
    }, TRACE_SAVE_INTERVAL_MS);
    // The timer must never keep a finished thread alive.
    this.saveTimer.unref();
  }

  get active(): boolean {
    return this.importId !== null;
  }

  /** A worker crashed, hung or threw; the pool replaced it and the runner retries the batch. Its message may quote data, so only the reason is logged for a throw. */
  workerFailure(failure: WorkerFailure): void {
    const what = failure.reason === 'threw' ? 'a worker threw an error' : failure.reason === 'timeout' ? 'a worker hung' : `a worker crashed (${failure.message})`;
    this.log.warn('parse', 'worker-failed', `${what}; the pool replaced it and the work is retried (a batch that fails twice is split into single rows; a row that fails alone is quarantined)`, {
      reason: failure.reason,
    });
  }

  paused(paused: boolean): void {
    this.log.info('status', 'status', paused ? 'status: paused' : 'status: running (resumed after a pause)', { status: paused ? 'paused' : 'running' });
  }

  cancelRequested(): void {
    this.log.info('control', 'cancel', 'cancel requested: finishing the batches in flight');
  }

  /** Wraps the reader so the time spent waiting for the next batch of source bytes is traced. */
  async *timedChunks<T>(chunks: AsyncIterable<T>): AsyncGenerator<T> {
    const iterator = chunks[Symbol.asyncIterator]();
    for (;;) {
      const start = performance.now();
      const next = await iterator.next();
      this.trace?.add('read', performance.now() - start);
      if (next.done) return;
      yield next.value;
    }
  }

  /** Times every row write of the table writer (inside the commit transaction) as the 'write' stage. */
  timeWrites(writer: TableWriter): void {
    const write = writer.write.bind(writer);
    let writeMs = 0;
    const timed = <T>(run: () => T): T => {
      const start = performance.now();
      try {
        return run();
      } finally {
        const ms = performance.now() - start;
        writeMs += ms;
        this.trace?.add('write', ms);
      }
    };
    const writeScratch = writer.writeScratch.bind(writer);
    writer.write = (...args: Parameters<TableWriter['write']>) => timed(() => write(...args));
    writer.writeScratch = (...args: Parameters<TableWriter['writeScratch']>) => timed(() => writeScratch(...args));
    this.writtenMs = () => writeMs;
  }

  private writtenMs: () => number = () => 0;

  add(stage: ThreadStage, ms: number): void {
    this.trace?.add(stage, ms);
  }

  /** Times one commit; the part spent writing rows is already counted as 'write'. */
  timedCommit<T>(commit: () => T): T {
    const start = performance.now();
    const writtenBefore = this.writtenMs();
    try {
      return commit();
    } finally {
      this.trace?.add('commit', performance.now() - start - (this.writtenMs() - writtenBefore));
      this.trace?.countCommit();
    }
  }

  /** Which write path the import runs (write-path.ts), kept in its trace. */
  writePath(path: 'direct' | 'scratch'): void {
    if (this.trace) this.trace.writePath = path;
  }

  /** Each thread's own CPU reading, taken as the workers end; saved with the trace at finish. */
  threadCpu(importThreadMs: number | undefined, workersMs: readonly number[]): void {
    this.trace?.threadCpu(importThreadMs, workersMs);
  }

  batchDone(dispatchedMs: number, result: ChunkResult): void {
    this.trace?.batchDone(dispatchedMs, result.worker, result.busyMs);
  }

  /** After each commit: a rate sample, and the trace saved every few seconds. */
  committed(counters: ImportCounters, inFlight: number, ready: number): void {
    if (!this.trace || this.importId === null) return;
    this.latestCounters = counters;
    this.trace.sample(counters.rowsRead, counters.bytesRead, inFlight, ready);
    if (performance.now() - this.lastSaveMs < TRACE_SAVE_INTERVAL_MS) return;
    this.lastSaveMs = performance.now();
    this.saveTrace(counters);
  }

  /** The import's outcome: the final status and counters in the log, the whole run's trace saved. */
  finish(status: ImportStatus, counters: ImportCounters, error: { code: string; message: string } | null): void {
    if (this.saveTimer) clearInterval(this.saveTimer);
    this.saveTimer = null;
    if (!this.trace || this.importId === null) return;
    this.trace.sample(counters.rowsRead, counters.bytesRead, 0, 0, true);
    this.trace.finish();
    this.saveTrace(counters);
    const level = status === 'failed' ? 'error' : status === 'cancelled' ? 'warn' : 'info';
    this.log[level]('status', 'status', `status: ${status}${error ? ` (${error.code}: ${error.message})` : ''}`, {
      status,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    });
    const trace = this.trace.snapshot(counters.rowsRead, counters.bytesRead);
    this.log.info('finish', 'finish', `finished (${status}) after ${trace.wallMs} ms: ${counters.rowsRead} rows read, ${counters.rowsInserted} inserted, ${counters.rowsUpdated} updated, ${counters.rowsQuarantined} quarantined, ${counters.rowsWarned} warned`, {
      status,
      counters: { ...counters },
      wallMs: trace.wallMs,
      stages: Object.fromEntries(trace.stages.map((stage) => [stage.stage, stage.busyMs])),
    });
    this.log.detach();
    if (threadImportLog === this.log) threadImportLog = null;
  }

  private saveTrace(counters: ImportCounters): void {
    try {
      this.traces?.save(this.importId!, this.trace!.snapshot(counters.rowsRead, counters.bytesRead));
    } catch {
      // A trace that cannot be saved (store full) must not fail the import.
    }
  }
}

function describeDialect(dialect: ImportRecord['layout']['dialect']): string {
  if (dialect.format === 'jsonl') return 'JSON lines';
  const delimiter = dialect.delimiter === '\t' ? 'tab' : JSON.stringify(dialect.delimiter);
  return `CSV, delimiter ${delimiter}, ${dialect.hasHeader ? 'with' : 'without'} a header row, records end with ${JSON.stringify(dialect.newline)}`;
}

/** A --restart replaced an unfinished import: that import's log says so, and by which one. */
function logSuperseded(store: Store, record: ImportRecord, restarted: number | null): void {
  try {
    const previous = restarted !== null ? { id: restarted } : store.db
      .prepare(`SELECT id FROM _sluice_imports WHERE source_path = ? AND table_name = ? AND status = 'superseded' AND id < ? ORDER BY id DESC LIMIT 1`)
      .get(record.sourcePath, record.table, record.id) as { id: number } | undefined;
    if (!previous) return;
    const logged = new LogRecords(store.db).page(previous.id, { minLevel: 0 }).some((entry) => entry.fields.status === 'superseded');
    if (logged) return;
    const log = new ImportLog();
    log.attach(store.db, previous.id);
    log.info('status', 'status', `status: superseded (replaced by import #${record.id}, --restart)`, { status: 'superseded', replacedBy: record.id });
    log.detach();
  } catch {
    // Only the old import's log would miss a line.
  }
}

/** How sniffing picks a delimiter (main/engine/source/sniff.ts), said in the log so a wrong guess can be understood. */
function delimiterReason(sourcePath: string): string {
  const extension = sourcePath.slice(sourcePath.lastIndexOf('.')).toLowerCase();
  if (extension === '.tsv' || extension === '.psv') return `the file's extension (${extension})`;
  return 'of the candidates, the one that splits the most sample lines into the same number (2 or more) of fields';
}
