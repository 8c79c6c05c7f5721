import { isAscii, isUtf8 } from 'node:buffer';
import type { CompiledRules, SqlValue } from '../rules/contract.js';
import { compileRules, parseRuleFile } from '../rules/index.js';
import { type Decoder, createDecoder, unitBytesOf } from '../source/encoding.js';
import { bufferView } from '../source/buffer-view.js';
import { byteMapper, countOccurrences, newRow, rawOf, splitRecordBytes } from './chunk-text.js';
import type { ChunkJob, ChunkResult, WorkerConfig } from './chunk-types.js';
import { ChunkResultBuilder } from './chunk-result-builder.js';
import { CsvChunkReader } from './csv-chunk.js';
import { KeyPlaces, readJsonRecord } from './json-record.js';
import { NonAsciiFinder } from './bytewise-text.js';

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
  private readonly rawDecoder: Decoder;
  /** CSV imports: reads a chunk's records (csv-chunk.ts). */
  private readonly csv: CsvChunkReader | null;
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
    this.csv =
      config.dialect.format === 'csv'
        ? new CsvChunkReader(config, this.rules, this.rawDecoder, this.lineMark, this.width, unitBytesOf(config.dialect.encoding) === 1)
        : null;
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
      : this.csv!.process(text, job, builder, bytewise);
    // Line breaks are ASCII: bytewise text counts them the same. Counted while reading when the reader could.
    return builder.finish(lineBreaks ?? countOccurrences(text, this.lineMark));
  }

  /** Returns the chunk's line breaks when they are what it splits lines at ("\n"), else null. */
  private processJsonl(text: string, job: ChunkJob, builder: ChunkResultBuilder, bytewise: boolean): number | null {
    const nonAscii = bytewise ? new NonAsciiFinder(text) : null;
    // Bytewise, a line's characters are its bytes: a line holding non-ASCII is decoded straight from them.
    const source = bytewise ? bufferView(job.bytes) : null;
    const byteLength = byteMapper(this.config.dialect.encoding, text, job.bytes.length);
    const width = this.config.sourceColumns.length;
    const out = newRow(this.width);
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
      else this.csv!.process(recordText, recordJob, builder, false);
      builder.setBase(0, 0);
      lineBreaks += countOccurrences(recordText, this.lineMark);
    }
    return builder.finish(lineBreaks);
  }
}
