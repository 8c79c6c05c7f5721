import type Database from 'better-sqlite3';
import type { OutputColumn } from '../rules/contract.js';
import { SluiceError } from '../errors.js';
import { quoteIdentifier } from './identifiers.js';
import { addAbsentColumn } from './absent-keys.js';
import { ABSENT_COLUMN, BOOKKEEPING_COLUMNS, PROVENANCE_COLUMN, isBookkeepingColumn } from './bookkeeping-columns.js';

/** What a table looks like to an import that wants to write into it. */
export interface TableShape {
  /** The name as stored (SQLite matches table names case-insensitively), or the requested one for a new table. */
  table: string;
  exists: boolean;
  /** User columns in table order (bookkeeping excluded). */
  columns: string[];
  hasProvenance: boolean;
  /** Whether the table has the absent-keys marker column (bookkeeping-columns.ts). */
  hasAbsentMarker: boolean;
  /** The upsert key an earlier import gave the table (INTEGER PRIMARY KEY or the `<table>__key` index). */
  key: string[] | null;
  /** Column sets that a unique index or the primary key already enforces. */
  uniqueSets: string[][];
}

/** What a new import's table must become. */
export interface TableRequest {
  table: string;
  columns: readonly OutputColumn[];
  key: readonly string[];
  uniqueKeys: readonly (readonly string[])[];
  /** The import writes the absent-keys marker (store/absent-keys.ts): the table needs its column (even when recreated mid-plan). */
  absentMarker?: boolean;
}

/** Where the key came from, for messages. */
export type KeyOrigin = '--key' | 'rule file';

/** SQLITE_MAX_COLUMN of the bundled SQLite build (its default); past it CREATE TABLE fails with a bare "too many columns". */
const MAX_TABLE_COLUMNS = 2000;

export function readTableShape(db: Database.Database, requested: string): TableShape {
  const found = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`).get(requested) as
    | { name: string }
    | undefined;
  if (!found) return { table: requested, exists: false, columns: [], hasProvenance: false, hasAbsentMarker: false, key: null, uniqueSets: [] };
  const table = found.name;
  const info = db.prepare('SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string; type: string; pk: number }[];
  const uniqueSets: string[][] = [];
  let key: string[] | null = null;
  const pk = info.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk).map((column) => column.name);
  if (pk.length > 0) {
    uniqueSets.push(pk);
    key = pk;
  }
  const indexes = db.prepare(`SELECT name, "unique" AS isUnique FROM pragma_index_list(?)`).all(table) as { name: string; isUnique: number }[];
  for (const index of indexes) {
    if (index.isUnique !== 1) continue;
    const columns = (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(index.name) as { name: string | null }[]).map(
      (column) => column.name ?? '',
    );
    uniqueSets.push(columns);
    if (index.name.toLowerCase() === `${table}__key`.toLowerCase()) key = columns;
  }
  return {
    table,
    exists: true,
    columns: info.map((column) => column.name).filter((name) => !isBookkeepingColumn(name)),
    hasProvenance: info.some((column) => column.name === PROVENANCE_COLUMN),
    hasAbsentMarker: info.some((column) => column.name === ABSENT_COLUMN),
    key,
    uniqueSets,
  };
}

export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const lower = new Set(a.map((name) => name.toLowerCase()));
  return b.every((name) => lower.has(name.toLowerCase()));
}

/** Columns of the request that the table lacks (compared the way SQLite compares column names). */
export function missingColumns(shape: TableShape, request: TableRequest): OutputColumn[] {
  const have = new Set(shape.columns.map((name) => name.toLowerCase()));
  return request.columns.filter((column) => !have.has(column.name.toLowerCase()));
}

/**
 * Everything that would stop the import on this table, found before anything
 * is written: a key that differs from the table's, existing duplicates under a
 * new key or unique constraint. Throws KEY_CONFLICT naming the columns and how many values repeat.
 */
export function checkConstraints(db: Database.Database, shape: TableShape, request: TableRequest, keyOrigin: KeyOrigin | null): void {
  const reserved = request.columns.find((column) => isBookkeepingColumn(column.name));
  if (reserved) {
    throw new SluiceError('USAGE', `The column name "${reserved.name}" is reserved for Sluice's bookkeeping (${BOOKKEEPING_COLUMNS.join(', ')}); rename that column.`);
  }
  // One column of every table is Sluice's provenance bookkeeping; a second marks JSONL keys a record lacked.
  const bookkeeping = request.absentMarker || shape.hasAbsentMarker ? 2 : 1;
  if (request.columns.length > MAX_TABLE_COLUMNS - bookkeeping) {
    throw new SluiceError(
      'TABLE_MISMATCH',
      `The file has ${request.columns.length.toLocaleString('en-US')} columns; an SQLite table holds at most ${MAX_TABLE_COLUMNS.toLocaleString('en-US')} (${(MAX_TABLE_COLUMNS - bookkeeping).toLocaleString('en-US')} for your data, ${bookkeeping === 1 ? 'one' : 'two'} for Sluice's bookkeeping). Split it into narrower files.`,
    );
  }
  if (!shape.exists) return;
  if (request.key.length > 0 && shape.key && !sameColumns(shape.key, request.key)) {
    throw new SluiceError(
      'KEY_CONFLICT',
      `Table "${shape.table}" is keyed on ${list(shape.key)}, but this import's key (${keyOrigin ?? '--key'}) is ${list(request.key)}; nothing was written. Use the same key, or import into another table with --table.`,
    );
  }
  const present = new Set(shape.columns.map((name) => name.toLowerCase()));
  const wanted = [...(request.key.length > 0 ? [request.key] : []), ...request.uniqueKeys];
  for (const columns of wanted) {
    if (shape.uniqueSets.some((set) => sameColumns(set, columns))) continue;
    // Columns the import adds are empty (NULL) in existing rows: NULLs never collide.
    if (!columns.every((name) => present.has(name.toLowerCase()))) continue;
    const repeated = duplicateValueCount(db, shape.table, columns);
    if (repeated > 0) {
      const what = columns === request.key ? `as the key (${keyOrigin ?? '--key'})` : 'as a unique constraint';
      throw new SluiceError(
        'KEY_CONFLICT',
        `Table "${shape.table}" already holds ${repeated.toLocaleString('en-US')} repeated value${repeated === 1 ? '' : 's'} in ${list(columns)}, so ${columns.length === 1 ? 'it' : 'they'} cannot be used ${what}; nothing was written.`,
      );
    }
  }
}

/**
 * Creates the table or adds what it lacks (columns, the bookkeeping columns,
 * key and unique indexes named after their columns). Call inside the plan's
 * transaction, after checkConstraints. Returns whether it created the table and the columns it added.
 */
export function prepareTable(db: Database.Database, request: TableRequest): { created: boolean; table: string; addedColumns: string[] } {
  const shape = readTableShape(db, request.table);
  const table = shape.table;
  const quoted = quoteIdentifier(table);
  let created = false;
  const addedColumns: string[] = [];
  // A single integer key becomes the rowid itself: no second index to maintain on every insert.
  const rowidKey =
    request.key.length === 1 && request.columns.find((column) => column.name === request.key[0])?.sqlType === 'INTEGER' ? request.key[0] : null;
  if (!shape.exists) {
    const columnSql = request.columns.map((column) =>
      column.name === rowidKey ? `${quoteIdentifier(column.name)} INTEGER PRIMARY KEY` : `${quoteIdentifier(column.name)}${column.sqlType ? ` ${column.sqlType}` : ''}`,
    );
    const bookkeeping = [`${quoteIdentifier(PROVENANCE_COLUMN)} INTEGER`, ...(request.absentMarker ? [`${quoteIdentifier(ABSENT_COLUMN)} TEXT`] : [])];
    db.exec(`CREATE TABLE ${quoted} (${[...columnSql, ...bookkeeping].join(', ')})`);
    created = true;
  } else {
    for (const column of missingColumns(shape, request)) {
      db.exec(`ALTER TABLE ${quoted} ADD COLUMN ${quoteIdentifier(column.name)}${column.sqlType ? ` ${column.sqlType}` : ''}`);
      addedColumns.push(column.name);
    }
    if (!shape.hasProvenance) db.exec(`ALTER TABLE ${quoted} ADD COLUMN ${quoteIdentifier(PROVENANCE_COLUMN)} INTEGER`);
    // Never an added column of the import (undo keeps it: other imports' rows may hold markers by then).
    if (request.absentMarker && !shape.hasAbsentMarker) addAbsentColumn(db, table);
  }
  const enforced = readTableShape(db, table).uniqueSets;
  const indexes: { name: string; columns: readonly string[] }[] = [];
  if (request.key.length > 0) indexes.push({ name: `${table}__key`, columns: request.key });
  for (const columns of request.uniqueKeys) indexes.push({ name: `${table}__unique__${columns.join('__')}`, columns });
  for (const index of indexes) {
    if (enforced.some((set) => sameColumns(set, index.columns))) continue;
    try {
      db.exec(`CREATE UNIQUE INDEX ${quoteIdentifier(index.name)} ON ${quoted} (${index.columns.map(quoteIdentifier).join(', ')})`);
      enforced.push([...index.columns]);
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new SluiceError('KEY_CONFLICT', `Table "${table}" already holds repeated values in ${list(index.columns)}; nothing was written.`);
      }
      throw error;
    }
  }
  return { created, table, addedColumns };
}

function duplicateValueCount(db: Database.Database, table: string, columns: readonly string[]): number {
  const names = columns.map(quoteIdentifier).join(', ');
  const notNull = columns.map((name) => `${quoteIdentifier(name)} IS NOT NULL`).join(' AND ');
  const row = db
    .prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${quoteIdentifier(table)} WHERE ${notNull} GROUP BY ${names} HAVING count(*) > 1)`)
    .get() as { n: number };
  return row.n;
}

function list(columns: readonly string[]): string {
  return columns.length === 1 ? `"${columns[0]}"` : `(${columns.map((name) => `"${name}"`).join(', ')})`;
}
