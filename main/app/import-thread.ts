import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../engine/errors.js';
import { ImportControl } from '../engine/pipeline/import-control.js';
import { WorkerPool } from '../engine/pool/worker-pool.js';
import { poolOptionsFor } from '../engine/pipeline/import-options.js';
import type { FromImportThread, ImportThreadData, ToImportThread } from './import-thread-protocol.js';

// Hosts one runImport off the serving thread, so HTTP/IPC handling never waits on parsing or SQLite.
const port = parentPort!;
const { options, chunkWorkerUrl } = workerData as ImportThreadData;
// The chunk workers boot while this thread loads the rest of the pipeline (loaded below, not statically).
const pool = WorkerPool.launch({ ...poolOptionsFor(options), workerUrl: new URL(chunkWorkerUrl) });
const { runImport } = await import('../engine/pipeline/run-import.js');
const control = new ImportControl();
const post = (message: FromImportThread): void => port.postMessage(message);

port.on('message', (message: ToImportThread) => {
  if (message.type === 'pause') control.pause();
  else if (message.type === 'resume') control.resume();
  else control.cancel();
});

runImport(
  options,
  {
    control,
    onStart: (info) => post({ type: 'started', info }),
    onProgress: (progress) => post({ type: 'progress', progress }),
  },
  pool,
)
  .then((summary) => post({ type: 'finished', summary }))
  .catch((error: unknown) => post({ type: 'refused', error: serializeError(error) }))
  .finally(() => port.close());
