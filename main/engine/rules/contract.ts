/**
 * The validation seam: what the import workers, the live preview and the CLI
 * need from a rule set. The rules language lives behind this interface; the
 * pipeline knows nothing else about it.
 */
import type { RowFailure } from '../types.js';
import type { ColumnType } from './lossless-columns.js';

/** SQLite column affinity used when Sluice creates the table. '' = no affinity (values stored as given). */
export type SqlAffinity = 'TEXT' | 'INTEGER' | 'REAL' | 'NUMERIC' | '';

export interface OutputColumn {
  /** Column name in the target table (after renames). */
  name: string;
  sqlType: SqlAffinity;
  /** Logical Table Schema type of the stored values ('any' when they mix kinds); kept in the table's stored schema. */
  type?: string;
  /** For booleans: the spellings export writes (the first of each). */
  trueValues?: string[];
  falseValues?: string[];
}

/** A value better-sqlite3 can bind. */
export type SqlValue = string | number | bigint | null | Uint8Array;

export interface RowOutcome {
  /** Failures that quarantine the row (severity error). Null when none. */
  errors: RowFailure[] | null;
  /** Failures that keep the row but are recorded (severity warn). Null when none. */
  warnings: RowFailure[] | null;
}

export interface CompiledRules {
  /** Columns of the target table, in table order. */
  readonly columns: readonly OutputColumn[];
  /** Key for upserts (from --key or the rule file's primaryKey); empty for plain inserts. */
  readonly primaryKey: readonly string[];
  /** Column sets that must be unique across the whole table (enforced by the store with UNIQUE indexes). */
  readonly uniqueKeys: readonly (readonly string[])[];
  /**
   * Validates one record. `values` holds one entry per source column, in source
   * order: strings for CSV, JSON values (or undefined when the key is absent)
   * for JSONL. Writes the table row, in `columns` order, into `out`.
   * Returns null when the row is valid with no warnings: the common case allocates nothing.
   */
  validate(values: readonly unknown[], out: SqlValue[]): RowOutcome | null;
  /**
   * Without rules: per column, how many values since the last call were stored as they came although
   * the column is typed (`TRUE` in a true/false column, `abc` in an integer one), then starts over;
   * null when there were none. The table's printed schema calls such columns text (kept-text-columns.ts).
   */
  takeKeptAsText?: () => number[] | null;
}

export interface CompileOptions {
  /** Columns of the source file in file order (after header de-duplication). */
  sourceColumns: readonly string[];
  /** Leave values out of failure messages and `value` fields. */
  redact: boolean;
  /** Primary key override from the command line (`--key a,b`). */
  keyOverride?: readonly string[];
  /** 'csv' sources give strings; 'jsonl' sources give JSON values. */
  sourceKind: 'csv' | 'jsonl';
  /** Without rules: each source column's logical type (lossless-columns.ts), from a sample or the table's stored schema. */
  columnTypes?: readonly (ColumnType | null)[];
  /**
   * Without rules, JSONL: each row gets one more value after the table's columns, the JSON array of the
   * columns its record lacked (null when it had them all), for the table's absent-keys marker (store/bookkeeping-columns.ts).
   */
  markAbsent?: boolean;
}
