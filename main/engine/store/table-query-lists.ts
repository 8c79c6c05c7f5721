import type Database from 'better-sqlite3';
import { quoteIdentifier } from './identifiers.js';
import { orderClause } from './table-filter.js';
import type { QueryState, StatementCache } from './table-query-rows.js';

/**
 * The writers of a view's position list (see TableQueries): the whole sorted list at once, a filter's scan one
 * row id chunk at a time, and a sorted filter's matches put in order. The readers are in table-query-rows.ts.
 */
export class QueryLists {
  constructor(
    private readonly db: Database.Database,
    private readonly statements: StatementCache,
    /** Row ids a filter's scan reads per chunk. */
    private readonly chunkRowids: number,
  ) {}

  /** The whole query's row ids, in its order, as positions 1…n. */
  buildWhole(state: QueryState): void {
    this.ensureTemp(state);
    this.db.exec(`DELETE FROM temp.${state.temp}`);
    const sql = `INSERT INTO temp.${state.temp} (rid) SELECT ${state.rowid} FROM ${quoteIdentifier(state.query.table)} ${orderClause(state.query, state.columns, state.rowid)}`;
    state.positions = this.statements.get(sql).run().changes;
    state.found = state.positions;
    state.complete = true;
    state.scannedUpTo = state.maxRowid;
  }

  /** Scans the next `chunkRowids` row ids of a filter; the last chunk completes the list (sorted, for a sorted filter). */
  scanChunk(state: QueryState): void {
    this.ensureTemp(state);
    const from = state.scannedUpTo;
    const to = Math.min(state.maxRowid, from + this.chunkRowids);
    const r = state.rowid;
    const table = quoteIdentifier(state.query.table);
    const range = `WHERE ${r} > ? AND ${r} <= ? AND (${state.where.sql})`;
    if (state.matches) {
      const key = quoteIdentifier(state.query.sort!.column);
      state.found += this.statements.get(`INSERT INTO temp.${state.matches} (k, rid) SELECT ${key}, ${r} FROM ${table} ${range}`).run(from, to, ...state.where.params).changes;
    } else {
      state.positions += this.statements.get(`INSERT INTO temp.${state.temp} (rid) SELECT ${r} FROM ${table} ${range} ORDER BY ${r}`).run(from, to, ...state.where.params).changes;
      state.found = state.positions;
    }
    state.scannedUpTo = to;
    if (to < state.maxRowid) return;
    if (state.matches) this.sortMatches(state);
    state.complete = true;
  }

  /** A sorted filter's list: its matches (all of them, or those found before a Stop) in the view's order. */
  sortMatches(state: QueryState): void {
    this.ensureTemp(state);
    const descending = state.query.sort!.descending ? 'DESC' : 'ASC';
    this.db.exec(`DELETE FROM temp.${state.temp}`);
    // The copied keys sort as the table's do unless a column declares its own collation (Sluice never does;
    // a table made elsewhere may): then the matches are sorted by the table's own column.
    const declared = this.db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`).pluck().get(state.query.table) as string | undefined;
    const order = /\bCOLLATE\b/i.test(declared ?? '')
      ? `SELECT m.rid FROM temp.${state.matches} AS m CROSS JOIN ${quoteIdentifier(state.query.table)} AS t ON t.${state.rowid} = m.rid ${orderClause(state.query, state.columns, state.rowid, false, 't')}`
      : `SELECT rid FROM temp.${state.matches} ORDER BY k ${descending}, rid ${descending}`;
    state.positions = this.statements.get(`INSERT INTO temp.${state.temp} (rid) ${order}`).run().changes;
  }

  /** Drops a view's temp tables (when its connection is still open). */
  drop(state: QueryState): void {
    if (this.db.open) this.db.exec(`DROP TABLE IF EXISTS temp.${state.temp}${state.matches ? `; DROP TABLE IF EXISTS temp.${state.matches}` : ''}`);
  }

  private ensureTemp(state: QueryState): void {
    if (state.tempCreated) return;
    this.db.exec(`CREATE TEMP TABLE ${state.temp} (pos INTEGER PRIMARY KEY, rid INTEGER NOT NULL)`);
    // The key column has no type, so every value keeps its storage class and sorts as it does in the table.
    if (state.matches) this.db.exec(`CREATE TEMP TABLE ${state.matches} (k, rid INTEGER NOT NULL)`);
    state.tempCreated = true;
  }
}
