import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { Store } from '../../../main/engine/store/store.js';
import { sortIndexName } from '../../../main/engine/store/sort-index.js';
import type { ColumnFilter, GridQuery } from '../../../main/engine/store/table-filter.js';
import { TableQueries } from '../../../main/engine/store/table-query.js';
import { tempDir } from '../../helpers/paths.js';

/** Above the size at which a sort gets its own index, so both the index path and the list path are exercised. */
const ROWS = 60_000;
const GAPLESS = 'gapless';
const HOLES = 'with holes';

/**
 * Two tables with the same data: one whose row ids run without gaps, one with deleted stretches (as after an
 * undo). Sort keys are full of ties and NULLs, and one column mixes numbers and text, as a CSV column can.
 */
function makeStore(dbPath: string): void {
  Store.open(dbPath).close();
  const db = new Database(dbPath);
  for (const table of [GAPLESS, HOLES]) {
    db.exec(`CREATE TABLE "${table}" (k INTEGER, s TEXT, n REAL, mixed, note TEXT)`);
    db.prepare(
      `WITH RECURSIVE i(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM i WHERE v < ?)
       INSERT INTO "${table}" (k, s, n, mixed, note)
       SELECT CASE WHEN v % 11 = 0 THEN NULL ELSE v * 7 % 97 END,
              CASE WHEN v % 13 = 0 THEN NULL ELSE 'name' || (v * 31 % 400) END,
              CASE WHEN v % 17 = 0 THEN NULL ELSE (v % 50) / 4.0 END,
              CASE v % 3 WHEN 0 THEN v % 20 WHEN 1 THEN 'x' || (v % 9) ELSE NULL END,
              CASE WHEN v % 5000 = 123 THEN 'rare needle' WHEN v % 2 = 0 THEN 'even' ELSE 'odd' END
       FROM i`,
    ).run(ROWS);
  }
  db.exec(`DELETE FROM "${HOLES}" WHERE (rowid BETWEEN 1000 AND 2999) OR rowid % 97 = 0 OR rowid > ${ROWS - 50}`);
  db.close();
}

const SORTS = [undefined, ...['k', 's', 'n', 'mixed'].flatMap((column) => [false, true].map((descending) => ({ column, descending })))];
const FILTERS: (string | undefined)[] = [undefined, 'name1', 'rare needle', 'x3', '2.5', 'nothing matches this'];
const COLUMN_FILTERS: ColumnFilter[][] = [
  [],
  [{ column: 'k', op: 'null' }],
  [{ column: 'n', op: 'range', min: '3', max: '7.5' }],
  [{ column: 'mixed', op: 'equals', value: '4' }],
  [{ column: 's', op: 'contains', value: 'name2' }, { column: 'k', op: 'not-null' }],
];

/** Unfiltered views are drawn as often as filtered ones: they take the most distinct paths (row ids, index, edges). */
const queryArb = fc.record({
  table: fc.constantFrom(GAPLESS, HOLES),
  sort: fc.constantFrom(...SORTS),
  filter: fc.oneof({ arbitrary: fc.constant(undefined), weight: FILTERS.length }, fc.constantFrom(...FILTERS)),
  columnFilters: fc.oneof({ arbitrary: fc.constant<ColumnFilter[]>([]), weight: COLUMN_FILTERS.length }, fc.constantFrom(...COLUMN_FILTERS)),
});

/** The same view by plain SQL with OFFSET: what every fast path must return, row for row. */
function oracle(db: Database.Database, query: GridQuery, offset: number, limit: number): unknown[][] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.filter) {
    where.push(`(${['k', 's', 'n', 'mixed', 'note'].map((c) => `CAST(${c} AS TEXT) LIKE ?`).join(' OR ')})`);
    for (let i = 0; i < 5; i++) params.push(`%${query.filter}%`);
  }
  for (const filter of query.columnFilters ?? []) {
    if (filter.op === 'null') where.push(`${filter.column} IS NULL`);
    else if (filter.op === 'not-null') where.push(`${filter.column} IS NOT NULL`);
    else if (filter.op === 'contains') {
      where.push(`${filter.column} LIKE ?`);
      params.push(`%${filter.value}%`);
    } else if (filter.op === 'equals') {
      where.push(`${filter.column} = ?`);
      // A column without a declared type compares a typed value as text, so '4' does not equal the number 4.
      params.push(filter.column === 'mixed' ? filter.value : Number(filter.value));
    } else if (filter.op === 'range') {
      where.push(`${filter.column} BETWEEN ? AND ?`);
      params.push(Number(filter.min), Number(filter.max));
    }
  }
  const direction = query.sort?.descending ? 'DESC' : 'ASC';
  const order = query.sort ? `ORDER BY ${query.sort.column} ${direction}, rowid ${direction}` : 'ORDER BY rowid';
  const sql = `SELECT rowid, * FROM "${query.table}" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${order} LIMIT ? OFFSET ?`;
  return db.prepare(sql).raw(true).all(...params, limit, offset) as unknown[][];
}

function drain(queries: TableQueries): void {
  while (queries.nextStep() !== null) queries.step();
}

describe('grid paging gives the rows OFFSET paging gives, for any sort, filter and position', () => {
  const dir = tempDir('sluice-grid-paging-');
  const dbPath = path.join(dir, 'store.sqlite');
  let store: Store;
  let check: Database.Database;

  before(() => {
    makeStore(dbPath);
    store = Store.open(dbPath, { readonly: true });
    check = new Database(dbPath, { readonly: true });
  });
  after(() => {
    store.close();
    check.close();
  });

  /** Positions a user reaches: the top, the end (End key), past the end, the middle, anywhere. */
  const positionArb = fc.oneof(fc.constantFrom(0, 1, 199, ROWS / 2, ROWS - 200, ROWS - 1, ROWS + 10), fc.nat({ max: ROWS + 50 }));

  // Lists first: once the index run has made its indexes, every later sort of those columns walks them.
  for (const sortIndexes of [false, true]) {
    test(`random views and positions (${sortIndexes ? 'sorts may make an index' : 'sorted row-id lists only'})`, () => {
      // Small scan chunks and no page budget: a filter's page answers with what is found so far, as on a big table.
      const queries = new TableQueries(store, { scanChunkRowids: 7_000, pageScanBudgetMs: 0 }, { sortIndexes });
      try {
        fc.assert(
          fc.property(queryArb, fc.array(fc.tuple(positionArb, fc.integer({ min: 1, max: 300 })), { minLength: 1, maxLength: 4 }), (raw, pages) => {
            const query: GridQuery = { table: raw.table, ...(raw.sort ? { sort: raw.sort } : {}), ...(raw.filter ? { filter: raw.filter } : {}), columnFilters: raw.columnFilters };
            for (const [offset, limit] of pages) {
              const page = queries.page(query, offset, limit);
              const expected = oracle(check, query, offset, limit);
              // Before a scan completes a page may be short, never wrong: what it has are the rows at those positions.
              if (!page.count.complete) assert.deepEqual(page.rows, expected.slice(0, page.rows.length).map((row) => row.slice(1)));
              else assert.deepEqual(page.rows, expected.map((row) => row.slice(1)), `${JSON.stringify(query)} at ${offset}`);
              assert.deepEqual(page.rowIds, page.rows.length === 0 ? [] : expected.slice(0, page.rows.length).map((row) => row[0]));
            }
            drain(queries);
            const [offset, limit] = pages[0]!;
            const settled = queries.page(query, offset, limit);
            assert.deepEqual(settled.rows, oracle(check, query, offset, limit).map((row) => row.slice(1)));
            assert.equal(settled.count.rows, (oracle(check, query, 0, 1e9)).length);
          }),
          { numRuns: 60, seed: sortIndexes ? 15 : 16 },
        );
      } finally {
        queries.close();
      }
    });
  }
});

describe('a sorted filter scans in chunks like any filter', () => {
  const dir = tempDir('sluice-grid-sorted-filter-');
  const dbPath = path.join(dir, 'store.sqlite');

  test('its pages wait for the scan, a cancel forgets it, and Stop sorts the matches found so far', () => {
    makeStore(dbPath);
    const store = Store.open(dbPath, { readonly: true });
    const check = new Database(dbPath, { readonly: true });
    const queries = new TableQueries(store, { scanChunkRowids: 10_000, pageScanBudgetMs: 0 });
    try {
      const query: GridQuery = { table: GAPLESS, sort: { column: 'n', descending: true }, filter: 'even' };
      assert.deepEqual(queries.page(query, 0, 10).rows, []);
      assert.equal(queries.nextStep(), 'scan');
      queries.step();
      queries.step();
      const partial = queries.count(query);
      assert.deepEqual([partial.complete, partial.matchedSoFar, partial.scannedFraction], [false, 10_000, 20_000 / ROWS]);

      queries.cancel(query);
      assert.equal(queries.nextStep(), null);
      queries.page(query, 0, 10);
      assert.equal(queries.count(query).matchedSoFar, 0, 'asked again, it starts over');

      queries.step();
      queries.cancel(query, true);
      assert.equal(queries.nextStep(), null);
      const stopped = queries.page(query, 0, 10);
      // The first 10,000 row ids, even ones, sorted: what SQL gives for the same rows.
      const expected = check
        .prepare(`SELECT * FROM "${GAPLESS}" WHERE rowid <= 10000 AND note LIKE '%even%' ORDER BY n DESC, rowid DESC LIMIT 10`)
        .raw(true)
        .all();
      assert.deepEqual(stopped.rows, expected);
      assert.deepEqual([stopped.count.complete, stopped.count.matchedSoFar], [false, 5_000]);
    } finally {
      queries.close();
      store.close();
      check.close();
    }
  });
});

describe('sort indexes stay within bounds', () => {
  test('a big table sorted by a short column gets one index for it, kept in the store and used by the next reader', () => {
    const own = path.join(tempDir('sluice-grid-own-index-'), 'store.sqlite');
    makeStore(own);
    const store = Store.open(own, { readonly: true });
    const check = new Database(own, { readonly: true });
    const query: GridQuery = { table: HOLES, sort: { column: 's', descending: true } };
    const first = new TableQueries(store);
    first.page(query, 30_000, 10);
    first.close();
    const indexes = check.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?`).pluck().all(HOLES);
    assert.ok(indexes.includes(sortIndexName(HOLES, 's')), JSON.stringify(indexes));
    const next = new TableQueries(store);
    // The index serves it: no list to build, the deep page is read off the index at once.
    assert.equal(next.page(query, 40_000, 5).count.complete, true);
    assert.equal(next.nextStep(), null);
    assert.deepEqual(next.page(query, 40_000, 5).rows, oracle(check, query, 40_000, 5).map((row) => row.slice(1)));
    next.close();
    store.close();
    check.close();
  });

  const dir = tempDir('sluice-grid-sort-index-');
  const dbPath = path.join(dir, 'store.sqlite');

  test('no index for a column of long text, at most three per table, and every sort is still right', () => {
    Store.open(dbPath).close();
    const db = new Database(dbPath);
    db.exec(`CREATE TABLE wide (a INTEGER, b TEXT, c REAL, d TEXT, body TEXT)`);
    db.prepare(
      `WITH RECURSIVE i(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM i WHERE v < 60000)
       INSERT INTO wide SELECT v % 1000, 'b' || (v % 777), v / 7.0, 'd' || (v % 333), printf('%0100d', v * 7919 % 60000) FROM i`,
    ).run();
    db.close();
    const store = Store.open(dbPath, { readonly: true });
    const check = new Database(dbPath, { readonly: true });
    const queries = new TableQueries(store);
    try {
      for (const column of ['body', 'a', 'b', 'c', 'd']) {
        const query: GridQuery = { table: 'wide', sort: { column, descending: false } };
        const page = queries.page(query, 41_234, 7);
        assert.deepEqual(page.rows, check.prepare(`SELECT * FROM wide ORDER BY ${column}, rowid LIMIT 7 OFFSET 41234`).raw(true).all(), column);
      }
      const made = check.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'wide' ORDER BY name`).pluck().all();
      assert.deepEqual(made, ['a', 'b', 'c'].map((column) => sortIndexName('wide', column)));
    } finally {
      queries.close();
      store.close();
      check.close();
    }
  });
});

describe('a sorted filter on a table made elsewhere', () => {
  test("a column's own collation orders the matches as SQL does", () => {
    const dbPath = path.join(tempDir('sluice-grid-collate-'), 'store.sqlite');
    Store.open(dbPath).close();
    const db = new Database(dbPath);
    db.exec(`CREATE TABLE names (name TEXT COLLATE NOCASE, n INTEGER)`);
    const insert = db.prepare('INSERT INTO names VALUES (?, ?)');
    ['beta', 'Alpha', 'alpha', 'BETA', 'gamma', 'Alpha', null, 'a'].forEach((name, i) => insert.run(name, i));
    db.close();
    const store = Store.open(dbPath, { readonly: true });
    const check = new Database(dbPath, { readonly: true });
    const queries = new TableQueries(store);
    try {
      const query: GridQuery = { table: 'names', sort: { column: 'name', descending: false }, columnFilters: [{ column: 'n', op: 'range', min: '0' }] };
      queries.page(query, 0, 1);
      drain(queries);
      assert.deepEqual(queries.page(query, 0, 20).rows, check.prepare('SELECT * FROM names WHERE n >= 0 ORDER BY name, rowid').raw(true).all());
    } finally {
      queries.close();
      store.close();
      check.close();
    }
  });
});

describe('writes to one table leave the views of others alone', () => {
  test('a search keeps its progress while another table is written, and starts over when its own table is', () => {
    const dbPath = path.join(tempDir('sluice-grid-other-table-'), 'store.sqlite');
    makeStore(dbPath);
    const store = Store.open(dbPath, { readonly: true });
    const queries = new TableQueries(store, { scanChunkRowids: 10_000, pageScanBudgetMs: 0 });
    const writer = new Database(dbPath);
    try {
      const search: GridQuery = { table: GAPLESS, filter: 'rare needle' };
      queries.page(search, 0, 10);
      queries.step();
      queries.step();
      const before = queries.count(search);
      assert.deepEqual([before.matchedSoFar, before.scannedFraction], [4, 20_000 / ROWS]);
      const total = queries.page({ table: HOLES }, 0, 1).count.rows!;

      writer.prepare(`INSERT INTO "${HOLES}" (k, note) VALUES (1, 'rare needle')`).run();
      assert.deepEqual(queries.count(search), before, 'the search on the other table goes on where it was');
      assert.equal(queries.page({ table: HOLES }, 0, 1).count.rows, total + 1, "the written table's count is read again");

      writer.prepare(`INSERT INTO "${GAPLESS}" (k, note) VALUES (1, 'rare needle')`).run();
      assert.deepEqual([queries.count(search).matchedSoFar, queries.count(search).scannedFraction], [0, 0]);
      queries.page(search, 0, 10);
      drain(queries);
      assert.equal(queries.count(search).rows, ROWS / 5000 + 1);
    } finally {
      writer.close();
      queries.close();
      store.close();
    }
  });
});
