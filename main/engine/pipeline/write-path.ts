import os from 'node:os';

/** How an import's batches reach its table: bound by the writer thread, or through the workers' scratch files. */
export type WritePath = 'direct' | 'scratch';

/**
 * The scratch path moves value binding off the writer thread (1M rows with the bench's rules: writer 2.8 s → 1.55 s of
 * CPU) at about the same or slightly more CPU in total (5.3–6.6 s with the process's other threads). On 2 cores the total
 * is the limit (about 6.3 s / 2 = 3.15 s a core either way), so the direct path, which never costs more, stays; from 3
 * cores on the direct writer is the limit (6.3 s / 3 = 2.1 s < 2.8 s), and the scratch path's bound is lower
 * (max(1.55 s, 2.1 s)). Measurements: README, "The writer thread".
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
