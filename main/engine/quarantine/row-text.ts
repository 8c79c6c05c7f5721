import Papa from 'papaparse';
import { parseRecord } from '../parse/parse-record.js';
import type { SourceLayout } from '../types.js';

/**
 * A quarantined row's text as fields, and back: what field-by-field editing
 * works on. CSV fields are the strings the file held; JSONL fields are the
 * JSON values of the object's keys.
 */
export function readRowValues(raw: string, layout: SourceLayout): unknown[] | null {
  if (layout.dialect.format === 'jsonl') {
    const object = parseObject(raw);
    return object ? layout.columns.map((name) => object[name]) : null;
  }
  const parsed = parseRecord(raw, layout);
  return 'values' in parsed ? parsed.values : null;
}

/**
 * The row's text with these field values, in the import's dialect. JSONL keeps
 * the keys it had outside the columns; a value left undefined drops its key.
 */
export function writeRowValues(raw: string, layout: SourceLayout, values: readonly unknown[]): string {
  if (layout.dialect.format === 'jsonl') {
    const object: Record<string, unknown> = { ...(parseObject(raw) ?? {}) };
    layout.columns.forEach((name, i) => {
      if (values[i] === undefined) delete object[name];
      else object[name] = values[i];
    });
    return JSON.stringify(object);
  }
  const fields = layout.columns.map((_, i) => (values[i] === undefined || values[i] === null ? '' : String(values[i])));
  return Papa.unparse([fields], { delimiter: layout.dialect.delimiter, quoteChar: layout.dialect.quoteChar, newline: '\n' });
}

function parseObject(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
