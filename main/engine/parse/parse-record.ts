import Papa from 'papaparse';
import type { RowFailure, SourceLayout } from '../types.js';
import { describeJsonError, jsonValueKind } from './json-errors.js';

/**
 * Parses one record typed or edited by a user (a quarantined row being fixed)
 * with the import's dialect, into source-ordered values, or explains why not.
 */
export function parseRecord(raw: string, layout: SourceLayout): { values: unknown[] } | { errors: RowFailure[] } {
  const columns = layout.columns;
  if (layout.dialect.format === 'jsonl') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      return { errors: [{ field: null, rule: 'json-syntax', message: describeJsonError(error, raw) }] };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { errors: [{ field: null, rule: 'json-object', message: `expected a JSON object, found ${jsonValueKind(parsed)}` }] };
    }
    const record = parsed as Record<string, unknown>;
    const unknown = Object.keys(record).filter((key) => !columns.includes(key));
    if (unknown.length > 0) {
      return {
        errors: unknown.map((key) => ({ field: key, rule: 'unknown-field', message: `"${key}" is not a column of the table` })),
      };
    }
    return { values: columns.map((column) => record[column]) };
  }
  const { delimiter, quoteChar, newline } = layout.dialect;
  const result = Papa.parse<string[]>(raw, { delimiter, quoteChar, escapeChar: quoteChar, newline, skipEmptyLines: true });
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
