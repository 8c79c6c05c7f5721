import type { QuarantineJob, QuarantineThreadData } from './quarantine-thread-protocol.js';
import { runThreadJob } from './thread-job.js';

const THREAD_URL = new URL('./quarantine-thread.js', import.meta.url);

/** Runs one bulk quarantine job in a worker thread; resolves with its result. */
export function runQuarantineJob<T>(dbPath: string, job: QuarantineJob): Promise<T> {
  return runThreadJob<T>(THREAD_URL, { dbPath, job } satisfies QuarantineThreadData, 'quarantine');
}
