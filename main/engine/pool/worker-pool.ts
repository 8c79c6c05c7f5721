import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from './comlink-node.js';
import type { ChunkJob, ChunkResult, WorkerConfig } from '../parse/chunk-types.js';
import type { ChunkWorkerApi } from './worker-api.js';
import { SluiceError, reviveError, type SerializedError } from '../errors.js';

export interface WorkerPoolOptions {
  size: number;
  /** A chunk taking longer than this is treated as a hung worker: it is terminated and replaced. */
  chunkTimeoutMs: number;
  /** Heap cap per worker, so one poison row exhausts a worker, not the app. */
  maxHeapMb: number;
  workerUrl?: URL;
}

export class WorkerFailure extends Error {
  constructor(
    readonly reason: 'crashed' | 'timeout' | 'threw',
    message: string,
  ) {
    super(message);
  }
}

interface Slot {
  worker: Worker;
  api: Comlink.Remote<ChunkWorkerApi>;
}

/**
 * A promise that rejects if the worker dies, plus its clean-up. It is made per
 * call and detached afterwards: racing every call against one long-lived
 * promise would make that promise hold on to every result ever raced.
 */
function watchForDeath(worker: Worker): { died: Promise<never>; detach: () => void } {
  let onError: (error: Error) => void = () => undefined;
  let onExit: (code: number) => void = () => undefined;
  const died = new Promise<never>((_, reject) => {
    onError = (error) => reject(new WorkerFailure('crashed', `worker crashed: ${error.message}`));
    onExit = (code) => reject(new WorkerFailure('crashed', `worker exited (code ${code})`));
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
  died.catch(() => undefined);
  return {
    died,
    detach: () => {
      worker.off('error', onError);
      worker.off('exit', onExit);
    },
  };
}

/** Young generation per worker: a batch of ~1,000 rows fits easily; measured, larger sizes only added RSS (8 MB: ~165 MB peak for the whole import, 128 MB: ~430 MB). */
const WORKER_MAX_YOUNG_GENERATION_MB = 8;

/** How long closing waits for a worker's CPU reading (one small file read on its side). */
const CPU_READ_TIMEOUT_MS = 1000;

const DEFAULT_WORKER_URL = new URL('../../../worker/chunk-worker.js', import.meta.url);

/**
 * A fixed pool of chunk workers. `run` waits for a free worker, so callers
 * bound the work in flight. A worker that crashes, hangs or runs out of
 * memory is terminated and replaced; the failure is reported to the caller,
 * which decides how to retry.
 */
export class WorkerPool {
  private readonly idle: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private readonly all = new Set<Slot>();
  private closed = false;
  private closedCpuMs: number[] = [];

  private config: WorkerConfig | null = null;
  /** Workers launched before the configuration was known; they join `idle` once configured. */
  private launched: Slot[] = [];

  private constructor(private readonly options: WorkerPoolOptions) {}

  /**
   * Starts the workers' threads at once, so they load their code while the
   * caller is still planning; `configure` must follow before `run`.
   */
  static launch(options: WorkerPoolOptions): WorkerPool {
    const pool = new WorkerPool(options);
    pool.launched = Array.from({ length: options.size }, () => pool.createSlot());
    return pool;
  }

  static async start(config: WorkerConfig, options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = WorkerPool.launch(options);
    await pool.configure(config);
    return pool;
  }

  /** Configures every launched worker. On failure the pool is closed and the error (a rule problem, mostly) thrown. */
  async configure(config: WorkerConfig): Promise<void> {
    this.config = config;
    const slots = this.launched;
    this.launched = [];
    try {
      await Promise.all(slots.map((slot) => this.configureSlot(slot)));
    } catch (error) {
      await this.close();
      throw error;
    }
    for (const slot of slots) this.release(slot);
  }

  get size(): number {
    return this.options.size;
  }

  private createSlot(): Slot {
    const worker = new Worker(this.options.workerUrl ?? DEFAULT_WORKER_URL, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb, maxYoungGenerationSizeMb: WORKER_MAX_YOUNG_GENERATION_MB },
    });
    // An 'error' event with no listener would be thrown; failures are reported through watchForDeath.
    worker.on('error', () => undefined);
    const slot: Slot = { worker, api: Comlink.wrap<ChunkWorkerApi>(nodeEndpoint(worker)) };
    this.all.add(slot);
    return slot;
  }

  private async configureSlot(slot: Slot): Promise<void> {
    const watch = watchForDeath(slot.worker);
    try {
      await Promise.race([slot.api.configure(this.config!), watch.died]);
    } catch (error) {
      await this.discard(slot);
      throw asConfigureError(error);
    } finally {
      watch.detach();
    }
  }

  private async spawn(): Promise<Slot> {
    const slot = this.createSlot();
    await this.configureSlot(slot);
    return slot;
  }

  private acquire(): Promise<Slot> {
    const slot = this.idle.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }

  private async discard(slot: Slot): Promise<void> {
    if (!this.all.delete(slot)) return;
    slot.api[Comlink.releaseProxy]();
    await slot.worker.terminate();
  }

  /** Processes one chunk. Rejects with WorkerFailure when the worker fails; the pool stays full. */
  async run(job: ChunkJob): Promise<ChunkResult> {
    if (this.closed) throw new SluiceError('CANCELLED', 'the worker pool is closed');
    const slot = await this.acquire();
    const watch = watchForDeath(slot.worker);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new WorkerFailure('timeout', `worker did not finish a batch within ${this.options.chunkTimeoutMs} ms`)),
        this.options.chunkTimeoutMs,
      );
    });
    try {
      const call = slot.api.process(Comlink.transfer(job, [job.bytes.buffer as ArrayBuffer]));
      const result = (await Promise.race([call, watch.died, timeout])) as ChunkResult;
      this.release(slot);
      return result;
    } catch (error) {
      await this.replace(slot);
      if (error instanceof WorkerFailure) throw error;
      throw new WorkerFailure('threw', `worker failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
      watch.detach();
    }
  }

  private async replace(slot: Slot): Promise<void> {
    await this.discard(slot);
    if (this.closed) return;
    this.release(await this.spawn());
  }

  /**
   * CPU each worker thread had used when the pool closed (ms, user + system), as each thread read it itself
   * just before it was terminated; workers busy or gone at that moment (crashed, replaced) are left out.
   */
  get workerCpuMs(): readonly number[] {
    return this.closedCpuMs;
  }

  /** Asks every idle worker for its own CPU time, briefly: a worker that does not answer is not waited for. */
  private async readIdleCpu(): Promise<number[]> {
    const readings = await Promise.all(this.idle.map(async (slot) => {
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), CPU_READ_TIMEOUT_MS)));
      try {
        // The worker lets go of its scratch file first, so no handle to it outlives the pool.
        return await Promise.race([slot.api.closeScratch().then(() => slot.api.threadCpuMs()), giveUp]);
      } catch {
        return null;
      } finally {
        clearTimeout(timer);
      }
    }));
    return readings.filter((ms): ms is number => typeof ms === 'number');
  }

  /** Terminates every worker; no thread outlives the pool. */
  async close(): Promise<void> {
    const wasOpen = !this.closed;
    this.closed = true;
    if (wasOpen && this.config !== null) this.closedCpuMs = await this.readIdleCpu();
    await Promise.all([...this.all].map((slot) => this.discard(slot)));
    this.idle.length = 0;
  }
}

function asConfigureError(error: unknown): Error {
  // comlink passes only name and message of a thrown error; configure errors are rule-file problems.
  if (error instanceof WorkerFailure) return new SluiceError('WORKER_FAILED', error.message);
  const serialized = error as Partial<SerializedError> & { message?: string };
  const message = serialized.message ?? String(error);
  return reviveError({ code: 'RULES_INVALID', message });
}
