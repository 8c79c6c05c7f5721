import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from '../pool/comlink-node.js';
import { SluiceError, reviveError } from '../errors.js';
import type { ImportSummary } from '../types.js';
import type { ImportHostApi, ImportHostData } from './import-host-api.js';
import { chunkWorkerEntry, threadEntry } from '../thread-entry.js';
import type { ImportHooks, ImportOptions } from './import-options.js';

const COMPILED_HOST = new URL('../../../worker/import-host.js', import.meta.url);

/**
 * Heap caps for the import host: its garbage (rows on their way into SQLite)
 * is short-lived, and a tight old generation makes V8 collect it promptly
 * instead of letting the heap grow with the file.
 */
const HOST_MAX_OLD_GENERATION_MB = 160;
const HOST_MAX_YOUNG_GENERATION_MB = 24;

/**
 * Runs an import in its own worker thread, so the caller's event loop (the
 * CLI's signal handling, the UI server) stays free, with the same contract as
 * runImport. Pause/resume/cancel on `hooks.control` are relayed to the host.
 */
export async function importInWorker(options: ImportOptions, hooks: ImportHooks = {}): Promise<ImportSummary> {
  const worker = new Worker(threadEntry('import-host', COMPILED_HOST), {
    // The host launches its worker pool from these before anything else.
    workerData: { options, chunkWorkerUrl: chunkWorkerEntry().href } satisfies ImportHostData,
    resourceLimits: { maxOldGenerationSizeMb: HOST_MAX_OLD_GENERATION_MB, maxYoungGenerationSizeMb: HOST_MAX_YOUNG_GENERATION_MB },
    // "-" is read by the host thread, which spools it: the caller's stdin is piped into the thread's.
    stdin: hooks.stdin !== undefined,
  });
  const stdinRelay = hooks.stdin && worker.stdin ? relayStdin(hooks.stdin, worker.stdin) : null;
  const host = Comlink.wrap<ImportHostApi>(nodeEndpoint(worker));
  const died = new Promise<never>((_, reject) => {
    worker.once('error', (error) =>
      reject(new SluiceError('WORKER_FAILED', `The import stopped unexpectedly (${error.message}); it can be resumed with --resume.`)),
    );
    worker.once('exit', (code) =>
      reject(new SluiceError('WORKER_FAILED', `The import stopped unexpectedly (exit ${code}); it can be resumed with --resume.`)),
    );
  });
  died.catch(() => undefined);
  const control = hooks.control;
  const relay = (action: 'pause' | 'resume' | 'cancel') => () => void host.control(action).catch(() => undefined);
  const unsubscribe = control?.subscribe({ pause: relay('pause'), resume: relay('resume'), cancel: relay('cancel') });
  try {
    const events = Comlink.proxy({
      progress: (progress: Parameters<NonNullable<ImportHooks['onProgress']>>[0]) => hooks.onProgress?.(progress),
      started: (info: Parameters<NonNullable<ImportHooks['onStart']>>[0]) => hooks.onStart?.(info),
      source: (progress: Parameters<NonNullable<ImportHooks['onSource']>>[0]) => hooks.onSource?.(progress),
      storeBusy: (retries: number) => hooks.onStoreBusy?.(retries),
    });
    const outcome = await Promise.race([host.run(options, events), died]);
    if (!outcome.ok) throw reviveError(outcome.error);
    return outcome.summary;
  } finally {
    unsubscribe?.();
    stdinRelay?.stop();
    host[Comlink.releaseProxy]();
    await worker.terminate();
  }
}

/** Copies the caller's stdin into the host thread's, with backpressure; stopped when the import ends. */
function relayStdin(input: AsyncIterable<Uint8Array>, output: NodeJS.WritableStream): { stop(): void } {
  let stopped = false;
  output.on('error', () => undefined);
  void (async () => {
    try {
      for await (const chunk of input) {
        if (stopped) return;
        if (!output.write(chunk)) await new Promise((resolve) => output.once('drain', resolve));
      }
    } catch {
      // A broken input ends the host's stdin early; the spool is then incomplete and says so.
    }
    if (!stopped) output.end();
  })();
  return {
    stop() {
      stopped = true;
      // An input still open (a terminal, a pipe the import no longer needs) would keep the process alive.
      (input as Partial<NodeJS.ReadableStream & { destroy(): void }>).destroy?.();
    },
  };
}
