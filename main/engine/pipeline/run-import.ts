import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { SluiceError, serializeError } from '../errors.js';
import { Store } from '../store/store.js';
import { mapSqliteError } from '../store/sqlite-errors.js';
import { TableWriter } from '../store/table-writer.js';
import { WorkerPool } from '../pool/worker-pool.js';
import { openSource } from '../source/open-source.js';
import { readChunks } from '../source/chunk-reader.js';
import { createDecoder } from '../source/encoding.js';
import type { ChunkResult } from '../parse/chunk-types.js';
import type { ImportStatus, ImportSummary } from '../types.js';
import { BatchCommitter } from './batch-committer.js';
import { ChunkRunner, type ChunkPlace } from './chunk-runner.js';
import { ImportControl } from './import-control.js';
import {
  IN_FLIGHT_PER_WORKER,
  MAX_CHUNKS_PER_COMMIT,
  type ImportHooks,
  type ImportOptions,
  poolOptionsFor,
} from './import-options.js';
import { prepareSource, type PreparedSource } from '../source/prepare-source.js';
import { removeSpool } from '../source/spool.js';
import { StoreRetry } from './store-retry.js';
import { planImport, type ImportPlan } from './plan-import.js';
import { hashWholeFile } from './import-plan.js';
import { ProgressMeter } from './progress.js';
import { workerConfigFor } from './worker-config.js';
import { faithfulnessNotes } from './faithfulness-notes.js';
import { ImportObserver } from '../observe/import-observer.js';
import { THREAD_CPU_REPORTING, readThreadCpuMs } from '../observe/thread-cpu.js';
import { ScratchArea } from '../store/scratch-area.js';
import { chooseWritePath } from './write-path.js';
import { writtenColumnsLookup } from '../store/absent-keys.js';
import { checkFinished, failurePolicyOf, readPrefix } from './import-checks.js';

interface InFlight {
  place: ChunkPlace;
  dispatchedMs: number;
  result: Promise<ChunkResult>;
  /** Set once the worker has answered, so ready chunks can join the same commit. */
  ready: ChunkResult | null;
}

/**
 * Imports a CSV/JSONL file into a table of a store: streams it in chunks
 * through the worker pool and commits results in source order. Throws a
 * SluiceError when the import cannot start; once it has an id, every outcome
 * (including failures) is returned as a summary and recorded in the store.
 * `launchedPool` (from WorkerPool.launch with poolOptionsFor(options)) is
 * taken over and closed; without it the import launches its own.
 */
export async function runImport(options: ImportOptions, hooks: ImportHooks = {}, launchedPool?: WorkerPool): Promise<ImportSummary> {
  const startedAt = performance.now();
  const control = hooks.control ?? new ImportControl();
  // Worker threads take a while to load their code; they do it while the store is opened and the import planned.
  const pool = launchedPool ?? WorkerPool.launch(poolOptionsFor(options));
  const workers = pool.size;
  const observer = new ImportObserver();
  let store: Store;
  let source: PreparedSource | null = null;
  // A busy store is logged once the wait is over (a line written while it is busy would be lost), and counted with the import.
  const storeRetry = new StoreRetry(options.resilience, {
    ...(hooks.onStoreBusy ? { retrying: hooks.onStoreBusy } : {}),
    settled: (episode) => {
      const tries = `${episode.retries} ${episode.retries === 1 ? 'retry' : 'retries'}`;
      const msg = episode.recovered
        ? `the store was busy (another program or import was writing to it); went on after ${tries}, ${episode.waitedMs} ms`
        : `the store stayed busy (another program or import holds it); gave up after ${tries}, ${episode.waitedMs} ms`;
      observer.log.warn('store', 'busy', msg, { retries: episode.retries, waitedMs: episode.waitedMs, recovered: episode.recovered });
    },
  });
  let plan: ImportPlan;
  try {
    store = await storeRetry.open(options.dbPath);
  } catch (error) {
    await pool.close();
    throw error;
  }
  try {
    // Sources that cannot seek (stdin, URLs, APIs, compressed files) are spooled first, then read like a file.
    source = await prepareSource(options, {
      signal: control.signal,
      ...(hooks.stdin ? { stdin: hooks.stdin } : {}),
      hasUnfinished: (identity, table) => store.imports.latestUnfinished(identity, table) !== null,
      ...(hooks.onSource ? { onProgress: hooks.onSource } : {}),
    });
    const prepared = source;
    const format = options.format ?? prepared.format;
    // Planning writes the import's record in one transaction; a busy store is waited for like a commit.
    plan = await storeRetry.whileBusy(() => planImport(
      {
        ...options,
        sourcePath: prepared.identity,
        table: prepared.table,
        ...(format ? { format } : {}),
        // A spool whose import never got a record (stopped while downloading) starts its import now.
        resume: options.resume === true && (!prepared.spool || store.imports.latestUnfinished(prepared.identity, prepared.table) !== null),
      },
      store,
      prepared.readPath,
    ));
  } catch (error) {
    store.close();
    await pool.close();
    if (source?.spool && error instanceof SluiceError && error.code === 'NOT_TEXT') removeSpool(source.spool);
    throw error instanceof SluiceError ? error : mapSqliteError(error, options.dbPath);
  }
  const readPath = source.readPath;
  const sourceProgress = source.progress;
  const { record, spec } = plan;
  observer.attach(store, record, plan.resumed, workers, { ...options, failure: failurePolicyOf(options, record), plan: plan.summary });
  control.signal.addEventListener('abort', () => observer.cancelRequested(), { once: true });
  hooks.onStart?.({ importId: record.id, table: record.table, resumed: plan.resumed, plan: plan.summary });

  const failure = failurePolicyOf(options, record);
  const retriesBefore = record.counters.storeRetries ?? 0;
  // bytesRead starts at the data's offset (BOM and header count as read), so the total is the whole file.
  const totalBytes = record.fingerprint.size;
  const onProgress = hooks.onProgress;
  const meter = new ProgressMeter(
    record.id,
    totalBytes,
    startedAt,
    onProgress && sourceProgress ? (progress) => onProgress({ ...progress, source: sourceProgress }) : onProgress,
  );
  const activeMsBefore = record.activeMs;
  const activeMs = () => activeMsBefore + (performance.now() - startedAt);

  let status: ImportStatus = 'running';
  let stopError: SluiceError | null = null;
  let handle: fs.promises.FileHandle | null = null;
  let committer: BatchCommitter | null = null;
  let scratchArea: ScratchArea | null = null;
  let writePath = chooseWritePath(workers);
  const inFlight: InFlight[] = [];
  const contentHash = createHash('sha256');
  let hashedBytes = 0;

  try {
    if (spec.columns.length === 0) {
      // Nothing but a BOM or blank lines: every byte is accounted for, so the import reads as whole (100%), not stuck.
      store.imports.saveCheckpoint(record.id, { ...record, nextByteOffset: totalBytes, counters: { ...record.counters, bytesRead: totalBytes } });
      record.counters.bytesRead = totalBytes;
      status = 'completed';
      return finish();
    }
    handle = await openSource(readPath);
    const fd = handle.fd;
    const decoder = createDecoder(record.layout.dialect.encoding);
    const writer = new TableWriter(store.db, plan.writerSpec, { importId: record.id, onDuplicate: record.options.onDuplicate ?? 'last', writtenBy: () => writtenColumnsLookup(store.imports.forTable(record.table)) });
    observer.timeWrites(writer);
    if (writePath === 'scratch') scratchArea = ScratchArea.tryCreate();
    // No scratch directory to be had (a read-only or full temp folder): the writer binds the values itself.
    if (!scratchArea) writePath = 'direct';
    observer.writePath(writePath);
    // The content hash (the re-import guard's evidence) is computed from the bytes as they are read; a resume first re-reads what came before.
    contentHash.update(await readPrefix(handle, record.nextByteOffset));
    hashedBytes = record.nextByteOffset;
    committer = new BatchCommitter(
      store,
      record.id,
      writer,
      {
        nextByteOffset: record.nextByteOffset,
        nextRowNumber: record.nextRowNumber,
        nextLine: record.nextLine,
        nextChunkSeq: record.nextChunkSeq,
        counters: record.counters,
        activeMs: record.activeMs,
      },
      failure,
      (byteOffset, byteLength) => {
        const bytes = Buffer.alloc(byteLength);
        fs.readSync(fd, bytes, 0, byteLength, byteOffset);
        return decoder.decode(bytes).replace(/\r?\n$/, '');
      },
      scratchArea,
    );
    await pool.configure({ ...workerConfigFor(record), absentKeys: plan.absentKeys, scratch: scratchArea ? { ...scratchArea.config, keys: writer.keyFactsSpec, layout: writer.slotLayout } : null });
    const runner = new ChunkRunner(pool, record.layout.dialect, fd, plan.writerSpec.columns.length, (failure) => observer.workerFailure(failure));
    const maxInFlight = workers * IN_FLIGHT_PER_WORKER;
    const activeCommitter = committer;

    // Commits the oldest chunk, together with the chunks right behind it that are already done.
    const commitHead = async (): Promise<void> => {
      const head = inFlight.shift()!;
      const waitStartMs = performance.now();
      const headResult = await head.result;
      observer.add('wait-workers', performance.now() - waitStartMs);
      const batches = [{ result: headResult, startOffset: head.place.startOffset }];
      while (batches.length < MAX_CHUNKS_PER_COMMIT && inFlight[0]?.ready) {
        const next = inFlight.shift()!;
        batches.push({ result: next.ready!, startOffset: next.place.startOffset });
      }
      stopError = await storeRetry.whileBusy(() => observer.timedCommit(() => activeCommitter.commit(batches, activeMs())));
      // Kept with the counters, so the next checkpoint stores it (and finish() stores the last of it).
      if (storeRetry.retries > 0) activeCommitter.counters.storeRetries = retriesBefore + storeRetry.retries;
      meter.update(status, activeCommitter.counters, inFlight.length);
      observer.committed(activeCommitter.counters, inFlight.length, inFlight.filter((entry) => entry.ready).length);
    };

    const chunks = observer.timedChunks(readChunks(handle, record.layout.dialect, {
      startOffset: record.nextByteOffset,
      chunkBytes: record.options.chunkBytes,
      maxRecordBytes: record.options.maxRecordBytes,
    }));
    meter.update(status, committer.counters, 0, true);
    for await (const chunk of chunks) {
      if (control.paused) {
        meter.update('paused', committer.counters, inFlight.length, true);
        observer.paused(true);
        const pausedAtMs = performance.now();
        await control.waitWhilePaused();
        observer.add('paused', performance.now() - pausedAtMs);
        observer.paused(false);
        meter.update(status, committer.counters, inFlight.length, true);
      }
      if (control.signal.aborted || stopError) break;
      if (chunk.kind === 'records') {
        contentHash.update(chunk.bytes);
        hashedBytes += chunk.bytes.byteLength;
      } else {
        hashedBytes = Number.NaN;
      }
      const place = runner.place(chunk);
      const entry: InFlight = { place, dispatchedMs: performance.now(), result: runner.run(chunk), ready: null };
      entry.result.then(
        (result) => {
          entry.ready = result;
          observer.batchDone(entry.dispatchedMs, result);
        },
        () => undefined,
      );
      inFlight.push(entry);
      while (inFlight.length >= maxInFlight && !stopError) await commitHead();
      if (stopError) break;
    }
    // Cancelling still commits what is already in flight: that work is done and consistent.
    while (inFlight.length > 0 && !stopError) await commitHead();

    if (stopError) {
      status = 'failed';
    } else if (control.signal.aborted) {
      status = 'cancelled';
    } else {
      stopError = await checkFinished(readPath, record.fingerprint, committer);
      status = stopError ? 'failed' : 'completed';
      if (status === 'completed') {
        // A read that skipped bytes (an oversized record is never held whole) is hashed again in one pass.
        const digest = hashedBytes === record.fingerprint.size ? contentHash.digest('hex') : await hashWholeFile(readPath);
        store.imports.setContentHash(record.id, digest);
      }
    }
  } catch (error) {
    status = 'failed';
    stopError = error instanceof SluiceError ? error : mapSqliteError(error, options.dbPath);
  } finally {
    // Outstanding batches are abandoned (their rows stay uncommitted, the checkpoint is before them).
    await Promise.allSettled(inFlight.map((entry) => entry.result));
    await pool.close();
    const importThreadCpuMs = readThreadCpuMs();
    observer.threadCpu(importThreadCpuMs, pool.workerCpuMs);
    if (THREAD_CPU_REPORTING) {
      process.stderr.write(`sluice-thread-cpu ${JSON.stringify({ import: importThreadCpuMs, workers: pool.workerCpuMs, writePath })}\n`);
    }
    await handle?.close();
  }

  return finish();

  function finish(): ImportSummary {
    const counters = committer?.counters ?? record.counters;
    const storeRetries = retriesBefore + storeRetry.retries;
    try {
      if (storeRetry.retries > 0) {
        counters.storeRetries = storeRetries;
        store.imports.setStoreRetries(record.id, storeRetries);
      }
    } catch {
      // Still busy, or the store failed: the summary and the log still say it.
    }
    try {
      store.imports.setStatus(record.id, status, stopError ? serializeError(stopError) : null);
    } catch {
      // The store itself failed (disk full, corruption); the summary still reports the error.
    }
    observer.finish(status, counters, stopError ? serializeError(stopError) : null);
    meter.update(status, counters, 0, true);
    const faithful = faithfulnessNotes(store, record);
    store.close();
    // The workers closed their scratch files with the pool, the writer its attachments with the store.
    scratchArea?.remove();
    // The spool has served its purpose once the import is complete; until then it is what --resume reads.
    if (status === 'completed' && source?.spool) removeSpool(source.spool);
    return {
      ...faithful,
      importId: record.id,
      status,
      table: record.table,
      rowsRead: counters.rowsRead,
      rowsInserted: counters.rowsInserted,
      rowsUpdated: counters.rowsUpdated,
      rowsUnchanged: counters.rowsUnchanged ?? 0,
      duplicateKeys: counters.duplicateKeys ?? 0,
      duplicateKeyRows: counters.duplicateKeyRows ?? [],
      rowsQuarantined: counters.rowsQuarantined,
      bytesRead: counters.bytesRead,
      storeRetries,
      durationMs: Math.round(performance.now() - startedAt),
      upsertKey: spec.key.length > 0 ? [...spec.key] : null,
      keySource: spec.key.length > 0 ? (record.options.keySource ?? null) : null,
      plan: plan.summary.message,
      ...(stopError ? { error: serializeError(stopError) } : {}),
    };
  }
}
