/**
 * Typing without rules. A column gets a logical type from the values in a
 * sample, but each value is converted only when nothing is lost: the stored
 * value prints back as the exact source text (CSV) or the same JSON value
 * (JSONL). Anything else is stored as it came, so nothing is quarantined for
 * its type without a rule. Columns are declared without affinity, so SQLite
 * keeps exactly what is handed to it; the storage class then tells the kinds apart:
 *   - CSV: INTEGER/REAL where the text was a canonical number, 0/1 for the
 *     column's true/false spelling, TEXT for everything else;
 *   - JSONL: INTEGER (int64) and REAL numbers, TEXT strings (or, in number
 *     columns, the exact text of numbers no JS number holds, and in object/array columns
 *     the JSON text), 0/1 booleans in boolean columns, and a BLOB holding the
 *     JSON text of any value whose kind differs from the column's type.
 */
import { JsonFloat, JsonNumberText, stringifyJsonExact } from '../parse/json-lossless.js';
import type { SqlValue } from './contract.js';

export type LosslessType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'date' | 'any';

export interface ColumnType {
  type: LosslessType;
  /** For boolean columns typed from CSV text: the spellings that become 1 and 0. */
  trueValues?: string[];
  falseValues?: string[];
}

const TRUE_FALSE: readonly [string, string][] = [['true', 'false'], ['True', 'False'], ['TRUE', 'FALSE']];
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * SQLite INTEGER for canonical integer text within int64, else null. Short
 * integers go through a JS number: BigInt(number) costs a fraction of BigInt(string).
 */
export function integerFromText(text: string): bigint | null {
  const length = text.length;
  const negative = text.charCodeAt(0) === 45; /* - */
  const start = negative ? 1 : 0;
  if (start === length) return null;
  if (text.charCodeAt(start) === 48 /* 0 */) return length === 1 ? 0n : null;
  let value = 0;
  for (let i = start; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  if (length - start <= 15) return BigInt(negative ? -value : value);
  const big = BigInt(text);
  return big <= INT64_MAX && big >= INT64_MIN ? big : null;
}

/**
 * A REAL whose shortest printed form is exactly the text ("1.5" yes; "1.50",
 * "1e3", "2.0" no). Plain decimals of at most 15 significant digits (no
 * trailing zero, not below 1e-6) are exactly that without printing them back:
 * no other decimal that short lies as close to the same double.
 */
export function floatFromText(text: string): number | null {
  const length = text.length;
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let point = -1;
  let i = start;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */ && point === -1) point = i;
    else if (c >= 48 && c <= 57) digits++;
    else break;
  }
  if (i === length && point > start && point < length - 1 && digits <= 15 && text.charCodeAt(length - 1) !== 48
    && (text.charCodeAt(start) !== 48 || point === start + 1) && !(point === start + 1 && text.startsWith('000000', point + 1) && text.charCodeAt(start) === 48)) {
    // A leading "0." counts as no significant digit; "0.0000001" prints as 1e-7, so it takes the slow path above.
    return Number(text);
  }
  const value = Number(text);
  return Number.isFinite(value) && text !== '' && String(value) === text ? value : null;
}

/** Share of a column's sample values that must fit a type for the column to take it; the rest are stored as they came. */
const TYPE_SHARE = 0.5;

/** Logical type of a CSV column from sample texts (empty cells ignored): the first type most values fit. */
export function csvColumnType(texts: readonly string[]): ColumnType {
  const values = texts.filter((text) => text !== '');
  if (values.length === 0) return { type: 'string' };
  const share = (fits: (text: string) => boolean) => values.filter(fits).length / values.length;
  const integers = share((text) => integerFromText(text) !== null);
  if (integers >= TYPE_SHARE && integers === 1) return { type: 'integer' };
  const numbers = share((text) => integerFromText(text) !== null || floatFromText(text) !== null);
  if (numbers >= TYPE_SHARE) return { type: integers === numbers ? 'integer' : 'number' };
  for (const [yes, no] of TRUE_FALSE) {
    if (share((text) => text === yes || text === no) >= TYPE_SHARE) return { type: 'boolean', trueValues: [yes], falseValues: [no] };
  }
  // Dates stay text (ISO text is what export writes); the type only says what they are, so every value must be one.
  if (values.every(isIsoDate)) return { type: 'date' };
  return { type: 'string' };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * An ISO calendar date (YYYY-MM-DD) that exists: what a date column's values must all be. Read digit by
 * digit: it runs on every value of a date column (a regex and a Date per value cost ten times as much).
 */
export function isIsoDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    year = year * 10 + digit;
  }
  const twoDigits = (at: number): number => {
    const high = text.charCodeAt(at) - 48;
    const low = text.charCodeAt(at + 1) - 48;
    return high < 0 || high > 9 || low < 0 || low > 9 ? -1 : high * 10 + low;
  };
  const month = twoDigits(5);
  const day = twoDigits(8);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day <= 28) return true;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** The JSON kind of one value (null for null or absent). */
export function jsonKind(value: unknown): LosslessType | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'number': return Number.isInteger(value) ? 'integer' : 'number';
    case 'bigint': return 'integer';
    default: break;
  }
  if (value instanceof JsonFloat) return 'number';
  if (value instanceof JsonNumberText) return value.isInteger ? 'integer' : 'number';
  return Array.isArray(value) ? 'array' : 'object';
}

/** Logical type of a JSONL key from sample values: one kind, integer+number as number, else any. */
export function jsonColumnType(values: readonly unknown[]): ColumnType {
  const kinds = new Set<LosslessType>();
  for (const value of values) {
    const kind = jsonKind(value);
    if (kind !== null) kinds.add(kind);
  }
  if (kinds.size === 2 && kinds.has('integer') && kinds.has('number')) return { type: 'number' };
  if (kinds.size === 1) return { type: [...kinds][0]! };
  return { type: 'any' };
}

/** A converter from one CSV cell (never empty: empty cells are NULL) to what is stored. */
export function csvConverter(column: ColumnType): ((text: string) => SqlValue) | null {
  switch (column.type) {
    case 'integer': return (text) => integerFromText(text) ?? text;
    case 'number': return (text) => integerFromText(text) ?? floatFromText(text) ?? text;
    case 'boolean': {
      const yes = column.trueValues?.[0] ?? 'true';
      const no = column.falseValues?.[0] ?? 'false';
      return (text) => (text === yes ? 1n : text === no ? 0n : text);
    }
    default: return null;
  }
}

function asJsonBlob(value: unknown): Uint8Array {
  return Buffer.from(stringifyJsonExact(value), 'utf8');
}

const NUMERIC_TYPES = new Set<string>(['integer', 'number', 'year', 'any']);
/** Types whose values are JSON strings (text types a rule file may have given the table). */
const NOT_TEXT_TYPES = new Set<string>(['integer', 'number', 'year', 'boolean', 'object', 'array', 'geojson']);

/** What one JSON value is stored as in a column of this (stored or sampled) type. */
export function jsonToStored(value: unknown, type: string): SqlValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return NOT_TEXT_TYPES.has(type) ? asJsonBlob(value) : value;
    case 'number':
      if (NUMERIC_TYPES.has(type)) return Number.isInteger(value) ? BigInt(value) : value;
      return asJsonBlob(value);
    case 'bigint':
      return NUMERIC_TYPES.has(type) ? value : asJsonBlob(value);
    case 'boolean':
      return type === 'boolean' ? (value ? 1n : 0n) : asJsonBlob(value);
    default: break;
  }
  if (value instanceof JsonFloat) return NUMERIC_TYPES.has(type) ? value.value : asJsonBlob(value);
  if (value instanceof JsonNumberText) return NUMERIC_TYPES.has(type) && type !== 'any' ? value.text : asJsonBlob(value);
  const kind = Array.isArray(value) ? 'array' : 'object';
  return type === kind || (kind === 'object' && type === 'geojson') ? stringifyJsonExact(value) : asJsonBlob(value);
}

/**
 * Whether a stored value is one kept as it came in a typed column (what an import counts per column, see
 * compile.ts): text in a CSV integer, number or boolean column, a date column's text that is no date, a
 * BLOB (JSON of another kind) in a typed JSONL column. For rows written one by one (quarantine fixes).
 */
export function isKeptAsText(value: SqlValue, type: string | undefined, sourceKind: 'csv' | 'jsonl'): boolean {
  if (value === null || type === undefined || type === 'any') return false;
  if (sourceKind === 'jsonl') return value instanceof Uint8Array;
  if (type === 'date') return typeof value === 'string' && !isIsoDate(value);
  return typeof value === 'string' && (type === 'integer' || type === 'number' || type === 'boolean');
}
