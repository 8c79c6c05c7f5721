import type Database from 'better-sqlite3';
import { affinityOf, type Affinity } from './affinity.js';
import { sqliteModule } from './sqlite-module.js';
import { quoteIdentifier } from './identifiers.js';
import { PROVENANCE_COLUMN } from './bookkeeping-columns.js';

/**
 * How a worker lays out a scratch slot so that the writer can copy it with
 * `INSERT INTO <table> SELECT * FROM <slot>`: SQLite then moves each row's
 * record as it is (its "transfer optimisation", insert.c `xferOptimization`)
 * instead of decoding and re-encoding every value. That needs a slot declared
 * as the table is: the same columns in the same order, the same declared
 * types (so the same affinity: a value stored in the slot is what the table
 * would store), the same INTEGER PRIMARY KEY and NOT NULL.
 *
 * `INSERT … SELECT *` is correct whether or not SQLite takes the fast path:
 * when it does not (a collation, a CHECK, a foreign key), it converts each
 * value with the table's affinity, which leaves a value the slot already
 * converted unchanged.
 */
export interface SlotLayout {
  /** The column definitions of a typed slot table. */
  definitions: string;
  /** One row's VALUES tuple in the table's column order: `?` per written column, the import id inlined for provenance. */
  rowTuple: string;
  /** Index among the written columns of the table's INTEGER PRIMARY KEY, or -1: its values are the slot's rowids. */
  rowidColumn: number;
  /**
   * Upserts only: per written column, the values a typed slot stores as they were bound (see valuesKeepTheirType);
   * null for plain inserts, where a value converted in the slot lands as the table would store it anyway.
   */
  valueKinds: readonly Affinity[] | null;
}

/** SQLite's own names for the rowid: a written column so named would be read as the slot's rowid. */
const ROWID_NAMES = new Set(['rowid', 'oid', '_rowid_']);

/**
 * A declared type copied into the slot's CREATE TABLE: words and a size (`VARCHAR(30)`, `NUMERIC(10, 2)`). A store
 * may come from anywhere, and SQLite accepts quoted strings as type names: anything else takes untyped slots.
 */
const PLAIN_TYPE = /^[A-Za-z_][A-Za-z0-9_ ]*(?:\(\s*[+-]?\d+(?:\s*,\s*[+-]?\d+)?\s*\))?$|^$/;

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}

/**
 * The typed slot layout for writing `written` (in the writer's order) into
 * `table`, or null where a slot would not give the table's own rows: the table
 * has columns this import does not write, an index (a unique one makes SQLite
 * take the fast path only into an empty table, and any other needs the same
 * index on the slot), a trigger, generated columns, defaults (Sluice declares
 * none), or a declared type that is not plain words and a size.
 */
export function slotLayoutOf(db: Database.Database, table: string, written: readonly string[], importId: number, upserting: boolean): SlotLayout | null {
  const columns = db.prepare(COLUMN_INFO).all(table) as ColumnInfo[];
  if (columns.length === 0 || columns.some((column) => column.hidden !== 0 || column.dflt_value !== null || !PLAIN_TYPE.test(column.type))) return null;
  if (written.some((name) => ROWID_NAMES.has(name.toLowerCase()))) return null;
  // A STRICT table checks types where a slot would convert them (its ANY is not a slot's NUMERIC).
  if (isStrictTable(db, table)) return null;
  if (db.prepare('SELECT 1 FROM pragma_index_list(?)').get(table) !== undefined) return null;
  if (db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?").get(table) !== undefined) return null;
  const userColumns = columns.filter((column) => column.name !== PROVENANCE_COLUMN);
  if (userColumns.length !== columns.length - 1 || userColumns.length !== written.length) return null;
  if (userColumns.some((column, i) => column.name !== written[i])) return null;
  const keyColumns = columns.filter((column) => column.pk > 0);
  // With no index on the table, a one-column primary key declared INTEGER is the rowid itself (a DESC one would have an index).
  const rowidName = keyColumns.length === 1 && keyColumns[0]!.type.toUpperCase() === 'INTEGER' ? keyColumns[0]!.name : null;
  if (keyColumns.length > 0 && rowidName === null) return null;
  const definitions = columns.map((column) => {
    const parts = [quoteIdentifier(column.name)];
    if (column.type !== '') parts.push(column.type);
    if (column.name === rowidName) parts.push('PRIMARY KEY');
    if (column.notnull) parts.push('NOT NULL');
    return parts.join(' ');
  });
  if (!declaresAsTheTable(definitions.join(', '), columns)) return null;
  return {
    definitions: definitions.join(', '),
    rowTuple: `(${columns.map((column) => (column.name === PROVENANCE_COLUMN ? String(importId) : '?')).join(', ')})`,
    rowidColumn: rowidName === null ? -1 : written.indexOf(rowidName),
    valueKinds: upserting ? userColumns.map((column) => affinityOf(column.type)) : null,
  };
}

/** Whether `table` was made STRICT (only a user's own table can be: Sluice makes none). */
export function isStrictTable(db: Database.Database, table: string): boolean {
  return ((db.prepare("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = ?").pluck().get(table) as number | undefined) ?? 0) !== 0;
}

const COLUMN_INFO = 'SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)';

/**
 * Whether a table made from `definitions` reads back as `columns` with no index. A type SQLite kept from a quoted
 * string (`'INTEGER PRIMARY KEY'`, `'int collate nocase'`) would declare more than a type in the slot: refused.
 */
function declaresAsTheTable(definitions: string, columns: readonly ColumnInfo[]): boolean {
  const probe = new (sqliteModule())(':memory:');
  try {
    probe.prepare(`CREATE TABLE slot (${definitions})`).run();
    const declared = probe.prepare(COLUMN_INFO).all('slot');
    return JSON.stringify(declared) === JSON.stringify(columns) && probe.prepare('SELECT 1 FROM pragma_index_list(?)').get('slot') === undefined;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

/**
 * Upserts compare a batch's values with the stored rows (changed, or unchanged): a typed slot holds them converted
 * by the column's affinity, so a batch goes typed only when none would be converted (`12.5` bound to a TEXT column
 * is compared as a number on the direct path, as '12.5' from a typed slot). NULL and bytes stay as they are.
 */
export function valuesKeepTheirType(values: readonly unknown[], count: number, width: number, kinds: readonly Affinity[]): boolean {
  for (let column = 0; column < width; column++) {
    // What each affinity leaves as it is: text in TEXT, doubles in REAL, numbers in INTEGER and NUMERIC, anything in BLOB.
    const kind = kinds[column];
    if (kind === 'BLOB') continue;
    for (let at = column; at < count * width; at += width) {
      const value = values[at];
      if (value === null || value instanceof Uint8Array) continue;
      const type = typeof value;
      if (kind === 'TEXT' ? type !== 'string' : kind === 'REAL' ? type !== 'number' : type !== 'number' && type !== 'bigint') return false;
    }
  }
  return true;
}

/**
 * Whether a batch's rows keep their order in a typed slot: rowids follow the
 * INTEGER PRIMARY KEY, so its values must be integers that ascend (a repeat,
 * a NULL, a text or a fraction goes the untyped way, where row i is rowid i + 1).
 */
export function keepsBatchOrder(values: readonly unknown[], count: number, width: number, rowidColumn: number): boolean {
  if (rowidColumn < 0) return true;
  let previous: number | bigint = -Infinity;
  for (let row = 0; row < count; row++) {
    const value = values[row * width + rowidColumn];
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value <= previous) return false;
    } else if (typeof value === 'bigint') {
      if (value <= previous || value > 9223372036854775807n || value < -9223372036854775808n) return false;
    } else {
      return false;
    }
    previous = value;
  }
  return true;
}
