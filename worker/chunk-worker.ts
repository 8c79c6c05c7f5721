/**
 * Worker entry: parses and validates chunks. The logic lives in
 * main/engine/parse; this file only exposes it over comlink.
 */
import { parentPort, threadId } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from '../main/engine/pool/comlink-node.js';
import { ChunkProcessor } from '../main/engine/parse/chunk-processor.js';
import type { ChunkJob, ChunkResult, WorkerConfig } from '../main/engine/parse/chunk-types.js';
import type { ChunkWorkerApi } from '../main/engine/pool/worker-api.js';
import { WORKER_NICE, lowerThisThreadPriority } from '../main/engine/pool/thread-priority.js';
import { injectFaults } from './fault-injection.js';
import { readThreadCpuMs } from '../main/engine/observe/thread-cpu.js';
import { WorkerScratch } from '../main/engine/pool/worker-scratch.js';

if (!parentPort) throw new Error('chunk-worker must run in a worker thread');
lowerThisThreadPriority(WORKER_NICE);

let processor: ChunkProcessor | null = null;
let scratch: WorkerScratch | null = null;

const api: ChunkWorkerApi = {
  configure(config: WorkerConfig): void {
    processor = new ChunkProcessor(config);
    scratch?.close();
    scratch = config.scratch ? new WorkerScratch(config.scratch, threadId) : null;
  },
  process(job: ChunkJob): ChunkResult {
    if (!processor) throw new Error('worker used before configure()');
    const startedMs = performance.now();
    injectFaults(job.bytes);
    const result = processor.process(job);
    scratch?.moveRows(job, result);
    result.worker = threadId;
    result.busyMs = performance.now() - startedMs;
    const buffers = [result.validMeta.buffer as ArrayBuffer];
    if (result.keyFacts) buffers.push(result.keyFacts.previousSame.buffer as ArrayBuffer);
    return Comlink.transfer(result, buffers);
  },
  closeScratch(): void {
    scratch?.close();
    scratch = null;
  },
  threadCpuMs(): number | null {
    return readThreadCpuMs() ?? null;
  },
};

Comlink.expose(api, nodeEndpoint(parentPort));
