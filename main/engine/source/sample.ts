import Papa from 'papaparse';
import type { SourceLayout } from '../types.js';
import { createDecoder } from './encoding.js';
import { openSource } from './open-source.js';
import { sniffSource, type DialectOverrides } from './sniff.js';
import { parseJsonExact } from '../parse/json-lossless.js';

export interface SourceSample {
  layout: SourceLayout;
  columns: string[];
  /** Parsed records: strings for CSV, JSON values for JSONL. */
  rows: unknown[][];
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
 * record is dropped, and rows whose width does not match the header are left out.
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
    const readText = async (offset: number, length: number) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return decoder.decode(buffer.subarray(0, bytesRead - (bytesRead % (layout.dialect.encoding.startsWith('utf-16') ? 2 : 1))));
    };
    const headRows = Math.max(1, Math.ceil(maxRows / 2));
    const head = parseWindow(await readText(layout.dataStartOffset, HEAD_WINDOW_BYTES), layout, exact, false, size <= layout.dataStartOffset + HEAD_WINDOW_BYTES);
    const rows = head.slice(0, size > layout.dataStartOffset + HEAD_WINDOW_BYTES ? headRows : maxRows);
    if (size > layout.dataStartOffset + HEAD_WINDOW_BYTES && rows.length < maxRows) {
      const perWindow = Math.ceil((maxRows - rows.length) / SPREAD_WINDOWS);
      const span = size - layout.dataStartOffset - HEAD_WINDOW_BYTES;
      for (let w = 1; w <= SPREAD_WINDOWS && rows.length < maxRows; w++) {
        const offset = layout.dataStartOffset + HEAD_WINDOW_BYTES + Math.floor((span * w) / (SPREAD_WINDOWS + 1));
        const windowRows = parseWindow(await readText(offset, SPREAD_WINDOW_BYTES), layout, exact, true, false);
        rows.push(...windowRows.slice(0, Math.min(perWindow, maxRows - rows.length)));
      }
    }
    return { layout, columns: layout.columns, rows, totalBytes: size };
  } finally {
    await handle.close();
  }
}

/** `exact`: JSON numbers as json-lossless.ts gives them (for typing columns), else plain JS values (for previews). */
function parseWindow(text: string, layout: SourceLayout, exact: boolean, dropFirst: boolean, isEnd: boolean): unknown[][] {
  const lineEnd = text.lastIndexOf('\n');
  const body = isEnd || lineEnd === -1 ? text : text.slice(0, lineEnd + 1);
  const width = layout.columns.length;
  if (layout.dialect.format === 'jsonl') {
    const lines = body.split('\n');
    if (dropFirst) lines.shift();
    const rows: unknown[][] = [];
    const keys = layout.rawHeader ?? layout.columns;
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const value: unknown = exact ? parseJsonExact(line) : JSON.parse(line);
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          const record = value as Record<string, unknown>;
          rows.push(keys.map((key) => (Object.hasOwn(record, key) ? record[key] : undefined)));
        }
      } catch {
        // Bad lines are not part of a sample; the import quarantines them.
      }
    }
    return rows;
  }
  const parsed = Papa.parse<string[]>(body, {
    delimiter: layout.dialect.delimiter,
    quoteChar: layout.dialect.quoteChar,
    newline: layout.dialect.newline,
    skipEmptyLines: true,
  });
  const rows = dropFirst ? parsed.data.slice(1) : parsed.data;
  return rows.filter((row) => row.length === width);
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
      const offset = layout.dataStartOffset + Math.floor((span * w) / (KEY_WINDOWS + 1));
      const buffer = Buffer.alloc(Math.min(SPREAD_WINDOW_BYTES, size - offset));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      for (const line of decoder.decode(buffer.subarray(0, bytesRead)).split('\n').slice(1, -1)) {
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
