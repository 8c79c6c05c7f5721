import { affinityOf } from './affinity.js';
import { concatenated } from './sql-trees.js';
import type Database from 'better-sqlite3';
import type { SqlValue } from '../rules/contract.js';
import { isRowImageColumn } from './bookkeeping-columns.js';

/** How rows are captured for undo (pre-images) and put back, exactly; and which key values a table's key type takes. */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Text SQLite stores as that very integer: no sign but a minus, no leading zero, no `-0`, within 64 bits. */
function isExactIntegerText(text: string): boolean {
  if (!/^(0|-?[1-9]\d{0,18})$/.test(text)) return false;
  const value = BigInt(text);
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** Text SQLite stores as a double that prints back as the same text (`2.5`; not `2.50`, `1e3` or `+2`). */
const isExactRealText = (text: string): boolean => text.trim() !== '' && String(Number(text)) === text;

const takesAsInteger = (value: SqlValue): boolean =>
  value === null || typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && isExactIntegerText(value));
const takesAsReal = (value: SqlValue): boolean =>
  value === null || typeof value === 'number' || typeof value === 'bigint' || (typeof value === 'string' && isExactRealText(value));

/** Text NUMERIC affinity turns into a number: a well-formed integer or real literal, spaces around it allowed. */
const NUMERIC_LOOKING = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * Key columns with a numeric affinity: which values they keep as they are; null: any value (TEXT, BLOB).
 *   - INTEGER and REAL take numbers, and text that converts to one exactly ("1" and 1 are one key); other text
 *     would stay text in a numeric key, and is set aside.
 *   - NUMERIC (also DATE, BOOLEAN, DECIMAL…) keeps text that does not look like a number (`2024-01-05`, `A1`) and
 *     converts text that does: that must convert exactly (`12`, `2.5`; not `007`, `2.50`).
 */
export function keyCastCheck(declaredType: string): ((value: SqlValue) => boolean) | null {
  const affinity = affinityOf(declaredType);
  if (affinity === 'INTEGER') return takesAsInteger;
  if (affinity === 'REAL') return takesAsReal;
  if (affinity === 'NUMERIC') {
    return (value) => typeof value !== 'string' || !NUMERIC_LOOKING.test(value) || isExactIntegerText(value) || isExactRealText(value);
  }
  return null;
}

/**
 * The columns a row image holds, in table order: the user's columns and the absent-keys marker, so undo puts
 * a row back exactly; not the provenance, which images record apart (bookkeeping-columns.ts).
 */
export function userColumnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string }[])
    .map((column) => column.name)
    .filter(isRowImageColumn);
}

/**
 * A row's values as one JSON array, exact for every SQLite type: integers and
 * reals keep their type and all digits; blobs (which JSON cannot hold) go as {"blob": hex}.
 */
export function preimageExpression(quotedColumns: readonly string[]): string {
  if (quotedColumns.length === 0) return `'[]'`;
  const values = quotedColumns.map((name) => `CASE WHEN typeof(${name}) = 'blob' THEN json_object('blob', hex(${name})) ELSE ${name} END`);
  if (values.length <= ARGS_PER_JSON_ARRAY) return `json_array(${values.join(', ')})`;
  // SQLite takes at most 1,000 arguments to a function: a wider row is written as several arrays joined into one.
  // An element never starts with '[' nor ends with ']' (an array's values are scalars or the blob object), so each
  // trim takes off exactly the bracket between two parts.
  const parts: string[] = [];
  for (let from = 0; from < values.length; from += ARGS_PER_JSON_ARRAY) {
    let part = `json_array(${values.slice(from, from + ARGS_PER_JSON_ARRAY).join(', ')})`;
    if (from > 0) part = `ltrim(${part}, '[')`;
    if (from + ARGS_PER_JSON_ARRAY < values.length) part = `rtrim(${part}, ']') || ','`;
    parts.push(part);
  }
  return concatenated(parts);
}

const ARGS_PER_JSON_ARRAY = 500;

/** The inverse of preimageExpression for element `index` of the JSON in `source`. */
export function restoreExpression(source: string, index: number): string {
  return `CASE WHEN json_type(${source}, '$[${index}]') = 'object' THEN unhex(${source} ->> '$[${index}].blob') ELSE ${source} ->> '$[${index}]' END`;
}
