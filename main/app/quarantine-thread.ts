import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../engine/errors.js';
import { bulkFix } from '../engine/quarantine/bulk-fix.js';
import { dismissQuarantined } from '../engine/quarantine/lifecycle.js';
import { revalidateInPool } from '../engine/quarantine/retry.js';
import { defaultWorkerCount } from '../engine/pipeline/import-options.js';
import { Store } from '../engine/store/store.js';
import type { QuarantineJob, QuarantineThreadData } from './quarantine-thread-protocol.js';

// Runs one bulk quarantine job (fix, re-validate, dismiss: up to every quarantined row of an import) on its
// own connection, off the thread that serves IPC/HTTP, so the window stays responsive while it runs.
const port = parentPort!;
const { dbPath, job } = workerData as QuarantineThreadData;

async function run(store: Store, work: QuarantineJob): Promise<unknown> {
  switch (work.kind) {
    case 'fix':
      return bulkFix(store, work.request);
    case 'retry':
      return revalidateInPool(store, work.importId, work.ruleFile, { workers: defaultWorkerCount() });
    case 'dismiss':
      return { dismissed: dismissQuarantined(store, work.importId, work.selection, work.reason) };
  }
}

async function main(): Promise<void> {
  const store = Store.open(dbPath, { mustExist: true });
  try {
    port.postMessage({ type: 'finished', result: await run(store, job) });
  } finally {
    store.close();
  }
}

main()
  .catch((error: unknown) => port.postMessage({ type: 'failed', error: serializeError(error) }))
  .finally(() => port.close());
