import os from 'node:os';

/** How an import's batches reach its table: bound by the writer thread, or through the workers' scratch files. */
export type WritePath = 'direct' | 'scratch';

/**
 * The scratch path moves value binding off the writer thread (1M rows with the bench's rules: writer 4.3 s → 1.6–1.7 s
 * of CPU, with slots declared as the table and copied record by record) at about the same CPU in total (8.0 s against
 * 8.4 s in one bench run; 7.2 s against 6.9 s in five alternating runs). On 2 cores the total is the limit, and the
 * two paths measured even (wall-clock medians 4.69 s and 4.82 s), so the direct path, which writes no scratch files,
 * stays; from 3 cores on the direct writer is the limit (8 s / 3 ≈ 2.7 s < 4 s), and the scratch path's bound is
 * lower. Measurements: README, "Sixth round".
 */
export const SCRATCH_MIN_CORES = 3;

/** `SLUICE_WRITE_PATH=scratch|direct` overrides the choice (bench, tests). */
export function chooseWritePath(
  workers: number,
  override: string | undefined = process.env['SLUICE_WRITE_PATH'],
  cores: number = os.availableParallelism(),
): WritePath {
  if (override === 'scratch' || override === 'direct') return override;
  return workers >= 2 && cores >= SCRATCH_MIN_CORES ? 'scratch' : 'direct';
}
