import Papa from 'papaparse';
import type { CompiledRules, SqlValue } from '../rules/contract.js';
import type { Decoder } from '../source/encoding.js';
import { bufferView } from '../source/buffer-view.js';
import { CsvBoundaryScanner } from '../source/record-boundary.js';
import { OriginalPositions, papaText } from '../source/line-ends.js';
import { LineCounter, byteMapper, csvSyntaxFailure, isBlank, isBlankBytes, newRow, rawOf, stripTerminator } from './chunk-text.js';
import type { ChunkJob, WorkerConfig } from './chunk-types.js';
import type { ChunkResultBuilder } from './chunk-result-builder.js';
import { CsvRecordReader } from './csv-fields.js';
import { NonAsciiFinder, decodeBytewiseFields } from './bytewise-text.js';

/**
 * Reads and validates the CSV records of one chunk (for ChunkProcessor): the fast field reader on the byte
 * scanner's record boundaries where it can, papaparse on the whole chunk where it cannot, papaparse row by
 * row where the two disagree on the records (malformed quoting), so positions stay exact.
 */
export class CsvChunkReader {
  /** Byte-level boundary scanner for 1-byte encodings (null for UTF-16). */
  private readonly scanner: CsvBoundaryScanner | null;
  private readonly reader: CsvRecordReader;

  constructor(
    private readonly config: WorkerConfig,
    private readonly rules: CompiledRules,
    private readonly rawDecoder: Decoder,
    private readonly lineMark: string,
    /** Values per row (the table's columns and, for JSONL imports that mark them, the absent keys). */
    private readonly width: number,
    oneByteUnits: boolean,
  ) {
    this.reader = new CsvRecordReader(config.dialect.delimiter, config.dialect.quoteChar, config.dialect.newline);
    this.scanner = oneByteUnits ? CsvBoundaryScanner.forDialect(config.dialect) : null;
  }

  /**
   * Record boundaries come from the byte scanner (which follows papaparse's
   * quoting rules). Records in regular shapes are read by the fast reader (csv-fields.ts);
   * a chunk with any other record goes to papaparse whole.
   */
  /** Returns the chunk's line breaks when it counted them on the way (null: the caller counts). */
  process(text: string, job: ChunkJob, builder: ChunkResultBuilder, bytewise: boolean): number | null {
    const ends = this.recordEnds(job.bytes);
    if (ends === null) {
      this.processCsvStepwise(bytewise ? bufferView(job.bytes).toString('utf8') : text, job, builder);
      return null;
    }
    const mark = builder.mark();
    const fastLineBreaks = this.processCsvFast(text, job, ends, builder, bytewise);
    // The byte count of line breaks is the text's when each character is one byte.
    if (fastLineBreaks !== null) return text.length === job.bytes.length ? fastLineBreaks : null;
    builder.rollback(mark);
    // papaparse reads the chunk as real text.
    this.processCsvWhole(bytewise ? bufferView(job.bytes).toString('utf8') : text, job, ends, builder);
    return null;
  }

  /**
   * Returns null, part-way, at the first record the fast reader declines or if it and the scanner disagree;
   * else the line breaks in the chunk's bytes.
   */
  private processCsvFast(text: string, job: ChunkJob, ends: readonly number[], builder: ChunkResultBuilder, bytewise: boolean): number | null {
    const bytes = job.bytes;
    const reader = this.reader;
    // Bytewise, a record's characters are its bytes: [start, end) is the same range in both.
    const nonAscii = bytewise ? new NonAsciiFinder(text) : null;
    const lines = new LineCounter(bytes, this.lineMark.charCodeAt(0));
    const out = newRow(this.width);
    builder.reserve(ends.length);
    reader.begin(text);
    let start = 0;
    for (const end of ends) {
      const fields = reader.done ? null : reader.next();
      if (fields === null) return null;
      if (nonAscii?.within(start, end)) decodeBytewiseFields(fields);
      this.acceptOrReject(builder, fields, undefined, lines.breaksBefore(start), start, end, bytes, out);
      start = end;
    }
    return reader.done ? lines.total : null;
  }

  /**
   * One non-streaming papaparse call for the chunk, several times faster than
   * its per-row step mode. Where papaparse and the scanner disagree on the
   * number of records (malformed quoting), the chunk is parsed again row by
   * row so positions stay exact.
   */
  private processCsvWhole(text: string, job: ChunkJob, ends: readonly number[], builder: ChunkResultBuilder): void {
    const { delimiter, quoteChar } = this.config.dialect;
    // Only the number of records matters here (their bytes come from the scanner): no positions to map back.
    const papa = papaText(text, this.config.dialect, true);
    const parsed = Papa.parse<string[]>(papa.text, { delimiter, quoteChar, escapeChar: quoteChar, newline: papa.newline, skipEmptyLines: false });
    const rows = parsed.data;
    // papaparse adds an empty row after a final terminator.
    if (rows.length === ends.length + 1 && ends[ends.length - 1] === job.bytes.length) rows.pop();
    if (rows.length !== ends.length) {
      this.processCsvStepwise(text, job, builder);
      return;
    }
    const rowErrors = new Map<number, Papa.ParseError[]>();
    for (const error of parsed.errors) {
      if (typeof error.row !== 'number') continue;
      const list = rowErrors.get(error.row);
      if (list) list.push(error);
      else rowErrors.set(error.row, [error]);
    }
    builder.reserve(rows.length);
    const lines = new LineCounter(job.bytes, this.lineMark.charCodeAt(0));
    const out = newRow(this.width);
    let start = 0;
    for (let r = 0; r < rows.length; r++) {
      const end = ends[r]!;
      this.acceptOrReject(builder, rows[r]!, rowErrors.get(r), lines.breaksBefore(start), start, end, job.bytes, out);
      start = end;
    }
  }

  /** Files one parsed CSV record (bytes [start, end) of the chunk) as blank, rejected or valid. */
  private acceptOrReject(
    builder: ChunkResultBuilder,
    fields: readonly string[],
    errors: readonly Papa.ParseError[] | undefined,
    lineOffset: number,
    start: number,
    end: number,
    bytes: Uint8Array,
    out: SqlValue[],
  ): void {
    const expectedFields = this.config.sourceColumns.length;
    if (fields.length === 1 && fields[0] === '' && isBlankBytes(bytes, start, end)) {
      builder.blankLine();
    } else if (errors) {
      builder.reject(lineOffset, start, this.rawOfBytes(bytes, start, end), errors.map((e) => csvSyntaxFailure(e)));
    } else if (fields.length !== expectedFields) {
      builder.reject(lineOffset, start, this.rawOfBytes(bytes, start, end), [
        { field: null, rule: 'row-shape', message: `expected ${expectedFields} fields, found ${fields.length}` },
      ]);
    } else {
      const outcome = this.rules.validate(fields, out);
      if (outcome?.errors) builder.reject(lineOffset, start, this.rawOfBytes(bytes, start, end), outcome.errors);
      else {
        builder.accept(out, lineOffset, start, end - start);
        if (outcome?.warnings) builder.warn(lineOffset, outcome.warnings);
      }
    }
  }

  /** Byte offsets where each record of the chunk ends, or null for encodings scanned in 2-byte units. */
  private recordEnds(bytes: Uint8Array): number[] | null {
    if (!this.scanner) return null;
    const ends: number[] = [];
    this.scanner.reset();
    this.scanner.scanFast(bytes, 0, bytes.length, (offset) => ends.push(offset));
    if ((ends[ends.length - 1] ?? 0) < bytes.length) ends.push(bytes.length);
    return ends;
  }

  private rawOfBytes(bytes: Uint8Array, start: number, end: number): string {
    return stripTerminator(this.rawDecoder.decode(bytes.subarray(start, end)));
  }

  private processCsvStepwise(text: string, job: ChunkJob, builder: ChunkResultBuilder): void {
    const { delimiter, quoteChar } = this.config.dialect;
    const expectedFields = this.config.sourceColumns.length;
    const byteLength = byteMapper(this.config.dialect.encoding, text, job.bytes.length);
    const lines = new LineCounter(text, this.lineMark);
    const out = newRow(this.width);
    // papaparse reads the text without the CRs of CRLF line ends; its positions map back to `text`.
    const papa = papaText(text, this.config.dialect, true);
    const positions = new OriginalPositions(papa.dropped);
    let start = 0;
    let byteOffset = 0;

    Papa.parse<string[]>(papa.text, {
      delimiter,
      quoteChar,
      escapeChar: quoteChar,
      newline: papa.newline,
      skipEmptyLines: false,
      step: (result) => {
        const end = positions.originalPosition(result.meta.cursor);
        if (start >= text.length) return; // papaparse's empty row after a final terminator
        const rowBytes = byteLength(start, end);
        const lineOffset = lines.breaksBefore(start);
        const fields = result.data;
        if (fields.length === 1 && fields[0] === '' && isBlank(text, start, end)) {
          builder.blankLine();
        } else if (result.errors.length > 0) {
          builder.reject(lineOffset, byteOffset, rawOf(text, start, end), result.errors.map((e) => csvSyntaxFailure(e)));
        } else if (fields.length !== expectedFields) {
          builder.reject(lineOffset, byteOffset, rawOf(text, start, end), [
            {
              field: null,
              rule: 'row-shape',
              message: `expected ${expectedFields} fields, found ${fields.length}`,
            },
          ]);
        } else {
          this.validateInto(builder, fields, out, lineOffset, byteOffset, rowBytes, text, start, end);
        }
        byteOffset += rowBytes;
        start = end;
      },
    });
  }

  private validateInto(
    builder: ChunkResultBuilder,
    values: readonly unknown[],
    out: SqlValue[],
    lineOffset: number,
    byteOffset: number,
    rowBytes: number,
    text: string,
    start: number,
    end: number,
  ): void {
    const outcome = this.rules.validate(values, out);
    if (outcome?.errors) {
      builder.reject(lineOffset, byteOffset, rawOf(text, start, end), outcome.errors);
      return;
    }
    builder.accept(out, lineOffset, byteOffset, rowBytes);
    if (outcome?.warnings) builder.warn(lineOffset, outcome.warnings);
  }
}
