import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Store } from '../../../main/engine/store/store.js';
import { profileColumn } from '../../../main/engine/store/column-profile.js';
import type { GridQuery } from '../../../main/engine/store/table-filter.js';
import { TableQueries } from '../../../main/engine/store/table-query.js';
import { tempDir } from '../../helpers/paths.js';

const ROWS = 120_000;
const TABLE = 'people "quoted"';

/** A table big enough that a filter's scan takes several chunks; rowids have a gap, as after an upsert. */
function makeStore(dbPath: string): void {
  Store.open(dbPath).close();
  const db = new Database(dbPath);
  db.exec(`CREATE TABLE "people ""quoted""" (id INTEGER, email TEXT, age INTEGER, "rowid" TEXT, note TEXT)`);
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO "people ""quoted""" (id, email, age, "rowid", note)
     SELECT i, 'user' || (i * 7919 % ?) || '@example.com', 18 + i % 60, 'r' || i,
            CASE WHEN i % 10 = 0 THEN NULL WHEN i % 40000 = 7 THEN 'rare 100% zebra' ELSE 'plain' END FROM n`,
  ).run(ROWS, ROWS);
  db.exec(`DELETE FROM "people ""quoted""" WHERE id BETWEEN 500 AND 599`);
  db.close();
}

/** What a plain SQL query with OFFSET returns: the oracle every fast path must agree with. */
function oracle(db: Database.Database, where: string, params: unknown[], order: string, offset: number, limit: number): unknown[][] {
  return db.prepare(`SELECT * FROM "people ""quoted""" ${where} ${order} LIMIT ? OFFSET ?`).raw(true).all(...params, limit, offset) as unknown[][];
}

function drain(queries: TableQueries): void {
  while (queries.nextStep() !== null) queries.step();
}

describe('table queries: seek paging for the data grid', () => {
  const dir = tempDir('sluice-table-query-');
  const dbPath = path.join(dir, 'store.sqlite');
  let store: Store;
  let check: Database.Database;
  let queries: TableQueries;

  before(() => {
    makeStore(dbPath);
    store = Store.open(dbPath, { readonly: true });
    check = new Database(dbPath, { readonly: true });
    queries = new TableQueries(store);
  });
  after(() => {
    queries.close();
    store.close();
    check.close();
  });

  const live = ROWS - 100;

  test('deep pages, the last page and pages of a sorted view are the rows OFFSET would give', () => {
    const plain = { table: TABLE };
    assert.deepEqual(queries.page(plain, 0, 50).rows, oracle(check, '', [], 'ORDER BY _rowid_', 0, 50));
    const end = queries.page(plain, live - 30, 50);
    assert.equal(end.rows.length, 30);
    assert.deepEqual(end.rows, oracle(check, '', [], 'ORDER BY _rowid_', live - 30, 50));
    assert.deepEqual(queries.page(plain, 60_000, 40).rows, oracle(check, '', [], 'ORDER BY _rowid_', 60_000, 40));
    assert.deepEqual(queries.page(plain, 0, 10).count, { rows: live, matchedSoFar: live, complete: true, scannedFraction: 1 });

    const sorted: GridQuery = { table: TABLE, sort: { column: 'email', descending: true } };
    for (const offset of [0, 5, 70_001, live - 7]) {
      assert.deepEqual(queries.page(sorted, offset, 25).rows, oracle(check, '', [], 'ORDER BY email DESC, _rowid_ DESC', offset, 25), `offset ${offset}`);
    }
  });

  test('a column named "rowid" is data, not the row id', () => {
    const page = queries.page({ table: TABLE, sort: { column: 'rowid', descending: false } }, 0, 3);
    assert.deepEqual(page.rows.map((row) => row[3]), ['r1', 'r10', 'r100']);
  });

  test('a common filter fills its first page from the first chunk of its scan', () => {
    const page = queries.page({ table: TABLE, filter: 'plain' }, 0, 100);
    assert.equal(page.rows.length, 100);
    assert.equal(page.count.complete, false);
    assert.deepEqual(page.rows, oracle(check, `WHERE note LIKE '%plain%'`, [], 'ORDER BY _rowid_', 0, 100));
  });

  test('a rare filter streams: partial counts while it scans, then the exact count and the same rows as SQL', () => {
    const rare: GridQuery = { table: TABLE, filter: '100% zebra' };
    // Small chunks and no scan budget: the page answers at once with what is known, as a slow scan on a big table would.
    const slow = new TableQueries(store, { scanChunkRowids: 10_000, pageScanBudgetMs: 0 });
    const first = slow.page(rare, 0, 20);
    assert.deepEqual([first.rows.length, first.count], [0, { rows: null, matchedSoFar: 0, complete: false, scannedFraction: 0 }]);
    slow.step();
    slow.step();
    const partial = slow.count(rare);
    assert.equal(partial.complete, false);
    assert.ok(partial.scannedFraction > 0.1 && partial.scannedFraction < 0.3, String(partial.scannedFraction));
    assert.equal(slow.page(rare, 0, 20).rows.length, partial.matchedSoFar);
    drain(slow);
    const done = slow.page(rare, 0, 20);
    slow.close();
    const expected = oracle(check, `WHERE note LIKE '%100\\% zebra%' ESCAPE '\\'`, [], 'ORDER BY _rowid_', 0, 20);
    assert.equal(expected.length, 3);
    assert.deepEqual(done.rows, expected);
    assert.deepEqual(done.count, { rows: 3, matchedSoFar: 3, complete: true, scannedFraction: 1 });
  });

  test('cancel stops a scan; asking again starts over and still finds every match', () => {
    const slow = new TableQueries(store, { scanChunkRowids: 10_000, pageScanBudgetMs: 0 });
    const query: GridQuery = { table: TABLE, filter: 'zebra' };
    slow.page(query, 0, 10);
    slow.step();
    assert.equal(slow.nextStep(), 'scan');
    slow.cancel(query);
    assert.equal(slow.nextStep(), null);
    slow.page(query, 0, 10);
    drain(slow);
    assert.equal(slow.count(query).rows, 3);
    slow.close();
  });

  test("the user's Stop keeps the rows found so far and scans no further", () => {
    const slow = new TableQueries(store, { scanChunkRowids: 50_000, pageScanBudgetMs: 0 });
    const query: GridQuery = { table: TABLE, filter: 'zebra' };
    slow.page(query, 0, 10);
    slow.step();
    const found = slow.count(query).matchedSoFar;
    assert.ok(found >= 1, 'the first chunk holds a match');
    slow.cancel(query, true);
    assert.equal(slow.nextStep(), null);
    const page = slow.page(query, 0, 10);
    assert.equal(page.rows.length, found);
    assert.equal(page.count.complete, false);
    assert.equal(slow.count(query).matchedSoFar, found);
    slow.close();
  });

  test('column filters bind their values: equals on numbers, ranges, is null, contains with wildcards, and SQL in a value is just text', () => {
    const count = (query: GridQuery) => {
      queries.page(query, 0, 1);
      drain(queries);
      return queries.count(query).rows;
    };
    const expectCount = (where: string) => check.prepare(`SELECT count(*) FROM "people ""quoted""" WHERE ${where}`).pluck().get() as number;
    assert.equal(count({ table: TABLE, columnFilters: [{ column: 'age', op: 'equals', value: ' 30 ' }] }), expectCount('age = 30'));
    assert.equal(count({ table: TABLE, columnFilters: [{ column: 'age', op: 'range', min: '20', max: '22' }] }), expectCount('age BETWEEN 20 AND 22'));
    assert.equal(count({ table: TABLE, columnFilters: [{ column: 'note', op: 'null' }] }), expectCount('note IS NULL'));
    assert.equal(count({ table: TABLE, columnFilters: [{ column: 'note', op: 'contains', value: '0%' }] }), 3);
    assert.equal(count({ table: TABLE, columnFilters: [{ column: 'email', op: 'equals', value: `x' OR 1=1; DROP TABLE "people ""quoted"""; --` }] }), 0);
    const both: GridQuery = { table: TABLE, sort: { column: 'age', descending: false }, filter: 'user1', columnFilters: [{ column: 'age', op: 'range', min: '70' }] };
    // A sorted filter's rows come once its scan has every match (on a loaded machine that may take more than one page request).
    queries.page(both, 0, 1);
    drain(queries);
    const page = queries.page(both, 10, 15);
    assert.deepEqual(page.rows, oracle(check, `WHERE (CAST(id AS TEXT) LIKE '%user1%' OR email LIKE '%user1%' OR CAST(age AS TEXT) LIKE '%user1%' OR "rowid" LIKE '%user1%' OR note LIKE '%user1%') AND age >= 70`, [], 'ORDER BY age, _rowid_', 10, 15));
    assert.equal(expectCount('1'), live);
  });

  test('unknown tables and columns are refused by name', () => {
    assert.throws(() => queries.page({ table: 'nope' }, 0, 1), /There is no table "nope"/);
    assert.throws(() => queries.page({ table: '_sluice_imports' }, 0, 1), /There is no table/);
    assert.throws(() => queries.page({ table: TABLE, sort: { column: 'x', descending: false } }, 0, 1), /has no column "x"/);
  });

  test('rows written by another connection show up: cached lists are dropped when the store changes', () => {
    const query: GridQuery = { table: TABLE, filter: 'zebra' };
    queries.page(query, 0, 5);
    drain(queries);
    assert.equal(queries.count(query).rows, 3);
    const writer = new Database(dbPath);
    writer.prepare(`INSERT INTO "people ""quoted""" (id, note) VALUES (?, ?)`).run(999_999, 'late zebra');
    writer.close();
    queries.page(query, 0, 5);
    drain(queries);
    assert.equal(queries.count(query).rows, 4);
  });

  test('a column profile counts nulls and top values, and bins numbers', () => {
    const columns = queries.columns(TABLE);
    const profile = profileColumn(store.db, { table: TABLE }, columns, 'age');
    assert.equal(profile.type, 'integer');
    assert.equal(profile.nulls, 1);
    assert.equal(profile.distinct, 60);
    assert.equal(profile.min, 18);
    assert.equal(profile.max, 77);
    assert.equal(profile.top.length, 8);
    assert.equal(profile.histogram?.reduce((sum, bucket) => sum + bucket.count, 0), live);
    const note = profileColumn(store.db, { table: TABLE, filter: 'zebra' }, columns, 'note');
    assert.deepEqual(note.top.map((t) => t.count), [3, 1]);
    assert.equal(note.histogram, null);
  });
});
