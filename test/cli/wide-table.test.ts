/**
 * A table of 1,200 columns takes keyed imports and searches: upserts, their pre-images, undo and the search across
 * every column build no SQL expression deeper, and call no function with more arguments, than SQLite allows (1,000 each).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sluice } from '../helpers/cli.js';
import { jsonlStoreHelpers } from '../helpers/jsonl-store.js';
import { Store } from '../../main/engine/store/store.js';
import { TableQueries } from '../../main/engine/store/table-query.js';
import { tablePage } from '../../main/engine/store/table-browser.js';

const { write, freshDb, importInto, exportObjects, parseLines } = jsonlStoreHelpers();

test('1,200 columns: a keyed import, an upsert that leaves most of them alone, and its undo', () => {
  const db = freshDb();
  const wide: Record<string, unknown> = { id: 1 };
  for (let i = 0; i < 1200; i++) wide[`c${i}`] = i % 3 === 0 ? null : i % 3 === 1 ? i : `v${i}`;
  const first = write('wide-1.jsonl', `${JSON.stringify(wide)}\n{"id":2,"c7":"x"}\n`);
  importInto(db, first, ['--table', 'w', '--key', 'id']);
  const before = exportObjects(db, 'w');
  assert.deepEqual(before, parseLines(`${JSON.stringify(wide)}\n{"id":2,"c7":"x"}\n`));
  const upsert = importInto(db, write('wide-2.jsonl', '{"id":1,"c0":5}\n{"id":2,"c0":6}\n'), ['--table', 'w', '--key', 'id']);
  assert.equal(upsert.rowsUpdated, 2);
  assert.deepEqual(exportObjects(db, 'w'), [{ ...wide, c0: 5 }, { id: 2, c0: 6, c7: 'x' }]);
  const undo = sluice(['undo', '--db', db, '--import', String(upsert.importId)]);
  assert.equal(undo.status, 0, undo.stderr);
  assert.deepEqual(exportObjects(db, 'w'), before);
});

test('1,200 columns: the Data grid\'s search across every column finds the row', () => {
  const db = freshDb();
  const row: Record<string, unknown> = { id: 1 };
  for (let i = 0; i < 1200; i++) row[`c${i}`] = `v${i}`;
  importInto(db, write('wide-search.jsonl', `${JSON.stringify(row)}\n${JSON.stringify({ ...row, id: 2, c1199: 'needle' })}\n`), ['--table', 'ws']);
  const store = Store.open(db);
  try {
    const queries = new TableQueries(store);
    assert.deepEqual(queries.page({ table: 'ws', filter: 'needle' }, 0, 10).rowIds, [2]);
    assert.equal(tablePage(store, { table: 'ws', filter: 'needle', offset: 0, limit: 10 }).rows.length, 1);
  } finally {
    store.close();
  }
});
