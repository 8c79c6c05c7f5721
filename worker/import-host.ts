/**
 * Worker entry: runs one import (reader, worker pool, SQLite writer) off the
 * thread that serves the CLI or the UI, under its own heap limit. The logic
 * lives in main/engine/pipeline; this file only exposes it over comlink.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from '../main/engine/pool/comlink-node.js';
import { WorkerPool } from '../main/engine/pool/worker-pool.js';
import { serializeError } from '../main/engine/errors.js';
import { ImportControl } from '../main/engine/pipeline/import-control.js';
import { poolOptionsFor } from '../main/engine/pipeline/import-options.js';
import type { ImportHostApi, ImportHostData } from '../main/engine/pipeline/import-host-api.js';

if (!parentPort) throw new Error('import-host must run in a worker thread');

// The chunk workers boot while this thread loads the rest of the pipeline (loaded below, not statically).
const { options: launchOptions, chunkWorkerUrl } = workerData as ImportHostData;
let launchedPool: WorkerPool | null = WorkerPool.launch({ ...poolOptionsFor(launchOptions), workerUrl: new URL(chunkWorkerUrl) });
const { runImport } = await import('../main/engine/pipeline/run-import.js');

const control = new ImportControl();

const api: ImportHostApi = {
  async run(options, events) {
    const pool = launchedPool ?? undefined;
    launchedPool = null;
    try {
      const summary = await runImport(
        options,
        {
          control,
          onProgress: (progress) => void events.progress(progress),
          onStart: (info) => void events.started(info),
          onSource: (progress) => void events.source(progress),
          onStoreBusy: (retries) => void events.storeBusy(retries),
          ...(options.sourcePath === '-' || options.sourcePath === '/dev/stdin' ? { stdin: process.stdin } : {}),
        },
        pool,
      );
      return { ok: true, summary };
    } catch (error) {
      return { ok: false, error: serializeError(error) };
    }
  },
  control(action) {
    if (action === 'pause') control.pause();
    else if (action === 'resume') control.resume();
    else control.cancel();
  },
};

Comlink.expose(api, nodeEndpoint(parentPort));
