/** Small text and byte helpers for the chunk processor: positions, blank records, terminators. */
import type Papa from 'papaparse';
import type { Dialect, RowFailure } from '../types.js';
import { bufferView } from '../source/buffer-view.js';
import { CsvBoundaryScanner, scanLineBoundaries } from '../source/record-boundary.js';
import type { SqlValue } from '../rules/contract.js';
import { encodedLength } from '../source/encoding.js';

/**
 * Splits whole records by byte offsets. Record boundaries are ASCII (or
 * 2-byte UTF-16 units), so this works even where decoding fails.
 */
export function splitRecordBytes(bytes: Uint8Array, dialect: Dialect): { start: number; end: number }[] {
  const records: { start: number; end: number }[] = [];
  let start = 0;
  const push = (end: number) => {
    records.push({ start, end });
    start = end;
  };
  if (dialect.format === 'jsonl') scanLineBoundaries(bytes, 0, bytes.length, push, dialect.encoding.startsWith('utf-16') ? 2 : 1, dialect.encoding === 'utf-16be');
  else {
    CsvBoundaryScanner.forDialect(dialect).scan(bytes, 0, bytes.length, push);
  }
  if (start < bytes.length) records.push({ start, end: bytes.length });
  return records;
}

/**
 * Counts line breaks before a position, moving forward only (records arrive
 * in order). Works on text (char offsets) or bytes (byte offsets): both have
 * indexOf with the same meaning.
 */
export class LineCounter<T extends string | Uint8Array> {
  private readonly positions: number[] = [];
  private next = 0;
  constructor(haystack: T, mark: T extends string ? string : number) {
    const searchable = typeof haystack === 'string' ? haystack : bufferView(haystack);
    const find = (from: number) => (searchable as { indexOf(m: unknown, from: number): number }).indexOf(mark, from);
    for (let i = find(0); i !== -1; i = find(i + 1)) this.positions.push(i);
  }
  /** Every line break in the haystack. */
  get total(): number {
    return this.positions.length;
  }

  breaksBefore(offset: number): number {
    while (this.next < this.positions.length && this.positions[this.next]! < offset) this.next++;
    return this.next;
  }
}

export function countOccurrences(text: string, mark: string): number {
  let count = 0;
  for (let i = text.indexOf(mark); i !== -1; i = text.indexOf(mark, i + 1)) count++;
  return count;
}

export function isBlankBytes(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

export function stripTerminator(text: string): string {
  let stop = text.length;
  if (stop > 0 && text.charCodeAt(stop - 1) === 0x0a) stop--;
  if (stop > 0 && text.charCodeAt(stop - 1) === 0x0d) stop--;
  return text.slice(0, stop);
}

export function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

/** The record's text without its terminator. */
export function rawOf(text: string, start: number, end: number): string {
  let stop = end;
  if (stop > start && text.charCodeAt(stop - 1) === 0x0a) stop--;
  if (stop > start && text.charCodeAt(stop - 1) === 0x0d) stop--;
  return text.slice(start, stop);
}

export function csvSyntaxFailure(error: Papa.ParseError): RowFailure {
  const messages: Record<string, string> = {
    MissingQuotes: 'a quoted field is not closed (missing closing quote)',
    InvalidQuotes: 'a quote inside a quoted field is not escaped (write "" for a literal quote)',
    UndetectableDelimiter: 'could not detect the delimiter',
    TooFewFields: 'too few fields',
    TooManyFields: 'too many fields',
  };
  return { field: null, rule: 'csv-syntax', message: messages[error.code] ?? 'malformed CSV record' };
}


/** One row's values, all NULL: the absent-keys marker slot stays NULL unless the rules write it. */
export function newRow(width: number): SqlValue[] {
  return new Array<SqlValue>(width).fill(null);
}

/** Byte length of text[start, end) of a chunk of `byteCount` bytes, fast when the chunk is one byte per character. */
export function byteMapper(encoding: string, text: string, byteCount: number): (start: number, end: number) => number {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return (start, end) => 2 * (end - start);
  if (encoding === 'windows-1252' || encoding === 'iso-8859-15' || text.length === byteCount) return (start, end) => end - start;
  if (encoding === 'shift_jis' || encoding === 'gb18030') return (start, end) => encodedLength(text.slice(start, end), encoding);
  return (start, end) => Buffer.byteLength(text.slice(start, end), 'utf8');
}
