/** Types shared by the engine's stages, the worker contract, the CLI and the app. */
import type { ColumnType } from './rules/lossless-columns.js';

export type SourceFormat = 'csv' | 'jsonl';
export type SupportedEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'iso-8859-15' | 'shift_jis' | 'gb18030';

/** How a CSV/JSONL file is laid out, as sniffed or overridden by the user. */
export interface Dialect {
  format: SourceFormat;
  encoding: SupportedEncoding;
  /** Why this encoding was chosen, shown to the user ("BOM", "sample is not valid UTF-8", …). */
  encodingReason: string;
  /** Bytes to skip at the start of the file (a BOM). */
  bomBytes: number;
  delimiter: string;
  quoteChar: string;
  hasHeader: boolean;
  /** Record terminator seen in the sample; CSV parsing and chunk splitting both use exactly this. */
  newline: '\n' | '\r\n' | '\r';
}

/** Column names of the source, in file order, after de-duplication. */
export interface SourceLayout {
  dialect: Dialect;
  columns: string[];
  /** Byte offset of the first data record (after BOM and header). */
  dataStartOffset: number;
  /** 1-based line number of the first data record. */
  dataStartLine: number;
  /** Raw header names (CSV) or keys (JSONL) as they appear in the file, before de-duplication and renames. */
  rawHeader: string[] | null;
  /** Without rules: each column's logical type, typed without loss (rules/lossless-columns.ts). */
  columnTypes?: (ColumnType | null)[];
}

export interface ImportCounters {
  /** Data records read from the source (blank lines excluded). */
  rowsRead: number;
  rowsValid: number;
  rowsInvalid: number;
  rowsInserted: number;
  rowsUpdated: number;
  /** Rows whose key matched a row that already held the same values (upserts). */
  rowsUnchanged?: number;
  /** Rows whose key repeated a key seen earlier in the same import, and the first few of their row numbers. */
  duplicateKeys?: number;
  duplicateKeyRows?: number[];
  rowsQuarantined: number;
  /** Where the quarantined rows stand now (absent until one is fixed or dismissed: all open). */
  quarantinedOpen?: number;
  quarantinedFixed?: number;
  quarantinedDismissed?: number;
  /** Blank lines skipped; they are counted, never silently lost. */
  blankLines: number;
  rowsWarned: number;
  bytesRead: number;
  /** Attempts repeated because another program or import held the store (SQLITE_BUSY), over every run; absent: none. */
  storeRetries?: number;
  /**
   * Without rules: per source column (the layout's order), values stored as they came although the column is
   * typed; absent: none. Checkpointed with the rest, so `sluice schema` can call those columns text.
   */
  keptAsText?: number[];
}

export function emptyCounters(): ImportCounters {
  return {
    rowsRead: 0,
    rowsValid: 0,
    rowsInvalid: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsUnchanged: 0,
    duplicateKeys: 0,
    duplicateKeyRows: [],
    rowsQuarantined: 0,
    blankLines: 0,
    rowsWarned: 0,
    bytesRead: 0,
  };
}

/** 'superseded': an unfinished import that a --restart replaced; 'undone': taken back by `sluice undo`. */
export type ImportStatus = 'running' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'superseded' | 'undone';

export type FailurePolicy =
  | { mode: 'soft'; maxErrors: number | null }
  | { mode: 'fast' };

export interface ImportProgress {
  importId: number;
  status: ImportStatus;
  counters: ImportCounters;
  totalBytes: number;
  rowsPerSecond: number;
  bytesPerSecond: number;
  /** Seconds left, or null when not yet known. */
  etaSeconds: number | null;
  elapsedMs: number;
  /** Batches handed to workers and not yet committed. */
  batchesInFlight: number;
  /** For a spooled source (stdin, URL, API, compressed file): what was taken from it, retries, the breaker. */
  source?: SourceProgress;
}

/** How far a source that is spooled got, and how the retry policy fared. */
export interface SourceProgress {
  phase: 'download' | 'done';
  /** Bytes taken from the source, as transferred (compressed bytes for a compressed source). */
  transferredBytes: number;
  totalBytes: number | null;
  /** Pages of a paginated API fetched so far. */
  pages: number | null;
  retries: number;
  breaker: 'closed' | 'open' | 'half-open';
}

/** One reason a row failed. `value` is only present when redaction is off. */
export interface RowFailure {
  field: string | null;
  rule: string;
  message: string;
  value?: string;
  /** Rule `encoding`: the record's raw bytes in base64 (its raw text can only show them in some encoding). */
  bytes?: string;
}

export interface ImportSummary {
  importId: number;
  status: ImportStatus;
  table: string;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  /** Upserts: rows whose key matched a row that already held the same values. Always set by runImport. */
  rowsUnchanged?: number;
  /** Keys repeated within the import, and the first few of their row numbers. */
  duplicateKeys?: number;
  duplicateKeyRows?: number[];
  rowsQuarantined: number;
  bytesRead: number;
  durationMs: number;
  /** The upsert key and where it came from; null for plain inserts. */
  upsertKey?: string[] | null;
  keySource?: '--key' | 'rule file' | null;
  /** What the import did to its table (from its plan). */
  plan?: string;
  error?: { code: string; message: string };
  /** Columns named differently from the file (blank, duplicate or reserved names), every one. */
  renamedColumns?: { from: string; to: string }[];
  /** Records quarantined because their bytes are not valid in the file's encoding. */
  rowsBadEncoding?: number;
  /** Attempts repeated because the store was busy (another program or import writing), over every run of the import. */
  storeRetries?: number;
}
