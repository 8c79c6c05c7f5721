import Database from 'better-sqlite3';
import { INTERNAL_TABLE_PREFIX, quoteIdentifier } from './identifiers.js';

/**
 * Below this many rows a sort without an index is quick enough (a 50k-row sort takes ~40 ms), so the store
 * does not grow for it.
 */
const SORT_INDEX_MIN_ROWS = 50_000;
/**
 * CREATE INDEX holds the store's write lock while it runs (~1.3 s per million rows of e-mail addresses); an
 * import that starts meanwhile waits for it, and gives up after its 5 s busy timeout. Above this size a sort
 * falls back to a per-query sorted list instead.
 */
const SORT_INDEX_MAX_ROWS = 2_500_000;
/**
 * An index costs about its column's size again in the store (e-mail addresses on 1M rows: +37 MB on 98 MB).
 * Columns of long text (notes, JSON) would nearly double it for one sort, so they are not indexed.
 */
const SORT_INDEX_MAX_AVERAGE_BYTES = 64;
const LENGTH_SAMPLE_ROWS = 1000;
/** Sorting by one column after another must not keep growing the store: past this many, sorts use lists. */
const MAX_SORT_INDEXES_PER_TABLE = 3;
/** A build never waits on an import's transaction: it is skipped, and the sort uses a sorted list instead. */
const BUILD_BUSY_TIMEOUT_MS = 100;

/** The name Sluice gives its own sort indexes (the prefix marks them as bookkeeping). */
export function sortIndexName(table: string, column: string): string {
  return `${INTERNAL_TABLE_PREFIX}sort__${table}__${column}`;
}

/**
 * Indexes made on demand so that sorting a big table by a column is a walk along an index instead of a sort
 * of every row: the first page of the sorted view is read at once, and its whole row-id list (what makes a
 * jump to any position direct) is written in ~50 ms instead of ~1.1 s per million rows. Made once per
 * (table, column) on a connection of its own that may write; they stay in the store, so the next session
 * sorts just as fast, and SQLite keeps them up to date through later imports (at some cost to those imports:
 * each index is one more B-tree to insert into).
 */
export class SortIndexes {
  /** Builds that failed (busy, read-only file, disk full): not tried again in this session. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly read: Database.Database,
    private readonly dbPath: string | null,
  ) {}

  /** Whether SQLite can read `table` in the order of `column` then row id without sorting. */
  serves(table: string, column: string, rowid: string): boolean {
    const plan = this.read
      .prepare(`EXPLAIN QUERY PLAN SELECT ${rowid} FROM ${quoteIdentifier(table)} ORDER BY ${quoteIdentifier(column)}, ${rowid}`)
      .all() as { detail: string }[];
    return !plan.some((step) => step.detail.includes('TEMP B-TREE'));
  }

  /**
   * Makes the index when this sort is worth one (a big table, a column of short values, no import running,
   * fewer than three sort indexes on the table so far), and says whether the sort is served by an index now.
   */
  ensure(table: string, column: string, rowid: string, rows: number): boolean {
    if (this.serves(table, column, rowid)) return true;
    const key = JSON.stringify([table, column]);
    if (this.dbPath === null || this.refused.has(key) || rows < SORT_INDEX_MIN_ROWS || rows > SORT_INDEX_MAX_ROWS) return false;
    if (!this.worthIndexing(table, column)) {
      this.refused.add(key);
      return false;
    }
    // A connection of its own, open only while it builds: the reader's own connection stays read-only.
    let writer: Database.Database | null = null;
    try {
      writer = new Database(this.dbPath, { fileMustExist: true });
      writer.pragma(`busy_timeout = ${BUILD_BUSY_TIMEOUT_MS}`);
      // CREATE INDEX sorts every key; a bigger cache keeps more of that sort in memory.
      writer.pragma('cache_size = -65536');
      writer.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdentifier(sortIndexName(table, column))} ON ${quoteIdentifier(table)} (${quoteIdentifier(column)})`);
    } catch {
      // Busy (an import is writing), a read-only store, a full disk: the sort works without, only slower.
      this.refused.add(key);
      return false;
    } finally {
      writer?.close();
    }
    // EXPLAIN runs no transaction, so it would plan with the schema this connection read before the build:
    // a real read first notices the new schema.
    this.read.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
    return this.serves(table, column, rowid);
  }

  private worthIndexing(table: string, column: string): boolean {
    const running = this.read.prepare(`SELECT 1 FROM ${INTERNAL_TABLE_PREFIX}imports WHERE status = 'running' LIMIT 1`).get();
    if (running !== undefined) return false;
    const prefix = sortIndexName(table, '');
    const made = this.read
      .prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND substr(name, 1, ?) = ?`)
      .pluck()
      .get(table, prefix.length, prefix) as number;
    if (made >= MAX_SORT_INDEXES_PER_TABLE) return false;
    const sql = `SELECT avg(length(v)) FROM (SELECT ${quoteIdentifier(column)} AS v FROM ${quoteIdentifier(table)} LIMIT ${LENGTH_SAMPLE_ROWS})`;
    const average = (this.read.prepare(sql).pluck().get() as number | null) ?? 0;
    return average <= SORT_INDEX_MAX_AVERAGE_BYTES;
  }
}

/** A sort index Sluice made for the Data grid, and what it costs in the store. */
export interface SortIndexInfo {
  table: string;
  column: string;
  /** The index's name in the store. */
  name: string;
  /** Bytes of the store's pages it holds. */
  bytes: number;
}

/** The sort indexes in the store, of one table or all, by table then column. */
export function listSortIndexes(db: Database.Database, table?: string): SortIndexInfo[] {
  const prefix = `${INTERNAL_TABLE_PREFIX}sort__`;
  // The column comes from the index itself: a name like _sluice_sort__a__b__c could split either way.
  const rows = db
    .prepare(
      `SELECT s.tbl_name AS "table", i.name AS "column", s.name AS name,
         (SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE dbstat.name = s.name) AS bytes
       FROM sqlite_schema AS s, pragma_index_info(s.name) AS i
       WHERE s.type = 'index' AND substr(s.name, 1, ?) = ? AND (? IS NULL OR s.tbl_name = ?)
       ORDER BY s.tbl_name, i.name`,
    )
    .all(prefix.length, prefix, table ?? null, table ?? null) as SortIndexInfo[];
  return rows;
}

/**
 * Removes sort indexes (all, a table's, or one column's) in one transaction. Nothing else changes: they hold
 * no data of their own, and a later sort of a big table makes its index again. The file keeps its size; SQLite
 * reuses the freed pages for later writes.
 */
export function dropSortIndexes(db: Database.Database, which: { table?: string; column?: string }): SortIndexInfo[] {
  const chosen = listSortIndexes(db, which.table).filter((index) => which.column === undefined || index.column === which.column);
  db.transaction(() => {
    for (const index of chosen) db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(index.name)}`);
  }).immediate();
  return chosen;
}
