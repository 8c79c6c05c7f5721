import { PerformanceObserver, performance as perfHooks, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * Where an import's time goes, per run. Measured with one timestamp pair per
 * batch or per commit, never per row, so tracing costs nothing measurable.
 *
 * The import thread does one thing at a time, so its wall time splits into
 * reading, waiting for workers, writing rows, committing (quarantine,
 * checkpoint, COMMIT), being paused and the rest (planning, setup). Workers
 * report their own busy time per batch (parse and validate happen in one
 * pass, so they are one stage).
 */
export type ThreadStage = 'read' | 'wait-workers' | 'write' | 'commit' | 'paused';

export const STAGE_LABELS: Record<string, string> = {
  read: 'read source (import thread)',
  'parse+validate': 'parse + validate (workers)',
  'wait-workers': 'wait for workers (import thread)',
  write: 'write rows (import thread)',
  commit: 'commit: quarantine, checkpoint (import thread)',
  paused: 'paused',
  other: 'other: plan, setup, dispatch (import thread)',
};

export interface StageTime {
  stage: string;
  /** Time spent doing this stage (for workers: summed over every worker). */
  busyMs: number;
  /** The rest of the stage's capacity: wall time (× workers for the worker stage) minus busy time. */
  idleMs: number;
}

export interface TraceSample {
  /** Since the run started. */
  atMs: number;
  rows: number;
  bytes: number;
  rowsPerSecond: number;
  bytesPerSecond: number;
  /** Batches handed to workers and not yet committed, and how many of them are done and waiting for their turn. */
  inFlight: number;
  ready: number;
}

export interface ImportTrace {
  version: 1;
  run: number;
  startedAt: string;
  /** Wall time of this run so far (the whole run once it has finished). */
  wallMs: number;
  finished: boolean;
  workers: number;
  rows: number;
  bytes: number;
  stages: StageTime[];
  perWorker: { worker: number; busyMs: number; batches: number }[];
  /** Time batches spent between being handed out and a worker's answer, beyond the worker's own busy time (waiting for a free worker, messaging). */
  queueWaitMs: number;
  batches: number;
  commits: number;
  /**
   * The import thread's event loop: time it ran code versus time it sat idle
   * waiting (for reads, for workers). Stage times are wall time around awaits
   * and include the code that runs meanwhile (taking in worker results), so
   * this is the thread's true CPU-side split.
   */
  importThread: { activeMs: number; idleMs: number };
  /** Garbage-collection pauses of the import thread, from perf_hooks. */
  gc: { count: number; totalMs: number; maxMs: number };
  sampleIntervalMs: number;
  samples: TraceSample[];
  /**
   * CPU time (user + system, ms) each thread used, read by the thread itself at its end (Linux; absent
   * elsewhere and in traces of older versions): the import thread's whole life, and each worker's whole life
   * for the workers alive when the pool closed.
   */
  threadCpuMs?: { importThread: number | null; workers: number[] };
  /** How the batches reached the table: bound by the writer ('direct') or through the workers' scratch files ('scratch'). */
  writePath?: 'direct' | 'scratch';
}

const FIRST_SAMPLE_INTERVAL_MS = 500;
/** Samples kept per run; past this, every other one is dropped and the interval doubles. */
const MAX_SAMPLES = 600;

export class TraceRecorder {
  private readonly startMs = performance.now();
  private readonly startedAt = new Date().toISOString();
  private readonly threadMs: Record<ThreadStage, number> = { read: 0, 'wait-workers': 0, write: 0, commit: 0, paused: 0 };
  private readonly perWorker = new Map<number, { busyMs: number; batches: number }>();
  private queueWaitMs = 0;
  private batches = 0;
  private commits = 0;
  private readonly gc = { count: 0, totalMs: 0, maxMs: 0 };
  private gcObserver: PerformanceObserver | null = null;
  private sampleIntervalMs = FIRST_SAMPLE_INTERVAL_MS;
  private samples: TraceSample[] = [];
  private lastSample = { atMs: 0, rows: 0, bytes: 0 };
  private endMs: number | null = null;
  private readonly eluStart: EventLoopUtilization = perfHooks.eventLoopUtilization();
  private eluEnd: EventLoopUtilization | null = null;
  private threadCpuMs: ImportTrace['threadCpuMs'];
  writePath: ImportTrace['writePath'];

  constructor(
    readonly run: number,
    private readonly workers: number,
    /** Rows and bytes already committed by earlier runs, so the samples show this run's own rates. */
    base: { rows: number; bytes: number } = { rows: 0, bytes: 0 },
  ) {
    try {
      this.gcObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          this.gc.count++;
          this.gc.totalMs += entry.duration;
          this.gc.maxMs = Math.max(this.gc.maxMs, entry.duration);
        }
      });
      this.gcObserver.observe({ entryTypes: ['gc'] });
    } catch {
      this.gcObserver = null;
    }
    this.lastSample = { atMs: 0, rows: base.rows, bytes: base.bytes };
  }

  add(stage: ThreadStage, ms: number): void {
    this.threadMs[stage] += ms;
  }

  /** Times an async step of the import thread. */
  async timed<T>(stage: ThreadStage, step: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await step();
    } finally {
      this.threadMs[stage] += performance.now() - start;
    }
  }

  countCommit(): void {
    this.commits++;
  }

  /** A worker answered a batch that was handed out at `dispatchedMs`. */
  batchDone(dispatchedMs: number, worker: number | undefined, busyMs: number | undefined): void {
    this.batches++;
    const busy = busyMs ?? 0;
    this.queueWaitMs += Math.max(0, performance.now() - dispatchedMs - busy);
    const entry = this.perWorker.get(worker ?? 0) ?? { busyMs: 0, batches: 0 };
    entry.busyMs += busy;
    entry.batches++;
    this.perWorker.set(worker ?? 0, entry);
  }

  /** Records rates and queue depth when the sampling interval has passed (or always, when `force`). */
  sample(rows: number, bytes: number, inFlight: number, ready: number, force = false): void {
    const atMs = performance.now() - this.startMs;
    const seconds = (atMs - this.lastSample.atMs) / 1000;
    if (!force && atMs - this.lastSample.atMs < this.sampleIntervalMs) return;
    this.samples.push({
      atMs: Math.round(atMs),
      rows,
      bytes,
      rowsPerSecond: seconds > 0 ? Math.round((rows - this.lastSample.rows) / seconds) : 0,
      bytesPerSecond: seconds > 0 ? Math.round((bytes - this.lastSample.bytes) / seconds) : 0,
      inFlight,
      ready,
    });
    this.lastSample = { atMs, rows, bytes };
    if (this.samples.length > MAX_SAMPLES) {
      this.samples = this.samples.filter((_, i) => i % 2 === 1);
      this.sampleIntervalMs *= 2;
    }
  }

  /** Per-thread CPU, recorded once the workers have ended. */
  threadCpu(importThreadMs: number | undefined, workersMs: readonly number[]): void {
    this.threadCpuMs = { importThread: importThreadMs ?? null, workers: [...workersMs] };
  }

  finish(): void {
    this.endMs ??= performance.now();
    this.eluEnd ??= perfHooks.eventLoopUtilization();
    this.gcObserver?.disconnect();
    this.gcObserver = null;
  }

  snapshot(rows: number, bytes: number): ImportTrace {
    const wallMs = (this.endMs ?? performance.now()) - this.startMs;
    const workerBusy = [...this.perWorker.values()].reduce((sum, worker) => sum + worker.busyMs, 0);
    const threadBusy = Object.values(this.threadMs).reduce((sum, ms) => sum + ms, 0);
    const elu = perfHooks.eventLoopUtilization(this.eluEnd ?? perfHooks.eventLoopUtilization(), this.eluStart);
    const stage = (name: string, busyMs: number, capacityMs = wallMs): StageTime => ({
      stage: name,
      busyMs: Math.round(busyMs),
      idleMs: Math.round(Math.max(0, capacityMs - busyMs)),
    });
    return {
      version: 1,
      run: this.run,
      startedAt: this.startedAt,
      wallMs: Math.round(wallMs),
      finished: this.endMs !== null,
      workers: this.workers,
      rows,
      bytes,
      stages: [
        stage('read', this.threadMs.read),
        stage('parse+validate', workerBusy, wallMs * this.workers),
        stage('wait-workers', this.threadMs['wait-workers']),
        stage('write', this.threadMs.write),
        stage('commit', this.threadMs.commit),
        stage('paused', this.threadMs.paused),
        stage('other', Math.max(0, wallMs - threadBusy)),
      ],
      perWorker: [...this.perWorker.entries()]
        .sort(([a], [b]) => a - b)
        .map(([worker, entry]) => ({ worker, busyMs: Math.round(entry.busyMs), batches: entry.batches })),
      queueWaitMs: Math.round(this.queueWaitMs),
      importThread: { activeMs: Math.round(elu.active), idleMs: Math.round(elu.idle) },
      batches: this.batches,
      commits: this.commits,
      gc: { count: this.gc.count, totalMs: Math.round(this.gc.totalMs), maxMs: Math.round(this.gc.maxMs * 10) / 10 },
      sampleIntervalMs: this.sampleIntervalMs,
      samples: this.samples,
      ...(this.threadCpuMs ? { threadCpuMs: this.threadCpuMs } : {}),
      ...(this.writePath ? { writePath: this.writePath } : {}),
    };
  }
}
