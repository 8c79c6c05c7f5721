import type { SqlValue } from '../rules/contract.js';
import type { RowFailure } from '../types.js';
import type { ChunkJob, ChunkResult, RejectedRecord, WarnedRecord } from './chunk-types.js';
import { VALID_META_STRIDE } from './chunk-types.js';

/** Collects one chunk's outcome in the compact form that crosses the thread boundary. */
export class ChunkResultBuilder {
  private readonly values: SqlValue[] = [];
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

  blankLine(): void {
    this.blankLines++;
  }

  accept(row: readonly SqlValue[], lineOffset: number, byteOffset: number, byteLength: number): void {
    for (let i = 0; i < this.width; i++) this.values.push(row[i] ?? null);
    if ((this.validCount + 1) * VALID_META_STRIDE > this.meta.length) {
      const grown = new Float64Array(this.meta.length * 2);
      grown.set(this.meta);
      this.meta = grown;
    }
    const at = this.validCount * VALID_META_STRIDE;
    this.meta[at] = this.records;
    this.meta[at + 1] = this.lineBase + lineOffset;
    this.meta[at + 2] = this.byteBase + byteOffset;
    this.meta[at + 3] = byteLength;
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
      values: this.values,
      validMeta: this.meta.slice(0, this.validCount * VALID_META_STRIDE),
      rejected: this.rejected,
      warned: this.warned,
    };
  }
}
