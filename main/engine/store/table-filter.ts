import { affinityOf } from './affinity.js';
import { anyOf } from './sql-trees.js';
import type Database from 'better-sqlite3';
import { SluiceError } from '../errors.js';
import { quoteIdentifier } from './identifiers.js';
import { isBookkeepingColumn } from './bookkeeping-columns.js';

/** What the grid asks of a table: one sort, a global filter and filters per column. */
export interface GridQuery {
  table: string;
  sort?: { column: string; descending: boolean };
  /** Rows where any column contains this text (case-insensitive for ASCII). */
  filter?: string;
  columnFilters?: ColumnFilter[];
}

export type ColumnFilter =
  | { column: string; op: 'contains' | 'equals'; value: string }
  | { column: string; op: 'range'; min?: string; max?: string }
  | { column: string; op: 'null' | 'not-null' };

/** A column's logical type, from its declared SQLite type (what the grid aligns and filters by). */
export type GridColumnType = 'integer' | 'number' | 'string' | 'boolean' | 'any';

export interface GridColumn {
  name: string;
  type: GridColumnType;
}

/** A query's filter condition and its parameters: values are only ever bound, identifiers only ever quoted. */
export interface WhereClause {
  /** The condition without the WHERE keyword; '' when the query filters nothing. */
  sql: string;
  params: unknown[];
}

/** A table's columns as the grid and exports see them: Sluice's bookkeeping columns are not the user's data. */
export function gridColumnsOf(db: Database.Database, table: string): GridColumn[] {
  const rows = db.prepare('SELECT name, type FROM pragma_table_info(?)').all(table) as { name: string; type: string }[];
  return rows.filter((row) => !isBookkeepingColumn(row.name)).map((row) => ({ name: row.name, type: columnTypeOf(row.type) }));
}

export function columnTypeOf(declared: string): GridColumnType {
  const type = declared.toUpperCase();
  if (type.includes('BOOL')) return 'boolean';
  const affinity = affinityOf(type);
  if (affinity === 'INTEGER') return 'integer';
  if (affinity === 'TEXT') return 'string';
  // Other NUMERIC types (DATE, a made-up name) hold text as often as numbers: the grid treats them as untyped.
  if (affinity === 'REAL' || (affinity === 'NUMERIC' && (type.includes('NUM') || type.includes('DEC')))) return 'number';
  return 'any';
}

const isNumeric = (type: GridColumnType): boolean => type === 'integer' || type === 'number' || type === 'boolean';

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A typed value for comparisons on numeric columns (text compares as text and never equals a number in SQLite). */
function comparable(value: string, type: GridColumnType): string | number {
  if (!isNumeric(type)) return value;
  const trimmed = value.trim();
  const number = Number(trimmed);
  return trimmed !== '' && Number.isFinite(number) ? number : value;
}

function requireColumn(columns: readonly GridColumn[], name: string, table: string): GridColumn {
  const column = columns.find((c) => c.name === name);
  if (!column) throw new SluiceError('USAGE', `Table "${table}" has no column "${name}".`);
  return column;
}

/** The filter condition of a grid query over `columns` ('' when it filters nothing). */
export function whereClause(query: GridQuery, columns: readonly GridColumn[]): WhereClause {
  const parts: string[] = [];
  const params: unknown[] = [];
  // LIKE reads a number or blob as text by itself, so no CAST; and an ESCAPE clause only when the text holds
  // a wildcard or a backslash: both cost a third of a 1M-row scan's time (10 columns, measured back to back).
  const text = (name: string, value: string) => `${quoteIdentifier(name)} LIKE ?${/[\\%_]/.test(value) ? ` ESCAPE '\\'` : ''}`;
  const global = query.filter?.trim();
  if (global) {
    parts.push(`(${anyOf(columns.map((c) => text(c.name, global)))})`);
    for (let i = 0; i < columns.length; i++) params.push(likePattern(global));
  }
  for (const filter of query.columnFilters ?? []) {
    const column = requireColumn(columns, filter.column, query.table);
    const name = quoteIdentifier(column.name);
    switch (filter.op) {
      case 'contains':
        parts.push(text(column.name, filter.value));
        params.push(likePattern(filter.value));
        break;
      case 'equals':
        parts.push(`${name} = ?`);
        params.push(comparable(filter.value, column.type));
        break;
      case 'range':
        if (filter.min !== undefined && filter.min !== '') {
          parts.push(`${name} >= ?`);
          params.push(comparable(filter.min, column.type));
        }
        if (filter.max !== undefined && filter.max !== '') {
          parts.push(`${name} <= ?`);
          params.push(comparable(filter.max, column.type));
        }
        break;
      case 'null':
        parts.push(`${name} IS NULL`);
        break;
      case 'not-null':
        parts.push(`${name} IS NOT NULL`);
        break;
    }
  }
  return { sql: parts.join(' AND '), params };
}

/** The ORDER BY of a query, always ending on the row id so equal keys keep one stable order; `alias` qualifies both. */
export function orderClause(query: GridQuery, columns: readonly GridColumn[], rowid: string, reverse = false, alias = ''): string {
  const flip = (descending: boolean) => ((descending !== reverse) ? 'DESC' : 'ASC');
  const at = alias ? `${alias}.` : '';
  if (!query.sort) return `ORDER BY ${at}${rowid} ${flip(false)}`;
  const column = requireColumn(columns, query.sort.column, query.table);
  return `ORDER BY ${at}${quoteIdentifier(column.name)} ${flip(query.sort.descending)}, ${at}${rowid} ${flip(query.sort.descending)}`;
}

/** One name for the row id that no column shadows (a CSV may well have a column called "rowid"). */
export function rowidName(columns: readonly GridColumn[]): string {
  const name = ['rowid', '_rowid_', 'oid'].find((candidate) => !columns.some((c) => c.name.toLowerCase() === candidate));
  if (!name) throw new SluiceError('USAGE', 'This table has columns named rowid, _rowid_ and oid; Sluice cannot page through it.');
  return name;
}

/** A stable key per distinct query: the cache and the UI's stale-response check both use it. */
export function queryKey(query: GridQuery): string {
  return JSON.stringify([query.table, query.sort ?? null, query.filter?.trim() || null, query.columnFilters ?? []]);
}
