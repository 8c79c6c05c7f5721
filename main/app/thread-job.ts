import { Worker } from 'node:worker_threads';
import { AppFailure } from './app-failure.js';
import type { AppError, ErrorCode } from './contract.js';

/** What a one-job thread posts: progress while it works, then exactly one outcome. */
export type FromJobThread<Result, Progress> =
  | { type: 'progress'; progress: Progress }
  | { type: 'finished'; result: Result }
  | { type: 'failed'; error: AppError };

/**
 * Runs one job in its own worker thread (so the thread serving the UI never
 * blocks on SQLite) and settles once: with the job's result, its own error, or
 * WORKER_FAILED when the thread dies or exits without an answer.
 */
export function runThreadJob<Result, Progress = never>(
  url: URL,
  workerData: unknown,
  what: string,
  onProgress: (progress: Progress) => void = () => undefined,
): Promise<Result> {
  const worker = new Worker(url, { workerData });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    worker.on('message', (message: FromJobThread<Result, Progress>) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'finished') settle(() => resolve(message.result));
      else settle(() => reject(new AppFailure(message.error.code as ErrorCode, message.error.message)));
    });
    worker.on('error', (error) => settle(() => reject(new AppFailure('WORKER_FAILED', `The ${what} thread stopped: ${error.message}`))));
    worker.on('exit', () => settle(() => reject(new AppFailure('WORKER_FAILED', `The ${what} thread exited before it finished.`))));
  });
}
