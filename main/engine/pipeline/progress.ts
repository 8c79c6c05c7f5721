import type { ImportCounters, ImportProgress, ImportStatus } from '../types.js';

/** At most ten progress events a second: enough for a smooth bar, cheap for IPC. */
export const PROGRESS_INTERVAL_MS = 100;
const RATE_WINDOW_MS = 3000;

/** Turns counters into rates and an ETA over a sliding window. */
export class ProgressMeter {
  private lastEmitMs = 0;
  private readonly samples: { atMs: number; rows: number; bytes: number }[] = [];

  constructor(
    private readonly importId: number,
    private readonly totalBytes: number,
    private readonly startedAtMs: number,
    private readonly emit: ((progress: ImportProgress) => void) | undefined,
  ) {}

  /** Emits if the interval has passed, or always when `force` (status changes, the end). */
  update(status: ImportStatus, counters: ImportCounters, batchesInFlight: number, force = false): void {
    if (!this.emit) return;
    const now = performance.now();
    if (!force && now - this.lastEmitMs < PROGRESS_INTERVAL_MS) return;
    this.lastEmitMs = now;
    this.samples.push({ atMs: now, rows: counters.rowsRead, bytes: counters.bytesRead });
    while (this.samples.length > 2 && now - this.samples[0]!.atMs > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (now - first.atMs) / 1000;
    const rowsPerSecond = seconds > 0 ? (counters.rowsRead - first.rows) / seconds : 0;
    const bytesPerSecond = seconds > 0 ? (counters.bytesRead - first.bytes) / seconds : 0;
    const remaining = Math.max(0, this.totalBytes - counters.bytesRead);
    this.emit({
      importId: this.importId,
      status,
      counters: { ...counters },
      totalBytes: this.totalBytes,
      rowsPerSecond: Math.round(rowsPerSecond),
      bytesPerSecond: Math.round(bytesPerSecond),
      etaSeconds: bytesPerSecond > 0 ? remaining / bytesPerSecond : null,
      elapsedMs: Math.round(now - this.startedAtMs),
      batchesInFlight,
    });
  }
}
