import Papa from 'papaparse';
import type { RowFailure, SourceLayout } from '../types.js';
import { readJsonRecord } from './json-record.js';
import { papaText } from '../source/line-ends.js';

/**
 * Parses one record typed or edited by a user (a quarantined row being fixed)
 * with the import's dialect, into source-ordered values, or explains why not.
 */
export function parseRecord(raw: string, layout: SourceLayout, plain = true): { values: unknown[] } | { errors: RowFailure[] } {
  const columns = layout.columns;
  if (layout.dialect.format === 'jsonl') {
    const values = new Array<unknown>(columns.length);
    const keys = layout.rawHeader ?? columns;
    const errors = readJsonRecord(raw, new Map(keys.map((name, i) => [name, i])), values, plain);
    return errors ? { errors } : { values };
  }
  const { delimiter, quoteChar } = layout.dialect;
  const papa = papaText(raw, layout.dialect, true);
  const result = Papa.parse<string[]>(papa.text, { delimiter, quoteChar, escapeChar: quoteChar, newline: papa.newline, skipEmptyLines: true });
  if (result.errors.length > 0) {
    return { errors: [{ field: null, rule: 'csv-syntax', message: 'the row is not valid CSV (check its quotes)' }] };
  }
  if (result.data.length !== 1) {
    return { errors: [{ field: null, rule: 'row-shape', message: `expected one record, found ${result.data.length}` }] };
  }
  const fields = result.data[0]!;
  if (fields.length !== columns.length) {
    return { errors: [{ field: null, rule: 'row-shape', message: `expected ${columns.length} fields, found ${fields.length}` }] };
  }
  return { values: fields };
}
