import { isAscii, isUtf8 } from 'node:buffer';
import Papa from 'papaparse';
import type { CompiledRules, SqlValue } from '../rules/contract.js';
import { compileRules, parseRuleFile } from '../rules/index.js';
import { type Decoder, createDecoder, encodedLength, unitBytesOf } from '../source/encoding.js';
import { bufferView } from '../source/buffer-view.js';
import { CsvBoundaryScanner } from '../source/record-boundary.js';
import { OriginalPositions, papaText } from '../source/line-ends.js';
import {
  LineCounter,
  countOccurrences,
  csvSyntaxFailure,
  isBlank,
  isBlankBytes,
  rawOf,
  splitRecordBytes,
  stripTerminator,
} from './chunk-text.js';
import type { ChunkJob, ChunkResult, WorkerConfig } from './chunk-types.js';
import { ChunkResultBuilder } from './chunk-result-builder.js';
import { CsvRecordReader } from './csv-fields.js';
import { KeyPlaces, readJsonRecord } from './json-record.js';
import { NonAsciiFinder, decodeBytewiseFields } from './bytewise-text.js';

/**
 * Parses and validates one chunk of whole records. Pure and synchronous: the
 * worker entry point only wraps it, and tests call it directly.
 */
export class ChunkProcessor {
  private readonly rules: CompiledRules;
  private readonly decoder: Decoder;
  private readonly columnIndex: Map<string, number>;
  private readonly keyPlaces: KeyPlaces;
  private readonly lineMark: string;
  /** Byte-level boundary scanner for 1-byte encodings (null for UTF-16). */
  private readonly scanner: CsvBoundaryScanner | null;
  private readonly rawDecoder: Decoder;
  private readonly reader: CsvRecordReader;
  /** Rules see plain JS numbers; without rules values keep their exact JSON form (json-lossless.ts). */
  private readonly plainJson: boolean;
  /** Records and fields can be found on bytewise text only when everything that separates them is ASCII. */
  private readonly bytewiseOk: boolean;

  constructor(private readonly config: WorkerConfig) {
    const ruleFile = config.ruleFile === null ? null : parseRuleFile(config.ruleFile);
    this.rules = compileRules(ruleFile, {
      sourceColumns: config.sourceColumns,
      redact: config.redact,
      sourceKind: config.dialect.format,
      ...(config.keyOverride ? { keyOverride: config.keyOverride } : {}),
      ...(config.columnTypes ? { columnTypes: config.columnTypes } : {}),
      ...(config.absentKeys === 'mark' ? { markAbsent: true } : {}),
    });
    this.plainJson = ruleFile !== null;
    const { delimiter, quoteChar, newline } = config.dialect;
    this.bytewiseOk = config.dialect.format === 'jsonl' || /^[\x00-\x7f]*$/.test(delimiter + quoteChar + newline);
    // Fatal for UTF-8 and UTF-16, so a record with invalid bytes (an unpaired surrogate) is quarantined, never replaced by U+FFFD.
    this.decoder = createDecoder(config.dialect.encoding, config.dialect.encoding === 'utf-8' || unitBytesOf(config.dialect.encoding) === 2);
    this.columnIndex = new Map((config.sourceKeys ?? config.sourceColumns).map((name, i) => [name, i]));
    this.keyPlaces = new KeyPlaces(this.columnIndex);
    this.lineMark = config.dialect.newline === '\r' ? '\r' : '\n';
    this.rawDecoder = createDecoder(config.dialect.encoding);
    this.reader = new CsvRecordReader(config.dialect.delimiter, config.dialect.quoteChar, config.dialect.newline);
    this.scanner =
      config.dialect.format === 'csv' && unitBytesOf(config.dialect.encoding) === 1 ? CsvBoundaryScanner.forDialect(config.dialect) : null;
  }

  /**
   * Decodes a chunk, or returns null when UTF-8 input is not valid UTF-8 (or UTF-16 holds an unpaired surrogate).
   * Node's native ASCII/UTF-8 checks and Buffer decoding are several times
   * faster than a fatal TextDecoder on the common all-ASCII chunk. Valid UTF-8
   * with non-ASCII characters is returned bytewise (bytewise-text.ts): `bytewise`
   * tells the caller to decode the records that need it.
   */
  private decode(bytes: Uint8Array): { text: string; bytewise: boolean } | null {
    if (unitBytesOf(this.config.dialect.encoding) === 2) {
      try {
        return { text: this.decoder.decode(bytes), bytewise: false };
      } catch {
        return null;
      }
    }
    if (this.config.dialect.encoding !== 'utf-8') return { text: this.decoder.decode(bytes), bytewise: false };
    const buffer = bufferView(bytes);
    if (isAscii(buffer)) return { text: buffer.toString('latin1'), bytewise: false };
    if (!isUtf8(buffer)) return null;
    return this.bytewiseOk ? { text: buffer.toString('latin1'), bytewise: true } : { text: buffer.toString('utf8'), bytewise: false };
  }

  /** The table's columns, then the absent-keys marker when the import writes one (store/absent-keys.ts). */
  get width(): number {
    return this.rules.columns.length + (this.config.absentKeys ? 1 : 0);
  }

  /** One row's values; the marker slot stays NULL unless the rules write it ('clear' imports never do). */
  private newRow(): SqlValue[] {
    return new Array<SqlValue>(this.width).fill(null);
  }

  process(job: ChunkJob): ChunkResult {
    const result = this.processRecords(job);
    const kept = this.rules.takeKeptAsText?.() ?? null;
    if (kept !== null) result.keptAsText = kept;
    return result;
  }

  private processRecords(job: ChunkJob): ChunkResult {
    const decoded = this.decode(job.bytes);
    if (decoded === null) return this.processInvalidText(job);
    const { text, bytewise } = decoded;
    const builder = new ChunkResultBuilder(job, this.width);
    const lineBreaks = this.config.dialect.format === 'jsonl'
      ? this.processJsonl(text, job, builder, bytewise)
      : this.processCsv(text, job, builder, bytewise);
    // Line breaks are ASCII: bytewise text counts them the same. Counted while reading when the reader could.
    return builder.finish(lineBreaks ?? countOccurrences(text, this.lineMark));
  }

  /** Byte length of text[start, end), fast when the chunk is one byte per character. */
  private byteMapper(text: string, job: ChunkJob): (start: number, end: number) => number {
    const encoding = this.config.dialect.encoding;
    if (encoding === 'utf-16le' || encoding === 'utf-16be') return (start, end) => 2 * (end - start);
    if (encoding === 'windows-1252' || encoding === 'iso-8859-15' || text.length === job.bytes.length) return (start, end) => end - start;
    if (encoding === 'shift_jis' || encoding === 'gb18030') return (start, end) => encodedLength(text.slice(start, end), encoding);
    return (start, end) => Buffer.byteLength(text.slice(start, end), 'utf8');
  }

  /**
   * Record boundaries come from the byte scanner (which follows papaparse's
   * quoting rules). Records in regular shapes are read by the fast reader (csv-fields.ts);
   * a chunk with any other record goes to papaparse whole.
   */
  /** Returns the chunk's line breaks when it counted them on the way (null: the caller counts). */
  private processCsv(text: string, job: ChunkJob, builder: ChunkResultBuilder, bytewise: boolean): number | null {
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
    const out = this.newRow();
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
    const out = this.newRow();
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
    const byteLength = this.byteMapper(text, job);
    const lines = new LineCounter(text, this.lineMark);
    const out = this.newRow();
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

  /** Returns the chunk's line breaks when they are what it splits lines at ("\n"), else null. */
  private processJsonl(text: string, job: ChunkJob, builder: ChunkResultBuilder, bytewise: boolean): number | null {
    const nonAscii = bytewise ? new NonAsciiFinder(text) : null;
    // Bytewise, a line's characters are its bytes: a line holding non-ASCII is decoded straight from them.
    const source = bytewise ? bufferView(job.bytes) : null;
    const byteLength = this.byteMapper(text, job);
    const width = this.config.sourceColumns.length;
    const out = this.newRow();
    const values: unknown[] = new Array<unknown>(width);
    let start = 0;
    let byteOffset = 0;
    let lineOffset = 0;
    let newlines = 0;
    while (start < text.length) {
      const newlineAt = text.indexOf('\n', start);
      const end = newlineAt === -1 ? text.length : newlineAt + 1;
      const rowBytes = byteLength(start, end);
      let line = rawOf(text, start, end);
      // From the bytes, not Buffer.from(line, 'latin1'): no copy of the line first (138k lines of the bench's
      // JSONL: 125-207 ms → 87-110 ms).
      if (source !== null && nonAscii!.within(start, end)) line = source.toString('utf8', start, start + line.length);
      if (line.trim() === '') {
        builder.blankLine();
      } else {
        this.processJsonLine(line, values, out, builder, lineOffset, byteOffset, rowBytes);
      }
      byteOffset += rowBytes;
      lineOffset++;
      if (newlineAt !== -1) newlines++;
      start = end;
    }
    return this.lineMark === '\n' ? newlines : null;
  }

  private processJsonLine(
    line: string,
    values: unknown[],
    out: SqlValue[],
    builder: ChunkResultBuilder,
    lineOffset: number,
    byteOffset: number,
    rowBytes: number,
  ): void {
    const failures = readJsonRecord(line, this.columnIndex, values, this.plainJson, this.keyPlaces);
    if (failures) {
      builder.reject(lineOffset, byteOffset, line, failures);
      return;
    }
    // The line is the record's text without its terminator: what a rejected record keeps as raw.
    const outcome = this.rules.validate(values, out);
    if (outcome?.errors) {
      builder.reject(lineOffset, byteOffset, line, outcome.errors);
      return;
    }
    builder.accept(out, lineOffset, byteOffset, rowBytes);
    if (outcome?.warnings) builder.warn(lineOffset, outcome.warnings);
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

  /**
   * A chunk with bytes that are not valid UTF-8 (or UTF-16 with an unpaired surrogate): records that
   * decode are processed as usual; each record that does not is quarantined with its exact bytes (and
   * shown as windows-1252, or for UTF-16 with U+FFFD in place of the surrogate), so nothing is lost and
   * nothing is replaced silently.
   */
  private processInvalidText(job: ChunkJob): ChunkResult {
    const records = splitRecordBytes(job.bytes, this.config.dialect);
    const builder = new ChunkResultBuilder(job, this.width);
    const utf16 = unitBytesOf(this.config.dialect.encoding) === 2;
    // The non-fatal decoder shows UTF-16 as it is but for U+FFFD; UTF-8's bad bytes read best as windows-1252.
    const display = utf16 ? this.rawDecoder : createDecoder('windows-1252');
    const message = utf16
      ? 'holds an unpaired UTF-16 surrogate (half of a character without its other half; shown as U+FFFD; the exact bytes are kept in base64)'
      : 'bytes are not valid UTF-8 (shown as windows-1252; the exact bytes are kept in base64; re-run with --encoding windows-1252 if the whole file uses it)';
    let lineBreaks = 0;
    for (const record of records) {
      const bytes = job.bytes.subarray(record.start, record.end);
      let recordText: string | null = null;
      try {
        recordText = this.decoder.decode(bytes);
      } catch {
        recordText = null;
      }
      if (recordText === null) {
        const raw = display.decode(bytes);
        builder.reject(lineBreaks, record.start, raw.replace(/\r?\n$/, ''), [
          {
            field: null,
            rule: 'encoding',
            message,
            // The record's exact bytes, so it can be repaired and retried without going back to the file.
            bytes: Buffer.from(bytes).toString('base64'),
          },
        ]);
        lineBreaks += countOccurrences(raw, this.lineMark);
        continue;
      }
      builder.setBase(lineBreaks, record.start);
      const recordJob = { ...job, bytes: bytes };
      if (this.config.dialect.format === 'jsonl') this.processJsonl(recordText, recordJob, builder, false);
      else this.processCsv(recordText, recordJob, builder, false);
      builder.setBase(0, 0);
      lineBreaks += countOccurrences(recordText, this.lineMark);
    }
    return builder.finish(lineBreaks);
  }
}
