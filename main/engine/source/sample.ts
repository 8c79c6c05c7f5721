import Papa from 'papaparse';
import type { RowFailure, SourceLayout } from '../types.js';
import { describeJsonError, jsonValueKind } from '../parse/json-record.js';
import { createDecoder } from './encoding.js';
import { papaText } from './line-ends.js';
import { openSource } from './open-source.js';
import { sniffSource, type DialectOverrides } from './sniff.js';
import { parseJsonExact } from '../parse/json-lossless.js';

export interface SourceSample {
  layout: SourceLayout;
  columns: string[];
  /** Parsed well-formed records: strings for CSV, JSON values for JSONL (what inference reads). */
  rows: unknown[][];
  /**
   * Every sampled record in file order, malformed ones included (cut or padded
   * to the header's width), for previews and the rules' Sample check.
   */
  previewRows: unknown[][];
  /** Per preview row: why the import would quarantine it before any rule runs (wrong width, bad JSON), else null. */
  malformed: (RowFailure | null)[];
  /** Per preview row: its row number in the import (null for rows from windows mid-file, whose number is unknown). */
  rowNumbers: (number | null)[];
  /** Size of the source file in bytes. */
  totalBytes: number;
}

const HEAD_WINDOW_BYTES = 1024 * 1024;
const SPREAD_WINDOWS = 8;
const SPREAD_WINDOW_BYTES = 64 * 1024;

/**
 * A sample for inference and previews: the first records plus records from
 * windows spread across the file, so a column that only goes bad late in the
 * file still shows up. Windows start mid-file, so their first (partial)
 * record is dropped. Malformed records (a width that does not match the header,
 * a bad JSONL line) stay in the preview rows with their reason, so the
 * preview counts and numbers rows as the import does; inference skips them.
 */
export async function sampleSource(filePath: string, maxRows = 1000, overrides: DialectOverrides = {}): Promise<SourceSample> {
  const layout = await sniffSource(filePath, overrides);
  return sampleWithLayout(filePath, layout, maxRows);
}

/** sampleSource for a layout already known (an import's, with every JSONL key the file has). */
export async function sampleWithLayout(filePath: string, layout: SourceLayout, maxRows = 1000, exact = false): Promise<SourceSample> {
  const handle = await openSource(filePath);
  try {
    const { size } = await handle.stat();
    const decoder = createDecoder(layout.dialect.encoding);
    const utf16 = layout.dialect.encoding.startsWith('utf-16');
    const readText = async (offset: number, length: number) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      const bytes = buffer.subarray(0, bytesRead - (bytesRead % (utf16 ? 2 : 1)));
      // Node's own UTF-16 decoding keeps an unpaired surrogate as it is (TextDecoder would make it U+FFFD), so
      // the records holding one can be told from those holding a real U+FFFD.
      if (!utf16) return decoder.decode(bytes);
      return layout.dialect.encoding === 'utf-16be' ? Buffer.from(bytes).swap16().toString('utf16le') : bytes.toString('utf16le');
    };
    const parseChecked = (text: string, dropFirst: boolean, isEnd: boolean): SampledRecord[] => {
      const records = parseWindow(text, layout, exact, dropFirst, isEnd);
      return utf16 && LONE_SURROGATE.test(text) ? records.map(flagLoneSurrogates) : records;
    };
    const headRows = Math.max(1, Math.ceil(maxRows / 2));
    const head = parseChecked(await readText(layout.dataStartOffset, HEAD_WINDOW_BYTES), false, size <= layout.dataStartOffset + HEAD_WINDOW_BYTES);
    // Head records are numbered as the import numbers them: every record counts, malformed or not.
    const records = head.slice(0, size > layout.dataStartOffset + HEAD_WINDOW_BYTES ? headRows : maxRows).map((record, i) => ({ ...record, rowNumber: (i + 1) as number | null }));
    if (size > layout.dataStartOffset + HEAD_WINDOW_BYTES && records.length < maxRows) {
      const perWindow = Math.ceil((maxRows - records.length) / SPREAD_WINDOWS);
      const span = size - layout.dataStartOffset - HEAD_WINDOW_BYTES;
      for (let w = 1; w <= SPREAD_WINDOWS && records.length < maxRows; w++) {
        const within = HEAD_WINDOW_BYTES + Math.floor((span * w) / (SPREAD_WINDOWS + 1));
        // On a code unit: a UTF-16 window that starts on an odd byte would read every character shifted.
        const offset = layout.dataStartOffset + within - (utf16 ? within % 2 : 0);
        const windowRecords = parseChecked(await readText(offset, SPREAD_WINDOW_BYTES), true, false);
        records.push(...windowRecords.slice(0, Math.min(perWindow, maxRows - records.length)).map((record) => ({ ...record, rowNumber: null })));
      }
    }
    return {
      layout,
      columns: layout.columns,
      rows: records.filter((record) => record.failure === null).map((record) => record.values),
      previewRows: records.map((record) => record.values),
      malformed: records.map((record) => record.failure),
      rowNumbers: records.map((record) => record.rowNumber),
      totalBytes: size,
    };
  } finally {
    await handle.close();
  }
}

interface SampledRecord {
  values: unknown[];
  failure: RowFailure | null;
}

/** A high surrogate not followed by a low one, or a low one not after a high one (String#isWellFormed is ES2024). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

const ENCODING_FAILURE: RowFailure = {
  field: null,
  rule: 'encoding',
  message: 'holds an unpaired UTF-16 surrogate (half of a character without its other half; shown as U+FFFD; the exact bytes are kept in base64)',
};

/** A record holding an unpaired surrogate fails as the import fails it; its values show U+FFFD there, as any decoder would. */
function flagLoneSurrogates(record: SampledRecord): SampledRecord {
  if (record.values.every(isWellFormedValue)) return record;
  return { values: record.values.map(wellFormedValue), failure: record.failure ?? ENCODING_FAILURE };
}

function isWellFormedValue(value: unknown): boolean {
  if (typeof value === 'string') return !LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.every(isWellFormedValue);
  if (value && typeof value === 'object') return Object.entries(value).every(([key, inner]) => !LONE_SURROGATE.test(key) && isWellFormedValue(inner));
  return true;
}

function wellFormedValue(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(LONE_SURROGATES, '\ufffd');
  if (Array.isArray(value)) return value.map(wellFormedValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key.replace(LONE_SURROGATES, '\ufffd'), wellFormedValue(inner)]));
  return value;
}

/** `exact`: JSON numbers as json-lossless.ts gives them (for typing columns), else plain JS values (for previews). */
function parseWindow(text: string, layout: SourceLayout, exact: boolean, dropFirst: boolean, isEnd: boolean): SampledRecord[] {
  const lineEnd = text.lastIndexOf('\n');
  const body = isEnd || lineEnd === -1 ? text : text.slice(0, lineEnd + 1);
  const width = layout.columns.length;
  if (layout.dialect.format === 'jsonl') {
    const lines = body.split('\n');
    if (dropFirst) lines.shift();
    const records: SampledRecord[] = [];
    const keys = layout.rawHeader ?? layout.columns;
    for (const raw of lines) {
      if (raw.trim() === '') continue;
      const line = raw.replace(/\r$/, '');
      let value: unknown;
      try {
        value = exact ? parseJsonExact(line) : JSON.parse(line);
      } catch (error) {
        // The reason the import gives a bad line (never its contents).
        records.push({ values: new Array<unknown>(width).fill(undefined), failure: { field: null, rule: 'json-syntax', message: describeJsonError(error, line) } });
        continue;
      }
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const record = value as Record<string, unknown>;
        records.push({ values: keys.map((key) => (Object.hasOwn(record, key) ? record[key] : undefined)), failure: null });
      } else {
        records.push({ values: new Array<unknown>(width).fill(undefined), failure: { field: null, rule: 'json-object', message: `expected a JSON object, found ${jsonValueKind(value)}` } });
      }
    }
    return records;
  }
  const papa = papaText(body, layout.dialect, isEnd);
  const parsed = Papa.parse<string[]>(papa.text, {
    delimiter: layout.dialect.delimiter,
    quoteChar: layout.dialect.quoteChar,
    newline: papa.newline,
    skipEmptyLines: true,
  });
  const rows = dropFirst ? parsed.data.slice(1) : parsed.data;
  return rows.map((fields) => {
    if (fields.length === width) return { values: fields, failure: null };
    const values = fields.length > width ? fields.slice(0, width) : [...fields, ...new Array<string>(width - fields.length).fill('')];
    return { values, failure: { field: null, rule: 'row-shape', message: `expected ${width} fields, found ${fields.length}` } };
  });
}

const KEY_WINDOWS = 32;

/**
 * JSONL keys seen in the first lines and in windows spread across the whole
 * file, in first-seen order: log-like files often grow keys later on, and a
 * key missed here would quarantine every line that has it.
 */
export async function jsonlKeysAcross(filePath: string, layout: SourceLayout): Promise<string[]> {
  const keys = new Set(layout.rawHeader ?? layout.columns);
  const handle = await openSource(filePath);
  try {
    const { size } = await handle.stat();
    const decoder = createDecoder(layout.dialect.encoding);
    const span = size - layout.dataStartOffset;
    if (span <= HEAD_WINDOW_BYTES) return [...keys];
    for (let w = 1; w <= KEY_WINDOWS; w++) {
      const within = Math.floor((span * w) / (KEY_WINDOWS + 1));
      // UTF-16 windows start and end on a code unit, or every character reads shifted.
      const unit = layout.dialect.encoding.startsWith('utf-16') ? 2 : 1;
      const offset = layout.dataStartOffset + within - (within % unit);
      const buffer = Buffer.alloc(Math.min(SPREAD_WINDOW_BYTES, size - offset));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      for (const line of decoder.decode(buffer.subarray(0, bytesRead - (bytesRead % unit))).split('\n').slice(1, -1)) {
        try {
          const value: unknown = JSON.parse(line);
          if (value && typeof value === 'object' && !Array.isArray(value)) for (const key of Object.keys(value)) keys.add(key);
        } catch {
          // A malformed line names no columns; the import quarantines it.
        }
      }
    }
    return [...keys];
  } finally {
    await handle.close();
  }
}
