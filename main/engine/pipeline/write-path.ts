import os from 'node:os';

/** How an import's batches reach its table: bound by the writer thread, or through the workers' scratch files. */
export type WritePath = 'direct' | 'scratch';

/**
 * The scratch path moves value binding off the writer thread (1M rows with the bench's rules: writer 3.6–4.0 s →
 * 1.5–1.7 s of CPU, slots declared as the table and copied record by record) at about the same CPU in total on wide
 * rows, and less on narrow ones, where it saves the per-value trip between threads (3M 5-column rows: 8.2 s against
 * 9.2 s of thread CPU, medians of 3). On 2 cores the total is the limit: in alternating runs the scratch path was as
 * fast on wide rows (CSV and JSONL) and 0–16% faster on narrow rows, so it runs from 2 cores on. On one core there
 * is nothing to spread: the writer binds. Measurements: README, "Sixth round" and "Eighth round".
 */
export const SCRATCH_MIN_CORES = 2;

/** `SLUICE_WRITE_PATH=scratch|direct` overrides the choice (bench, tests). */
export function chooseWritePath(
  workers: number,
  override: string | undefined = process.env['SLUICE_WRITE_PATH'],
  cores: number = os.availableParallelism(),
): WritePath {
  if (override === 'scratch' || override === 'direct') return override;
  return workers >= 2 && cores >= SCRATCH_MIN_CORES ? 'scratch' : 'direct';
}
