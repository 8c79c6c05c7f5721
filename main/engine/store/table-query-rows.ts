import type Database from 'better-sqlite3';
import { quoteIdentifier } from './identifiers.js';
import { orderClause, type GridColumn, type GridQuery, type WhereClause } from './table-filter.js';

/** How a query finds the row at a position: all rows, a sort of all rows, or a filter scanned in row id order. */
export type Mode = 'all' | 'sorted' | 'stream';

/** What TableQueries keeps per query (see table-query.ts); the readers below only read it. */
export interface QueryState {
  key: string;
  query: GridQuery;
  columns: GridColumn[];
  rowid: string;
  where: WhereClause;
  mode: Mode;
  /** temp table holding the row ids in query order; its INTEGER PRIMARY KEY `pos` is the 1-based position. */
  temp: string;
  /** Created on first need: the first page of a view usually comes straight from the table. */
  tempCreated: boolean;
  /** A sorted filter's matches (sort key, row id), gathered chunk by chunk and sorted into `temp` once all are in. */
  matches: string | null;
  /** The user stopped its scan: it keeps what it found and scans no further. */
  stopped: boolean;
  /** Positions in `temp`. */
  positions: number;
  /** Rows a filter's scan has found so far (for an unsorted filter, the same as `positions`). */
  found: number;
  complete: boolean;
  /** Rows of an unfiltered table (count(*)), known before any list exists. */
  total: number | null;
  scannedUpTo: number;
  minRowid: number;
  maxRowid: number;
  /** An unfiltered table whose row ids run without gaps: the row at position p has row id minRowid + p. */
  contiguous: boolean;
  /** An unfiltered sort an index serves: any position is a walk along that narrow index, no list needed. */
  indexed: boolean;
}

/** Enough for the statements of the few views a reader keeps (each has a handful: pages, chunks, lists). */
const MAX_CACHED_STATEMENTS = 64;

/**
 * Statements by SQL text, prepared once per connection and reused: a view's SQL repeats for every page and
 * every chunk of its scan. Least recently used go first; those of a dropped view are never asked for again.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement) this.statements.delete(sql);
    else statement = this.db.prepare(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > MAX_CACHED_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    return statement;
  }
}

/** A page of rows, each led by its row id: the readers below give the same rows a plain OFFSET query would. */
export type RawRows = unknown[][];

const selectedColumns = (state: QueryState, alias = ''): string => state.columns.map((c) => `${alias}${quoteIdentifier(c.name)}`).join(', ');

/** Rows at positions of a query's list: a range read on the position key, joined to the table by row id. */
export function rowsFromList(statements: StatementCache, state: QueryState, start: number, count: number): RawRows {
  if (!state.tempCreated) return [];
  const table = quoteIdentifier(state.query.table);
  const sql = `SELECT t.${state.rowid}, ${selectedColumns(state, 't.')} FROM temp.${state.temp} AS q CROSS JOIN ${table} AS t ON t.${state.rowid} = q.rid WHERE q.pos > ? AND q.pos <= ? ORDER BY q.pos`;
  return statements.get(sql).raw(true).all(start, start + count) as RawRows;
}

/** Rows straight from the table near its start, or near its end by reading it backwards (a small OFFSET). */
export function rowsNearEdge(statements: StatementCache, state: QueryState, start: number, count: number, fromEnd: boolean): RawRows {
  const total = state.total ?? 0;
  const table = quoteIdentifier(state.query.table);
  const select = `SELECT ${state.rowid}, ${selectedColumns(state)} FROM ${table} ${orderClause(state.query, state.columns, state.rowid, fromEnd)} LIMIT ? OFFSET ?`;
  if (!fromEnd) return statements.get(select).raw(true).all(count, start) as RawRows;
  const end = Math.min(total, start + count);
  if (end <= start) return [];
  const rows = statements.get(select).raw(true).all(end - start, total - end) as RawRows;
  return rows.reverse();
}

/** Rows at positions of a gapless unfiltered table: a seek on the row id, as fast at the end as at the start. */
export function rowsByRowid(statements: StatementCache, state: QueryState, start: number, count: number): RawRows {
  const r = state.rowid;
  const sql = `SELECT ${r}, ${selectedColumns(state)} FROM ${quoteIdentifier(state.query.table)} WHERE ${r} >= ? AND ${r} < ? ORDER BY ${r}`;
  return statements.get(sql).raw(true).all(state.minRowid + start, state.minRowid + start + count) as RawRows;
}

/**
 * Rows at any position of a sort an index serves: the row ids are read off the index (about 11 ms per
 * 500,000 entries skipped, so from whichever end is nearer), then only the page's rows are looked up.
 */
export function rowsViaIndex(statements: StatementCache, state: QueryState, start: number, count: number): RawRows {
  const total = state.total ?? 0;
  const end = Math.min(total, start + count);
  if (end <= start) return [];
  const fromEnd = start > total - end;
  const table = quoteIdentifier(state.query.table);
  const r = state.rowid;
  const inner = `SELECT ${r} AS rid FROM ${table} ${orderClause(state.query, state.columns, r, fromEnd)} LIMIT ? OFFSET ?`;
  // The outer ORDER BY sorts only the page's rows (the subquery's order is not promised to survive the join).
  const sql = `SELECT t.${r}, ${selectedColumns(state, 't.')} FROM (${inner}) AS q CROSS JOIN ${table} AS t ON t.${r} = q.rid ${orderClause(state.query, state.columns, r, false, 't')}`;
  return statements.get(sql).raw(true).all(end - start, fromEnd ? total - end : start) as RawRows;
}
