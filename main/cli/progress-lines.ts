import type { ImportProgress } from '../engine/types.js';
import { formatBytes, formatCount, formatDuration } from './output.js';
import { ProgressBar } from './progress-bar.js';

export type ProgressMode = 'bar' | 'plain' | 'none';
export const PROGRESS_MODES = ['bar', 'plain', 'none'] as const;

/** A plain line every few seconds: often enough to see an import move in a CI log, rarely enough to read it. SLUICE_PROGRESS_INTERVAL_MS overrides it (tests). */
const PLAIN_INTERVAL_MS = Number(process.env.SLUICE_PROGRESS_INTERVAL_MS) || 5000;

export interface ProgressView {
  update(progress: ImportProgress): void;
  clear(): void;
}

/** The bar on a terminal; plain lines when stderr is a file, a pipe or a CI log. */
export function defaultProgressMode(): ProgressMode {
  return process.stderr.isTTY === true ? 'bar' : 'plain';
}

export function createProgress(mode: ProgressMode): ProgressView {
  if (mode === 'bar') return new ProgressBar();
  if (mode === 'plain') return new PlainProgress();
  return { update: () => undefined, clear: () => undefined };
}

/** `progress: 42% 120,000 rows 50,000 rows/s 5.1 MB/s quarantined 3 ETA 4s` on its own line, the first at once, then every PLAIN_INTERVAL_MS. */
export class PlainProgress implements ProgressView {
  private lastLineMs = -Infinity;

  update(progress: ImportProgress): void {
    const now = performance.now();
    if (now - this.lastLineMs < PLAIN_INTERVAL_MS) return;
    this.lastLineMs = now;
    process.stderr.write(`${describeProgress(progress)}\n`);
  }

  clear(): void {}
}

export function describeProgress(progress: ImportProgress): string {
  const fraction = progress.totalBytes > 0 ? Math.min(1, progress.counters.bytesRead / progress.totalBytes) : 1;
  const eta = progress.etaSeconds === null ? '' : ` ETA ${formatDuration(progress.etaSeconds)}`;
  return (
    `progress: import #${progress.importId} ${(fraction * 100).toFixed(0)}%  ${formatCount(progress.counters.rowsRead)} rows` +
    `  ${formatCount(progress.rowsPerSecond)} rows/s  ${formatBytes(progress.bytesPerSecond)}/s` +
    `  quarantined ${formatCount(progress.counters.rowsQuarantined)}${eta}` +
    (progress.status === 'paused' ? '  (paused)' : '')
  );
}
