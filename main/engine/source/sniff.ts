import fs from 'node:fs/promises';
import path from 'node:path';
import Papa from 'papaparse';
import type { Dialect, SourceFormat, SourceLayout } from '../types.js';
import { SluiceError } from '../errors.js';
import { type EncodingGuess, createDecoder, guessEncoding, unitBytesOf } from './encoding.js';
import { CsvBoundaryScanner, type NewlineMode } from './record-boundary.js';
import { openSource } from './open-source.js';
import { parseDelimiterOverride } from './delimiter-override.js';
import { dominantLineEnd, papaText } from './line-ends.js';
import { uniqueColumnNames } from './column-names.js';

export { parseDelimiterOverride };

export interface DialectOverrides {
  format?: SourceFormat;
  delimiter?: string;
  hasHeader?: boolean;
  encoding?: string;
  quoteChar?: string;
}

const FIRST_SAMPLE_BYTES = 64 * 1024;
/** A header longer than this (tens of thousands of wide columns) is refused rather than buffered. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;
const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'];
const SAMPLE_ROWS = 50;
const DATA_LIKE = /^\s*(?:[-+]?(?:\d[\d,]*)?\.?\d+(?:[eE][-+]?\d+)?%?|\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|true|false)\s*$/i;

export function formatFromPath(filePath: string): SourceFormat | null {
  const ext = path.extname(filePath).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt' || ext === '.psv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  return null;
}

/**
 * CR alone when the sample has no LF (an old Mac file), else LF; whether the file's own line end (what an
 * export writes back) is LF or CRLF is settled once the quoting is known (dominantLineEnd). LF and CRLF
 * files read alike (record-boundary.ts).
 */
function detectNewline(text: string): NewlineMode {
  const lf = text.indexOf('\n');
  if (lf === -1) return text.indexOf('\r') === -1 ? '\n' : '\r';
  // A CR before the first LF with no LF right after it: an old Mac file that also holds an LF somewhere.
  const cr = text.indexOf('\r');
  return cr !== -1 && cr < lf - 1 ? '\r' : '\n';
}

/**
 * Picks the candidate that splits the sample's rows most consistently into
 * more than one field (papaparse's own guess is thrown off by a comma inside
 * an unquoted value of a semicolon file, common in European exports).
 */
function guessDelimiter(text: string, newline: NewlineMode, extension: string): string {
  if (extension === '.tsv') return '\t';
  if (extension === '.psv') return '|';
  let best = { delimiter: ',', share: 0, width: 1 };
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const papa = papaText(text, { delimiter, quoteChar: '"', newline }, false);
    const rows = Papa.parse<string[]>(papa.text, { delimiter, newline: papa.newline, preview: SAMPLE_ROWS, skipEmptyLines: true }).data;
    if (rows.length === 0) continue;
    const widths = new Map<number, number>();
    for (const row of rows) widths.set(row.length, (widths.get(row.length) ?? 0) + 1);
    const [width, count] = [...widths.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
    if (width < 2) continue;
    const share = count / rows.length;
    if (share > best.share || (share === best.share && width > best.width)) best = { delimiter, share, width };
  }
  return best.delimiter;
}

function guessQuoteChar(text: string, delimiter: string): string {
  // A single quote is only chosen when it clearly opens fields and a double quote never does.
  const opens = (quote: string) =>
    text.split(new RegExp(`(?:^|[\\n${delimiter === '\t' ? '\\t' : `\\${delimiter}`}])${quote}`)).length - 1;
  return opens('"') === 0 && opens("'") >= 2 ? "'" : '"';
}

function guessHasHeader(rows: string[][]): boolean {
  const first = rows[0];
  if (!first || first.length === 0) return true;
  const rest = rows.slice(1);
  if (!first.some((cell) => DATA_LIKE.test(cell))) {
    if (rest.length === 0) return true;
    // A header cell differs from its column when that column holds data-like values below it.
    const distinct = new Set(first.map((cell) => cell.trim()));
    return distinct.size >= Math.ceil(first.length / 2);
  }
  if (rest.length === 0) return false;
  // Some first-row cells look like data, as headers such as "2024" or "1" do. Each column whose values below
  // are all of one kind votes, as Python's csv.Sniffer does: a first cell of another kind ("id" above numbers)
  // for a header, one of the same kind for data. A tie with a vote for a header is a header: most files have one.
  let forHeader = 0;
  let forData = 0;
  for (let column = 0; column < first.length; column++) {
    const kind = columnKind(rest, column);
    if (kind === null) continue;
    if (cellKind(first[column]!) === kind) forData++;
    else forHeader++;
  }
  return forHeader > 0 && forHeader >= forData;
}

type CellKind = 'number' | 'date' | 'boolean' | 'text' | 'empty';
const NUMBER_LIKE = /^\s*[-+]?(?:\d[\d,]*)?\.?\d+(?:[eE][-+]?\d+)?%?\s*$/;
const DATE_LIKE = /^\s*(?:\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\s*$/;

function cellKind(cell: string): CellKind {
  if (cell.trim() === '') return 'empty';
  if (NUMBER_LIKE.test(cell)) return 'number';
  if (DATE_LIKE.test(cell)) return 'date';
  return /^\s*(?:true|false)\s*$/i.test(cell) ? 'boolean' : 'text';
}

/** The one data kind of a column's non-empty values below the first row; null when they mix, are text, or are all empty. */
function columnKind(rows: readonly string[][], column: number): CellKind | null {
  let kind: CellKind | null = null;
  for (const row of rows) {
    const cell = row[column];
    if (cell === undefined) continue;
    const own = cellKind(cell);
    if (own === 'empty') continue;
    if (own === 'text' || (kind !== null && own !== kind)) return null;
    kind = own;
  }
  return kind;
}

const SPREAD_WINDOWS = 8;
const SPREAD_WINDOW_BYTES = 16 * 1024;

/**
 * The head plus windows spread across the file and its end, for guessing the encoding:
 * a file whose first bytes are ASCII may hold its accents further down.
 * Windows are trimmed to whole UTF-8 sequences at both ends.
 */
async function spreadSample(filePath: string, head: Uint8Array, size: number): Promise<Uint8Array> {
  if (size <= head.length) return head;
  const headBreak = head.lastIndexOf(0x0a);
  const parts: Uint8Array[] = [headBreak > 0 ? head.subarray(0, headBreak + 1) : head];
  const handle = await openSource(filePath);
  try {
    for (let w = 1; w <= SPREAD_WINDOWS; w++) {
      // The last window is the file's end: footers and the latest records appended are where late accents sit.
      const offset = w === SPREAD_WINDOWS
        ? Math.max(head.length, size - SPREAD_WINDOW_BYTES)
        : head.length + Math.floor(((size - head.length) * w) / SPREAD_WINDOWS);
      const buffer = Buffer.alloc(Math.min(SPREAD_WINDOW_BYTES, size - offset));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      let start = 0;
      while (start < 4 && start < bytesRead && (buffer[start]! & 0xc0) === 0x80) start++;
      let end = bytesRead;
      // Cut at the last line break so no sequence is split at the window's end.
      const lastBreak = buffer.lastIndexOf(0x0a, bytesRead - 1);
      if (lastBreak > start) end = lastBreak + 1;
      parts.push(buffer.subarray(start, end));
    }
  } finally {
    await handle.close();
  }
  return Buffer.concat(parts);
}

/** Reads up to `bytes` bytes from the start of the file. */
async function readHead(filePath: string, bytes: number): Promise<Uint8Array> {
  const handle = await openSource(filePath);
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function sniffSource(filePath: string, overrides: DialectOverrides = {}): Promise<SourceLayout> {
  const stat = await fs.stat(filePath).catch(() => null);
  const format = overrides.format ?? formatFromPath(filePath) ?? 'csv';
  let sampleBytes = FIRST_SAMPLE_BYTES;
  let guess: EncodingGuess | null = null;
  for (;;) {
    const head = await readHead(filePath, sampleBytes);
    guess ??= overrides.encoding ? null : guessEncoding(await spreadSample(filePath, head, stat?.size ?? 0));
    const layout = layoutFromHead(filePath, head, format, overrides, head.length < sampleBytes, guess);
    if (layout) return layout;
    if (sampleBytes >= MAX_HEADER_BYTES) {
      throw new SluiceError(
        'FILE_UNREADABLE',
        `${filePath}: the first record is longer than ${MAX_HEADER_BYTES / 1024 / 1024} MB; is this a CSV file?`,
      );
    }
    sampleBytes = Math.min(sampleBytes * 4, MAX_HEADER_BYTES, Math.max(stat?.size ?? 0, FIRST_SAMPLE_BYTES));
  }
}

/** Returns null when the sample does not hold the whole first record yet. */
function layoutFromHead(
  filePath: string,
  head: Uint8Array,
  format: SourceFormat,
  overrides: DialectOverrides,
  isWholeFile: boolean,
  sniffed: EncodingGuess | null,
): SourceLayout | null {
  const guess = sniffed ?? guessEncoding(head, overrides.encoding);
  const unitBytes = unitBytesOf(guess.encoding);
  const body = head.subarray(guess.bomBytes, head.length - ((head.length - guess.bomBytes) % unitBytes));
  const text = createDecoder(guess.encoding).decode(body);
  const newline = detectNewline(text);
  const dialectBase = {
    format,
    encoding: guess.encoding,
    encodingReason: guess.reason,
    bomBytes: guess.bomBytes,
    newline,
  } as const;

  if (format === 'jsonl') {
    const dialect: Dialect = { ...dialectBase, newline: '\n', delimiter: '\n', quoteChar: '"', hasHeader: false };
    const keys = jsonlColumns(text, isWholeFile);
    return {
      dialect,
      columns: uniqueColumnNames(keys),
      dataStartOffset: guess.bomBytes,
      dataStartLine: 1,
      rawHeader: keys,
    };
  }

  const extension = path.extname(filePath).toLowerCase();
  const delimiter = overrides.delimiter !== undefined ? parseDelimiterOverride(overrides.delimiter) : guessDelimiter(text, newline, extension);
  const quoteChar = overrides.quoteChar ?? guessQuoteChar(text, delimiter);
  // Files edited on two systems mix LF and CRLF: the export writes the one most records end with.
  const lineEnd = newline === '\r' ? newline : dominantLineEnd(text, { delimiter, quoteChar });
  const papa = papaText(text, { delimiter, quoteChar, newline }, isWholeFile);
  const parsed = Papa.parse<string[]>(papa.text, { delimiter, quoteChar, newline: papa.newline, preview: SAMPLE_ROWS });
  const rows = parsed.data.filter((row) => !(row.length === 1 && row[0] === ''));
  const hasHeader = overrides.hasHeader ?? guessHasHeader(rows);
  const dialect: Dialect = { ...dialectBase, newline: lineEnd, delimiter, quoteChar, hasHeader };

  // Find where the first record ends, in bytes, with the same scanner the reader uses.
  const scanner = CsvBoundaryScanner.forDialect(dialect);
  let firstBoundary = -1;
  scanner.scan(head, guess.bomBytes, head.length, (offset) => {
    if (firstBoundary === -1) firstBoundary = offset;
  });
  if (firstBoundary === -1 && !isWholeFile) return null;
  const headerEnd = firstBoundary === -1 ? head.length : firstBoundary;

  const firstRow = rows[0] ?? [];
  const width = Math.max(firstRow.length, 1);
  if (!hasHeader) {
    const columns = Array.from({ length: width }, (_, i) => `column_${i + 1}`);
    return { dialect, columns, dataStartOffset: guess.bomBytes, dataStartLine: 1, rawHeader: null };
  }
  const headerText = createDecoder(guess.encoding).decode(head.subarray(guess.bomBytes, headerEnd));
  return {
    dialect,
    columns: uniqueColumnNames(firstRow),
    dataStartOffset: headerEnd,
    dataStartLine: 1 + countLineBreaks(headerText, newline),
    rawHeader: firstRow,
  };
}

export function countLineBreaks(text: string, newline: NewlineMode): number {
  const mark = newline === '\r' ? '\r' : '\n';
  let count = 0;
  for (let i = text.indexOf(mark); i !== -1; i = text.indexOf(mark, i + 1)) count++;
  return count;
}

/** Keys of the first objects in the sample, in first-seen order. */
function jsonlColumns(text: string, isWholeFile: boolean): string[] {
  const keys = new Set<string>();
  const lines = text.split('\n');
  if (!isWholeFile) lines.pop();
  for (const line of lines.slice(0, 1000)) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) for (const key of Object.keys(value)) keys.add(key);
    } catch {
      // Malformed lines are quarantined by the import; they name no columns.
    }
  }
  return [...keys];
}
