/** The main ⇄ worker contract: what a worker is told once, and what it gets and returns per chunk. */
import type { Dialect, RowFailure } from '../types.js';
import type { SqlValue } from '../rules/contract.js';
import type { ColumnType } from '../rules/lossless-columns.js';
import type { ScratchConfig } from '../store/scratch-area.js';
import type { ScratchBatch } from '../store/scratch-slots.js';
import type { KeyFacts } from '../store/key-facts.js';
import type { AbsentKeys } from '../store/absent-keys.js';

export interface WorkerConfig {
  dialect: Dialect;
  /** Source columns in file order (de-duplicated header, or JSONL keys). */
  sourceColumns: string[];
  /** The parsed rule file (plain JSON), or null for "no rules". */
  ruleFile: unknown;
  keyOverride: string[] | null;
  redact: boolean;
  /** Without rules: each source column's logical type (see lossless-columns.ts). */
  columnTypes?: (ColumnType | null)[] | null;
  /** JSONL keys as written in the file, one per source column (columns may be renamed). */
  sourceKeys?: string[] | null;
  /** The absent-keys marker each row carries as its last value (store/absent-keys.ts); absent: none. */
  absentKeys?: AbsentKeys;
  /** Set when the import writes through scratch files: each worker puts its batches' valid rows there (scratch-slots.ts). */
  scratch?: ScratchConfig | null;
}

export interface ChunkJob {
  /** Position of the chunk in the source; results are committed in this order. */
  seq: number;
  /** Absolute byte offset of bytes[0] in the source file. */
  startOffset: number;
  /** Whole records only (the last chunk of a file may lack its final terminator). Transferred, not copied. */
  bytes: Uint8Array;
  /** Return the values themselves even on the scratch path (records retried one by one are merged by the caller). */
  direct?: boolean;
}

/** A record that will not be written, with everything needed to find and fix it. */
export interface RejectedRecord {
  /** 0-based index of the record within the chunk. */
  recordIndex: number;
  /** Line breaks between the chunk start and the record start. */
  lineOffset: number;
  /** Byte offset of the record relative to the chunk start. */
  byteOffset: number;
  raw: string;
  errors: RowFailure[];
}

export interface WarnedRecord {
  recordIndex: number;
  lineOffset: number;
  warnings: RowFailure[];
}

export interface ChunkResult {
  seq: number;
  /** Data records in the chunk (blank lines excluded). */
  records: number;
  blankLines: number;
  /** Line breaks in the whole chunk, to number the lines of the next one. */
  lineBreaks: number;
  byteLength: number;
  /** Width of one row in `values`. */
  width: number;
  /** Valid rows, flattened: row i is values[i*width … (i+1)*width). */
  values: SqlValue[];
  /**
   * Per valid row: [recordIndex, lineOffset, byteOffset, byteLength], so a row
   * that fails at write time can still be quarantined with its position.
   */
  validMeta: Float64Array;
  /** On the scratch path: where the valid rows are (then `values` is empty). */
  scratch?: ScratchBatch;
  /** On the scratch path, upserts: the batch's key checks, made by the worker. */
  keyFacts?: KeyFacts;
  rejected: RejectedRecord[];
  warned: WarnedRecord[];
  /** Without rules: per column, values stored as they came although the column is typed (absent: none). */
  keptAsText?: number[];
  /** Set by the worker entry for the import's trace: its thread id and the time it spent on this batch. */
  worker?: number;
  busyMs?: number;
}

export const VALID_META_STRIDE = 4;
