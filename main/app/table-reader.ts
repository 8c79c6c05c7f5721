import { Worker } from 'node:worker_threads';
import { AppFailure } from './app-failure.js';
import type { ErrorCode } from './contract.js';
import type { FromReader, ReaderAnswers, ToReader } from './table-reader-protocol.js';

const THREAD_URL = new URL('./table-reader-thread.js', import.meta.url);

type Request = ToReader extends infer R ? (R extends { type: infer T } ? Omit<R, 'id'> & { type: T } : never) : never;

/**
 * The serving thread's handle on the reader thread: one worker with its own read-only connection, started
 * on first use and again if it ever dies. Requests are answered in order; a failure keeps its error code.
 */
export class TableReader {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(private readonly dbPath: string) {}

  ask<T extends Request['type']>(request: Extract<Request, { type: T }>): Promise<ReaderAnswers[T]> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_URL, { workerData: { dbPath: this.dbPath } });
    worker.on('message', (message: FromReader) => {
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new AppFailure(message.error.code as ErrorCode, message.error.message));
    });
    const fail = (why: string) => {
      if (this.worker === worker) this.worker = null;
      for (const waiter of this.waiting.values()) waiter.reject(new AppFailure('WORKER_FAILED', why));
      this.waiting.clear();
    };
    worker.on('error', (error) => fail(`The table reader stopped: ${error.message}`));
    worker.on('exit', () => fail('The table reader exited.'));
    this.worker = worker;
    return worker;
  }
}
