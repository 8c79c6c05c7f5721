import type { RowFailure } from '../types.js';
import { parseJsonExact, parseJsonForRules } from './json-lossless.js';

/**
 * JSON.parse's own messages quote the input ("… is not valid JSON"), and row
 * contents must never reach messages, so the position is kept and the rest rewritten.
 */
export function describeJsonError(error: unknown, line: string): string {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message);
  if (position) return `not valid JSON (at column ${Number(position[1]) + 1})`;
  if (/end of JSON input|Unterminated/i.test(message)) return `not valid JSON (ends early, at column ${line.length + 1})`;
  return 'not valid JSON';
}

export function jsonValueKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

/**
 * Where each key of the previous record went. JSONL records nearly always list their keys in the same
 * order, so the key at each position is compared with the last one there (JSON.parse interns keys, so
 * mostly by identity) before falling back to the Map: measured about 90 ms less per 1M ten-key records.
 */
export class KeyPlaces {
  private readonly keys: string[] = [];
  private readonly indexes: (number | undefined)[] = [];

  constructor(private readonly columnIndex: ReadonlyMap<string, number>) {}

  /** The column of `key`, found `position`-th in its record (undefined: not a column). */
  indexOf(position: number, key: string): number | undefined {
    if (this.keys[position] === key) return this.indexes[position];
    const index = this.columnIndex.get(key);
    this.keys[position] = key;
    this.indexes[position] = index;
    return index;
  }
}

/** An unpaired UTF-16 surrogate: SQLite's UTF-8 text would hold it as bytes that read back as U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first key whose name or string value holds a lone surrogate (null: none). Nested objects and arrays are
 * stored as JSON text, which writes such a character as its escape again, so only the top level can lose it.
 */
function unstorableField(record: Record<string, unknown>): string | null {
  for (const key in record) {
    const value = record[key];
    if (LONE_SURROGATE.test(key) || (typeof value === 'string' && LONE_SURROGATE.test(value))) return key;
  }
  return null;
}

/**
 * Parses one JSONL record into `values` (source-column order, undefined where
 * a key is absent). Returns the reasons when the line is not a JSON object
 * whose keys are all columns; the one rule for import and for edited rows.
 * Numbers are exact (json-lossless.ts); `plain` gives rules plain JS values at the top level.
 */
export function readJsonRecord(
  line: string,
  columnIndex: ReadonlyMap<string, number>,
  values: unknown[],
  plain = true,
  places?: KeyPlaces,
): RowFailure[] | null {
  let parsed: unknown;
  try {
    parsed = plain ? parseJsonForRules(line) : parseJsonExact(line);
  } catch (error) {
    return [{ field: null, rule: 'json-syntax', message: describeJsonError(error, line) }];
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return [{ field: null, rule: 'json-object', message: `expected a JSON object, found ${jsonValueKind(parsed)}` }];
  }
  const record = parsed as Record<string, unknown>;
  // Only an escape can put a lone surrogate in a string, so a line without one is never checked.
  if (line.includes('\\u')) {
    const field = unstorableField(record);
    if (field !== null) {
      return [{ field, rule: 'encoding', message: 'holds an unpaired UTF-16 surrogate (a lone \\uD800–\\uDFFF escape), which UTF-8 text cannot store' }];
    }
  }
  values.fill(undefined);
  let unknownKeys: string[] | null = null;
  let position = 0;
  for (const key in record) {
    const index = places === undefined ? columnIndex.get(key) : places.indexOf(position++, key);
    if (index === undefined) (unknownKeys ??= []).push(key);
    else values[index] = record[key];
  }
  if (!unknownKeys) return null;
  return unknownKeys.map((key) => ({
    field: key,
    rule: 'unknown-field',
    message: `"${key}" is not a column of the table (columns come from the schema or the first lines of the file)`,
  }));
}
