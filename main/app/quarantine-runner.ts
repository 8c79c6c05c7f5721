import { Worker } from 'node:worker_threads';
import { AppFailure } from './app-failure.js';
import type { ErrorCode } from './contract.js';
import type { FromQuarantineThread, QuarantineJob, QuarantineThreadData } from './quarantine-thread-protocol.js';

const THREAD_URL = new URL('./quarantine-thread.js', import.meta.url);

/** Runs one bulk quarantine job in a worker thread; resolves with its result. */
export function runQuarantineJob<T>(dbPath: string, job: QuarantineJob): Promise<T> {
  const worker = new Worker(THREAD_URL, { workerData: { dbPath, job } satisfies QuarantineThreadData });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    worker.on('message', (message: FromQuarantineThread) => {
      if (message.type === 'finished') settle(() => resolve(message.result as T));
      else settle(() => reject(new AppFailure(message.error.code as ErrorCode, message.error.message)));
    });
    worker.on('error', (error) => settle(() => reject(new AppFailure('WORKER_FAILED', `The quarantine thread stopped: ${error.message}`))));
    worker.on('exit', () => settle(() => reject(new AppFailure('WORKER_FAILED', 'The quarantine thread exited before it finished.'))));
  });
}
