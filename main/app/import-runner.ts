import { Worker } from 'node:worker_threads';
import type { ImportOptions } from '../engine/pipeline/import-options.js';
import { chunkWorkerEntry, threadEntry } from '../engine/thread-entry.js';
import { AppFailure } from './app-failure.js';
import type { ImportProgress, ImportSummary, SluiceEvents, StartedImport } from './contract.js';
import type { FromImportThread, ImportThreadData, ToImportThread } from './import-thread-protocol.js';

export interface LiveImport {
  importId: number;
  table: string;
  progress: ImportProgress | null;
  summary: ImportSummary | null;
  paused: boolean;
  send(message: ToImportThread): void;
}

type Emit = <E extends keyof SluiceEvents>(event: E, data: SluiceEvents[E]) => void;

const COMPILED_THREAD = new URL('./import-thread.js', import.meta.url);

/**
 * Starts imports in worker threads and keeps their latest progress, so a UI
 * that reconnects (or a second window) can catch up with `state`.
 */
export class ImportRunner {
  private readonly live = new Map<number, LiveImport>();
  private readonly finished = new Map<number, LiveImport>();

  constructor(private readonly emit: Emit) {}

  get(importId: number): LiveImport | null {
    return this.live.get(importId) ?? this.finished.get(importId) ?? null;
  }

  isLive(importId: number): boolean {
    return this.live.has(importId);
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** Resolves once the import has an id (or rejects when it cannot start); it then runs on its own. */
  start(options: ImportOptions): Promise<StartedImport> {
    const worker = new Worker(threadEntry('import-thread', COMPILED_THREAD), {
      workerData: { options, chunkWorkerUrl: chunkWorkerEntry().href } satisfies ImportThreadData,
    });
    return new Promise((resolve, reject) => {
      let entry: LiveImport | null = null;
      worker.on('message', (message: FromImportThread) => {
        switch (message.type) {
          case 'started':
            entry = {
              importId: message.info.importId,
              table: message.info.table,
              progress: null,
              summary: null,
              paused: false,
              send: (m) => worker.postMessage(m),
            };
            this.live.set(entry.importId, entry);
            resolve(message.info);
            return;
          case 'progress':
            if (!entry) return;
            entry.progress = message.progress;
            this.emit('import/progress', message.progress);
            return;
          case 'finished':
            if (!entry) return;
            entry.summary = message.summary;
            this.retire(entry);
            this.emit('import/finished', message.summary);
            return;
          case 'refused':
            reject(new AppFailure(message.error.code as never, message.error.message));
            return;
        }
      });
      worker.on('error', (error) => {
        if (!entry) return reject(error);
        const summary: ImportSummary = {
          importId: entry.importId,
          status: 'failed',
          table: entry.table,
          rowsRead: entry.progress?.counters.rowsRead ?? 0,
          rowsInserted: entry.progress?.counters.rowsInserted ?? 0,
          rowsUpdated: entry.progress?.counters.rowsUpdated ?? 0,
          rowsQuarantined: entry.progress?.counters.rowsQuarantined ?? 0,
          bytesRead: entry.progress?.counters.bytesRead ?? 0,
          durationMs: entry.progress?.elapsedMs ?? 0,
          error: { code: 'WORKER_FAILED', message: `The import thread stopped: ${error.message}` },
        };
        entry.summary = summary;
        this.retire(entry);
        this.emit('import/finished', summary);
      });
      worker.on('exit', () => {
        if (!entry) reject(new AppFailure('WORKER_FAILED', 'The import thread exited before the import started.'));
      });
    });
  }

  control(importId: number, action: 'pause' | 'resume' | 'cancel'): void {
    const entry = this.live.get(importId);
    if (!entry) throw new AppFailure('IMPORT_NOT_FOUND', `Import #${importId} is not running.`);
    entry.send({ type: action });
    if (action !== 'cancel') entry.paused = action === 'pause';
  }

  /** Cancels every running import (app shutdown); their checkpoints make them resumable. */
  cancelAll(): void {
    for (const entry of this.live.values()) entry.send({ type: 'cancel' });
  }

  private retire(entry: LiveImport): void {
    this.live.delete(entry.importId);
    this.finished.set(entry.importId, entry);
  }
}
