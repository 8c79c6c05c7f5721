/**
 * Worker entry: runs one import (reader, worker pool, SQLite writer) off the
 * thread that serves the CLI or the UI, under its own heap limit. The logic
 * lives in main/engine/pipeline; this file only exposes it over comlink.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from '../main/engine/pool/comlink-node.js';
import { serializeError } from '../main/engine/errors.js';
import { ImportControl } from '../main/engine/pipeline/import-control.js';
import { runImport } from '../main/engine/pipeline/run-import.js';
import type { ImportHostApi } from '../main/engine/pipeline/import-host-api.js';

if (!parentPort) throw new Error('import-host must run in a worker thread');

const control = new ImportControl();

const api: ImportHostApi = {
  async run(options, events) {
    try {
      const summary = await runImport(options, {
        control,
        onProgress: (progress) => void events.progress(progress),
        onStart: (info) => void events.started(info),
      });
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
