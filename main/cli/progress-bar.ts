import type { ImportProgress } from '../engine/types.js';
import { formatBytes, formatCount, formatDuration } from './output.js';

const BAR_WIDTH = 24;

/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export class ProgressBar {
  private readonly enabled = process.stderr.isTTY === true;
  private drawn = false;

  update(progress: ImportProgress): void {
    if (!this.enabled) return;
    const fraction = progress.totalBytes > 0 ? Math.min(1, progress.counters.bytesRead / progress.totalBytes) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const eta = progress.etaSeconds === null ? '' : ` ETA ${formatDuration(progress.etaSeconds)}`;
    const text =
      `${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${formatCount(progress.counters.rowsRead)} rows` +
      `  ${formatCount(progress.rowsPerSecond)} rows/s  ${formatBytes(progress.bytesPerSecond)}/s` +
      `  quarantined ${formatCount(progress.counters.rowsQuarantined)}${eta}` +
      (progress.status === 'paused' ? '  (paused)' : '');
    process.stderr.write(`\r\x1b[2K${text.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) process.stderr.write('\r\x1b[2K');
    this.drawn = false;
  }
}
