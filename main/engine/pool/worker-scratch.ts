import type { ChunkJob, ChunkResult } from '../parse/chunk-types.js';
import { VALID_META_STRIDE } from '../parse/chunk-types.js';
import type { ScratchConfig } from '../store/scratch-area.js';
import { ScratchSlots } from '../store/scratch-slots.js';
import { computeKeyFacts } from '../store/key-facts.js';

/**
 * A chunk worker's side of the scratch write path: moves a batch's valid rows
 * from its result into the worker's scratch file, so only metadata goes back
 * to the writer. A scratch file that cannot be written (disk full, removed)
 * sends this worker's batches back with their values, the direct path.
 */
export class WorkerScratch {
  private slots: ScratchSlots | null = null;
  private failed = false;

  constructor(
    private readonly config: ScratchConfig,
    private readonly workerId: number,
  ) {}

  moveRows(job: ChunkJob, result: ChunkResult): void {
    const valid = result.validMeta.length / VALID_META_STRIDE;
    if (job.direct || this.failed || valid === 0) return;
    try {
      this.slots ??= new ScratchSlots(this.config, result.width, this.workerId);
      result.scratch = this.slots.write(result.values, valid, job.seq);
      if (this.config.keys) result.keyFacts = computeKeyFacts(result.values, valid, result.width, this.config.keys);
      result.values = [];
    } catch {
      this.failed = true;
    }
  }

  close(): void {
    this.slots?.close();
    this.slots = null;
  }
}
