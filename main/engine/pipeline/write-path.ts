import os from 'node:os';

/** How an import's batches reach its table: bound by the writer thread, or through the workers' scratch files. */
export type WritePath = 'direct' | 'scratch';

/**
 * The scratch path moves value binding off the writer thread but costs more
 * CPU in total (a worker binds each value into its scratch file, the writer
 * then copies it by SQL). It pays only where the writer thread, not the total
 * CPU, is the limit: with this many cores or more (README, "The writer thread").
 */
export const SCRATCH_MIN_CORES = 6;

/** `SLUICE_WRITE_PATH=scratch|direct` overrides the choice (bench, tests). */
export function chooseWritePath(
  workers: number,
  override: string | undefined = process.env['SLUICE_WRITE_PATH'],
  cores: number = os.availableParallelism(),
): WritePath {
  if (override === 'scratch' || override === 'direct') return override;
  return workers >= 2 && cores >= SCRATCH_MIN_CORES ? 'scratch' : 'direct';
}
