import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../engine/errors.js';
import { bulkFix } from '../engine/quarantine/bulk-fix.js';
import { dismissQuarantined } from '../engine/quarantine/lifecycle.js';
import { revalidateQuarantine } from '../engine/quarantine/retry.js';
import { Store } from '../engine/store/store.js';
import type { QuarantineJob, QuarantineThreadData } from './quarantine-thread-protocol.js';

// Runs one bulk quarantine job (fix, re-validate, dismiss: up to every quarantined row of an import) on its
// own connection, off the thread that serves IPC/HTTP, so the window stays responsive while it runs.
const port = parentPort!;
const { dbPath, job } = workerData as QuarantineThreadData;

function run(store: Store, work: QuarantineJob): unknown {
  switch (work.kind) {
    case 'fix':
      return bulkFix(store, work.request);
    case 'retry':
      return revalidateQuarantine(store, work.importId, work.ruleFile);
    case 'dismiss':
      return { dismissed: dismissQuarantined(store, work.importId, work.selection, work.reason) };
  }
}

try {
  const store = Store.open(dbPath, { mustExist: true });
  try {
    port.postMessage({ type: 'finished', result: run(store, job) });
  } finally {
    store.close();
  }
} catch (error) {
  port.postMessage({ type: 'failed', error: serializeError(error) });
} finally {
  port.close();
}
