import { affinityOf } from './affinity.js';
import type Database from 'better-sqlite3';
import type { SqlValue } from '../rules/contract.js';
import { isRowImageColumn } from './bookkeeping-columns.js';

/** How rows are captured for undo (pre-images) and put back, exactly; and which key values a table's key type takes. */

const takesAsInteger = (value: SqlValue): boolean =>
  value === null || typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^[+-]?(0|[1-9]\d{0,17})$/.test(value));
const takesAsReal = (value: SqlValue): boolean =>
  value === null || typeof value === 'number' || typeof value === 'bigint' || (typeof value === 'string' && value.trim() !== '' && String(Number(value)) === value);

/**
 * Key columns with a numeric affinity take numbers, and text that converts to one exactly; null: any value (TEXT, BLOB).
 * NUMERIC converts like both (`'007'` to 7, `'2.50'` to 2.5), so it takes what either takes exactly.
 */
export function keyCastCheck(declaredType: string): ((value: SqlValue) => boolean) | null {
  const affinity = affinityOf(declaredType);
  if (affinity === 'INTEGER') return takesAsInteger;
  if (affinity === 'REAL') return takesAsReal;
  if (affinity === 'NUMERIC') return (value) => takesAsInteger(value) || takesAsReal(value);
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
  return `json_array(${quotedColumns.map((name) => `CASE WHEN typeof(${name}) = 'blob' THEN json_object('blob', hex(${name})) ELSE ${name} END`).join(', ')})`;
}

/** The inverse of preimageExpression for element `index` of the JSON in `source`. */
export function restoreExpression(source: string, index: number): string {
  return `CASE WHEN json_type(${source}, '$[${index}]') = 'object' THEN unhex(${source} ->> '$[${index}].blob') ELSE ${source} ->> '$[${index}]' END`;
}
