import type Database from 'better-sqlite3';
import { SluiceError } from '../errors.js';
import { INTERNAL_TABLE_PREFIX, quoteIdentifier } from './identifiers.js';
import { SortIndexes } from './sort-index.js';
import { tableFingerprint } from './table-fingerprint.js';
import type { Store } from './store.js';
import { plainValue } from './table-browser.js';
import { gridColumnsOf, orderClause, queryKey, rowidName, whereClause, type GridColumn, type GridQuery } from './table-filter.js';
import { QueryLists } from './table-query-lists.js';
import { rowsByRowid, rowsFromList, rowsNearEdge, rowsViaIndex, StatementCache, type Mode, type QueryState, type RawRows } from './table-query-rows.js';

export interface GridCount {
  /** Rows the query matches, once known (an unfiltered table knows at once; a filter when its scan is done). */
  rows: number | null;
  /** Rows found so far by a scan still running (equals `rows` when complete). */
  matchedSoFar: number;
  complete: boolean;
  /** How much of the table a filter's scan has read, 0..1. */
  scannedFraction: number;
}

export interface GridPage {
  key: string;
  columns: GridColumn[];
  offset: number;
  /** The row id of each row (stable across sorts: what selection and an inspector hold on to). */
  rowIds: number[];
  rows: unknown[][];
  count: GridCount;
}

/** First and last pages of an unfiltered query come straight from the table (LIMIT with a small OFFSET is cheap there). */
const EDGE_WINDOW_ROWS = 2000;
/**
 * A filter is scanned this many row ids at a time: about 20 ms for ten columns on a quiet machine (80 ms on a
 * loaded one), so a cancel or another page request waits no longer than that.
 */
const SCAN_CHUNK_ROWIDS = 20_000;
const MAX_CACHED_QUERIES = 6;
/** How long a page request may scan a filter before it answers with the rows found so far. */
const PAGE_SCAN_BUDGET_MS = 100;
export const MAX_GRID_PAGE_ROWS = 1000;
/** Temp table names are unique per process, so two TableQueries may share a connection. */
let nextTempTable = 1;

/**
 * Paging any sorted and filtered view of a table without OFFSET scans over the table. An unfiltered table
 * with gapless row ids pages by row id. A big table's sort walks an index on its column (made once, see
 * SortIndexes). Otherwise, the first time a query needs a position deep in its result, the row ids of the
 * whole result are written once, in order, into a temp table whose primary key is the position; every page
 * after that is a range read on that key joined to the table by row id, as fast at row 900,000 as at row 0.
 * A filter is scanned in row id chunks, so its matches stream in (a sorted filter's are sorted once all are
 * in) and the scan can stop between chunks. Synchronous: a thread calls `step()` while `nextStep()` says
 * there is work, serving requests between steps. Meant for its own read-only connection.
 */
export class TableQueries {
  private readonly states = new Map<string, QueryState>();
  private active: QueryState | null = null;
  private dataVersion: number;
  private readonly sortIndexes: SortIndexes;
  private readonly statements: StatementCache;
  private readonly lists: QueryLists;
  /** count(*) per table while it is unchanged: every sort of a table, and the table list, share one. */
  private readonly tableRows = new Map<string, number>();
  /** What each table with cached views or counts looked like when they were made (see tableFingerprint). */
  private readonly fingerprints = new Map<string, string | null>();

  /** `sortIndexes`: whether a sort of a big table may add an index to the store (see SortIndexes). */
  constructor(
    private readonly store: Store,
    private readonly tuning: { scanChunkRowids: number; pageScanBudgetMs: number } = { scanChunkRowids: SCAN_CHUNK_ROWIDS, pageScanBudgetMs: PAGE_SCAN_BUDGET_MS },
    options: { sortIndexes?: boolean } = {},
  ) {
    this.dataVersion = this.readDataVersion();
    this.statements = new StatementCache(store.db);
    this.lists = new QueryLists(store.db, this.statements, tuning.scanChunkRowids);
    this.sortIndexes = new SortIndexes(store.db, options.sortIndexes === false ? null : store.path);
  }

  private get db(): Database.Database {
    return this.store.db;
  }

  columns(table: string): GridColumn[] {
    if (table.startsWith(INTERNAL_TABLE_PREFIX) || !this.store.tableExists(table)) throw new SluiceError('TABLE_NOT_FOUND', `There is no table "${table}".`);
    return gridColumnsOf(this.db, table);
  }

  page(query: GridQuery, offset: number, limit: number): GridPage {
    const state = this.stateFor(query);
    const start = Math.max(0, Math.floor(offset));
    const count = Math.max(0, Math.min(MAX_GRID_PAGE_ROWS, Math.floor(limit)));
    let rows: RawRows;
    // A sorted filter's order is known only once all its matches are in: it scans on for the whole budget.
    if (state.mode === 'stream' && !state.stopped) this.scanFor(state, state.matches ? Infinity : start + count);
    if (state.complete || start + count <= state.positions || state.mode === 'stream' || state.stopped) {
      rows = rowsFromList(this.statements, state, start, count);
    } else if (state.indexed) {
      rows = rowsViaIndex(this.statements, state, start, count);
    } else if (state.contiguous) {
      rows = rowsByRowid(this.statements, state, start, count);
    } else if (state.total !== null && start < EDGE_WINDOW_ROWS) {
      rows = rowsNearEdge(this.statements, state, start, count, false);
    } else if (state.total !== null && start >= state.total - EDGE_WINDOW_ROWS) {
      rows = rowsNearEdge(this.statements, state, start, count, true);
    } else {
      this.materialize(state);
      rows = state.indexed ? rowsViaIndex(this.statements, state, start, count) : rowsFromList(this.statements, state, start, count);
    }
    return {
      key: state.key,
      columns: state.columns,
      offset: start,
      rowIds: rows.map((row) => Number(row[0])),
      rows: rows.map((row) => row.slice(1).map(plainValue)),
      count: this.countOf(state),
    };
  }

  /** A table's row count, counted once per change of the store (a full count reads the whole table: ~20 ms per million rows). */
  tableRowCount(table: string): number {
    this.checkDataVersion();
    let rows = this.tableRows.get(table);
    if (rows === undefined) {
      this.remember(table);
      rows = this.db.prepare(`SELECT count(*) FROM ${quoteIdentifier(table)}`).pluck().get() as number;
      this.tableRows.set(table, rows);
    }
    return rows;
  }

  count(query: GridQuery): GridCount {
    return this.countOf(this.stateFor(query));
  }

  /**
   * Stops a query's scan. By default it forgets what it found (a replaced query; asked again, it starts
   * over); with `keepFound` its pages keep serving the rows found so far (the user's Stop).
   */
  cancel(query: GridQuery, keepFound = false): void {
    const state = this.states.get(queryKey(query));
    if (!state || state.complete) return;
    if (!keepFound) return this.drop(state);
    state.stopped = true;
    // A sorted filter shows what it found so far, in order.
    if (state.matches) this.lists.sortMatches(state);
  }

  /**
   * What `step()` would do next for the query asked for last: scan one chunk of a filter (short), build a
   * sort's index or whole list (one statement, ~1.3 s on 1M rows: a thread waits for a quiet moment first), or nothing.
   */
  nextStep(): 'scan' | 'build' | null {
    const state = this.active;
    if (!state || state.complete || state.stopped || state.contiguous || state.indexed) return null;
    return state.mode === 'stream' ? 'scan' : 'build';
  }

  /** One bounded piece of work on the latest query: a chunk of a filter's scan, or its whole sorted list. */
  step(): void {
    const state = this.active;
    if (!state || state.complete || state.stopped) return;
    if (state.mode === 'stream') this.lists.scanChunk(state);
    else this.materialize(state);
  }

  close(): void {
    for (const state of [...this.states.values()]) this.drop(state);
  }

  private stateFor(query: GridQuery): QueryState {
    this.checkDataVersion();
    const key = queryKey(query);
    let state = this.states.get(key);
    if (!state) {
      state = this.create(query, key);
      this.evictBeyond(MAX_CACHED_QUERIES - 1);
      this.states.set(key, state);
    } else {
      // Re-inserted: Map order is the least-recently-used order eviction follows.
      this.states.delete(key);
      this.states.set(key, state);
    }
    this.active = state;
    return state;
  }

  private create(query: GridQuery, key: string): QueryState {
    const columns = this.columns(query.table);
    this.remember(query.table);
    const rowid = rowidName(columns);
    const where = whereClause(query, columns);
    orderClause(query, columns, rowid);
    const table = quoteIdentifier(query.table);
    const mode: Mode = where.sql ? 'stream' : query.sort ? 'sorted' : 'all';
    const total = where.sql ? null : this.tableRowCount(query.table);
    // Two statements: SQLite answers a lone min() or max() of the row id from the B-tree's ends, but both in one query by a full scan.
    const bounds = {
      lo: this.db.prepare(`SELECT min(${rowid}) FROM ${table}`).pluck().get() as number | null,
      hi: this.db.prepare(`SELECT max(${rowid}) FROM ${table}`).pluck().get() as number | null,
    };
    const temp = `grid_q${nextTempTable++}`;
    return {
      key, query, columns, rowid, where, mode, temp, total,
      matches: where.sql && query.sort ? `${temp}_m` : null,
      positions: 0,
      found: 0,
      complete: false,
      tempCreated: false,
      stopped: false,
      indexed: mode === 'sorted' && this.sortIndexes.serves(query.table, query.sort!.column, rowid),
      contiguous: mode === 'all' && total !== null && bounds.lo !== null && bounds.hi !== null && bounds.hi - bounds.lo + 1 === total,
      minRowid: bounds.lo ?? 0,
      maxRowid: bounds.hi ?? -1,
      scannedUpTo: (bounds.lo ?? 0) - 1,
    };
  }

  private materialize(state: QueryState): void {
    if (state.complete || state.indexed) return;
    if (state.query.sort && state.total !== null) {
      state.indexed = this.indexSort(state.query.sort.column, state);
      if (state.indexed) return;
    }
    this.lists.buildWhole(state);
  }

  /**
   * Scans on until a page's rows are found or the budget is spent: a common match fills the first page from
   * the first chunk; a rare one answers with what it has and keeps scanning between requests.
   */
  private scanFor(state: QueryState, positionsWanted: number): void {
    const startedMs = performance.now();
    while (!state.complete && state.positions < positionsWanted && performance.now() - startedMs < this.tuning.pageScanBudgetMs) this.lists.scanChunk(state);
  }

  /** Makes (once) the index a big table's sort walks; its creation is not a change of the rows, so no list is dropped for it. */
  private indexSort(column: string, state: QueryState): boolean {
    return this.sortIndexes.ensure(state.query.table, column, state.rowid, state.total ?? 0);
  }

  private countOf(state: QueryState): GridCount {
    const span = state.maxRowid - state.minRowid + 1;
    const scanned = state.complete || state.total !== null ? 1 : span <= 0 ? 1 : Math.min(1, (state.scannedUpTo - state.minRowid + 1) / span);
    const rows = state.complete ? state.positions : state.total;
    return { rows, matchedSoFar: state.complete ? state.positions : state.total ?? state.found, complete: rows !== null, scannedFraction: scanned };
  }

  private evictBeyond(keep: number): void {
    for (const state of this.states.values()) {
      if (this.states.size <= keep) break;
      this.drop(state);
    }
  }

  private drop(state: QueryState): void {
    this.states.delete(state.key);
    if (this.active === state) this.active = null;
    this.lists.drop(state);
  }

  private readDataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /**
   * Another connection committed (an import, a retry, an undo, a sort index): the views and counts of the
   * tables it changed start over, the others stay, so a search on one table keeps going while an import
   * writes another.
   */
  private checkDataVersion(): void {
    const version = this.readDataVersion();
    if (version === this.dataVersion) return;
    this.dataVersion = version;
    for (const [table, before] of [...this.fingerprints]) {
      if (tableFingerprint(this.db, table, (name) => this.columns(name)) === before) continue;
      this.fingerprints.delete(table);
      this.tableRows.delete(table);
      for (const state of [...this.states.values()]) if (state.query.table === table) this.drop(state);
    }
  }

  private remember(table: string): void {
    if (!this.fingerprints.has(table)) this.fingerprints.set(table, tableFingerprint(this.db, table, (name) => this.columns(name)));
  }
}
