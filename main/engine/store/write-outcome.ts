import type { RowFailure } from '../types.js';

export interface WriteOutcome {
  inserted: number;
  updated: number;
  /** Rows whose key matched a row holding the same values already. */
  unchanged: number;
  /** Rows (by index in the batch) whose key repeated a key written earlier by the same import. */
  duplicates: number[];
  /** Rows the store refused (unique or other constraints), by index in the batch. */
  refused: { index: number; errors: RowFailure[] }[];
}

export function emptyOutcome(): WriteOutcome {
  return { inserted: 0, updated: 0, unchanged: 0, duplicates: [], refused: [] };
}
