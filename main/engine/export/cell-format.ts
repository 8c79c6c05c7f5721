/**
 * Stored values back to text, read with the table's stored schema
 * (store/table-schemas.ts) and each value's storage class (rows are read
 * with safeIntegers, so INTEGER arrives as bigint, REAL as number). See
 * rules/lossless-columns.ts for how values were stored.
 */
import { formatJsonFloat } from '../parse/json-lossless.js';
import type { StoredField } from '../store/table-schemas.js';

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const utf8 = new TextDecoder();

export type CellFormatter = (value: unknown) => string;

function booleanText(field: StoredField, value: bigint, json: boolean): string | null {
  if (value !== 0n && value !== 1n) return null;
  if (json) return value === 1n ? 'true' : 'false';
  return value === 1n ? (field.trueValues?.[0] ?? 'true') : (field.falseValues?.[0] ?? 'false');
}

/** A CSV cell (unquoted) for one column: booleans as the field spells them, numbers without float noise, NULL empty. */
export function csvFormatter(field: StoredField | undefined): CellFormatter {
  const isBoolean = field?.type === 'boolean';
  return (value) => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'bigint') return (isBoolean && booleanText(field!, value, false)) || value.toString();
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string') return value;
    if (value instanceof Uint8Array) {
      if (!field) return Buffer.from(value).toString('base64');
      // A BLOB holds the JSON text of a value whose kind differed from its column's type.
      const text = utf8.decode(value);
      return text.startsWith('"') ? (JSON.parse(text) as string) : text;
    }
    return String(value);
  };
}

/** The JSON text of one cell: numbers exact, floats still floats, booleans and nested values as JSON. */
export function jsonFormatter(field: StoredField | undefined): CellFormatter {
  const type = field?.type;
  const isBoolean = type === 'boolean';
  const isNumeric = type === 'integer' || type === 'number' || type === 'year';
  const isJson = type === 'object' || type === 'array' || type === 'geojson';
  return (value) => {
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'bigint') {
      if (isBoolean) return booleanText(field!, value, true) ?? value.toString();
      return value.toString();
    }
    if (typeof value === 'number') return field ? formatJsonFloat(value) : JSON.stringify(value);
    if (typeof value === 'string') {
      // Integers beyond int64 (and numbers beyond double range) are kept as their exact text.
      if (isNumeric && JSON_NUMBER.test(value)) return value;
      if (isJson) return value;
      return JSON.stringify(value);
    }
    if (value instanceof Uint8Array) return field ? utf8.decode(value) : JSON.stringify(Buffer.from(value).toString('base64'));
    return JSON.stringify(value);
  };
}

/** Quotes a CSV field only when it needs it. */
export function quoteCsv(text: string, delimiter: string): string {
  if (text.includes('"') || text.includes(delimiter) || text.includes('\n') || text.includes('\r')) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}
