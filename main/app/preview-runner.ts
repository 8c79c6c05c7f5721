import { Worker } from 'node:worker_threads';
import { AppFailure } from './app-failure.js';
import type { DialectOverrides, ErrorCode, RulesPreview } from './contract.js';
import type { FromPreviewThread, ToPreviewThread } from './preview-thread-protocol.js';

const THREAD_URL = new URL('./preview-thread.js', import.meta.url);
/** A preview of 1000 sample rows takes milliseconds; one still running after this is stopped. */
export const PREVIEW_DEADLINE_MS = 10_000;

interface Pending {
  resolve: (value: RulesPreview) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Runs rule previews in one long-lived worker thread (it keeps the sample
 * cache between keystrokes). A preview that misses its deadline stops the
 * thread, with every preview still waiting on it; the next one starts afresh.
 */
export class PreviewRunner {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly deadlineMs = PREVIEW_DEADLINE_MS) {}

  preview(path: string, draft: unknown, overrides?: DialectOverrides): Promise<RulesPreview> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.stop(this.timeoutError()), this.deadlineMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, path, draft, ...(overrides ? { overrides } : {}) } satisfies ToPreviewThread);
    });
  }

  close(): void {
    this.stop(new AppFailure('CANCELLED', 'The rule preview was stopped because Sluice is closing.'));
  }

  private timeoutError(): AppFailure {
    const seconds = Math.round(this.deadlineMs / 1000);
    return new AppFailure(
      'PREVIEW_TIMEOUT',
      `The rule preview took longer than ${seconds === 0 ? `${this.deadlineMs} ms` : `${seconds} s`} and was stopped. Simplify the rules being edited (a row rule or pattern) and try again; imports are not affected.`,
    );
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_URL);
    // An idle preview thread must not keep the process (CLI tests, a closing server) alive.
    worker.unref();
    worker.on('message', (message: FromPreviewThread) => {
      const entry = this.pending.get(message.id);
      if (!entry) return;
      this.pending.delete(message.id);
      clearTimeout(entry.timer);
      if (message.ok) entry.resolve(message.value);
      else entry.reject(new AppFailure(message.error.code as ErrorCode, message.error.message));
    });
    worker.on('error', (error) => this.stop(new AppFailure('WORKER_FAILED', `The rule preview thread stopped: ${error.message}`)));
    worker.on('exit', () => {
      if (this.worker === worker) this.stop(new AppFailure('WORKER_FAILED', 'The rule preview thread exited.'));
    });
    this.worker = worker;
    return worker;
  }

  private stop(error: Error): void {
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    this.pending.clear();
  }
}
