import type { SqlValue } from '../rules/contract.js';
import type { RowFailure } from '../types.js';
import type { ChunkJob, ChunkResult, RejectedRecord, WarnedRecord } from './chunk-types.js';
import { VALID_META_STRIDE } from './chunk-types.js';

export interface BuilderMark {
  valueCount: number;
  validCount: number;
  records: number;
  blankLines: number;
  rejected: number;
  warned: number;
}

/** Kept NULLs to cut packed arrays from (see packedNulls); grows to the largest chunk's size once. */
let nullTemplate: SqlValue[] = [];

/**
 * `count` NULLs in a packed array: structured clone copies packed arrays far faster than holey ones (which
 * `new Array(n)` makes), and a slice of a packed template is a copy, where growing by push cost ~10 ns a slot
 * (~0.1 s per 1M 10-column rows).
 */
function packedNulls(count: number): SqlValue[] {
  if (nullTemplate.length < count) {
    const grown = nullTemplate.slice();
    while (grown.length < count) grown.push(null);
    nullTemplate = grown;
  }
  return nullTemplate.slice(0, count);
}

/** Collects one chunk's outcome in the compact form that crosses the thread boundary. */
export class ChunkResultBuilder {
  private values: SqlValue[] = [];
  private valueCount = 0;
  private meta: Float64Array = new Float64Array(VALID_META_STRIDE * 1024);
  private validCount = 0;
  private records = 0;
  private blankLines = 0;
  private readonly rejected: RejectedRecord[] = [];
  private readonly warned: WarnedRecord[] = [];
  private lineBase = 0;
  private byteBase = 0;

  constructor(
    private readonly job: ChunkJob,
    private readonly width: number,
  ) {}

  /** Shifts positions for records decoded one by one (the invalid-encoding path). */
  setBase(lineBase: number, byteBase: number): void {
    this.lineBase = lineBase;
    this.byteBase = byteBase;
  }

  /** Where the builder stands, so a parse attempt that gives up can be undone with `rollback`. */
  mark(): BuilderMark {
    return {
      valueCount: this.valueCount,
      validCount: this.validCount,
      records: this.records,
      blankLines: this.blankLines,
      rejected: this.rejected.length,
      warned: this.warned.length,
    };
  }

  rollback(mark: BuilderMark): void {
    this.valueCount = mark.valueCount;
    this.validCount = mark.validCount;
    this.records = mark.records;
    this.blankLines = mark.blankLines;
    this.rejected.length = mark.rejected;
    this.warned.length = mark.warned;
  }

  blankLine(): void {
    this.blankLines++;
  }

  /** Sizes the value store for `rows` more rows, so accepting them does not grow it piecemeal. */
  reserve(rows: number): void {
    const needed = this.valueCount + rows * this.width;
    if (needed <= this.values.length) return;
    const more = packedNulls(needed - this.values.length);
    this.values = this.values.length === 0 ? more : this.values.concat(more);
  }

  accept(row: readonly SqlValue[], lineOffset: number, byteOffset: number, byteLength: number): void {
    const width = this.width;
    let at = this.valueCount;
    if (at + width > this.values.length) this.reserve(Math.max(1024, this.validCount));
    const target = this.values;
    for (let i = 0; i < width; i++) target[at++] = row[i] ?? null;
    this.valueCount = at;
    if ((this.validCount + 1) * VALID_META_STRIDE > this.meta.length) {
      const grown = new Float64Array(this.meta.length * 2);
      grown.set(this.meta);
      this.meta = grown;
    }
    const metaAt = this.validCount * VALID_META_STRIDE;
    this.meta[metaAt] = this.records;
    this.meta[metaAt + 1] = this.lineBase + lineOffset;
    this.meta[metaAt + 2] = this.byteBase + byteOffset;
    this.meta[metaAt + 3] = byteLength;
    this.validCount++;
    this.records++;
  }

  reject(lineOffset: number, byteOffset: number, raw: string, errors: RowFailure[]): void {
    this.rejected.push({
      recordIndex: this.records,
      lineOffset: this.lineBase + lineOffset,
      byteOffset: this.byteBase + byteOffset,
      raw,
      errors,
    });
    this.records++;
  }

  /** Call after accept() for the same record. */
  warn(lineOffset: number, warnings: RowFailure[]): void {
    this.warned.push({ recordIndex: this.records - 1, lineOffset: this.lineBase + lineOffset, warnings });
  }

  finish(lineBreaks: number): ChunkResult {
    return {
      seq: this.job.seq,
      records: this.records,
      blankLines: this.blankLines,
      lineBreaks,
      byteLength: this.job.bytes.byteLength,
      width: this.width,
      values: this.values.length === this.valueCount ? this.values : this.values.slice(0, this.valueCount),
      validMeta: this.meta.slice(0, this.validCount * VALID_META_STRIDE),
      rejected: this.rejected,
      warned: this.warned,
    };
  }
}
