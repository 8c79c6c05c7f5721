/**
 * Issue 12: an upsert that leaves some of the table's columns alone keeps, in the rows it updates, both an explicit
 * null and an absent key in those columns as they were (JSONL export), on both write paths, with rules or without,
 * from JSONL or CSV; a replay changes nothing and undo puts the old rows back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sluice } from '../helpers/cli.js';
import { WRITE_PATHS, jsonlStoreHelpers } from '../helpers/jsonl-store.js';

const { write, freshDb, importInto, exportObjects } = jsonlStoreHelpers();

for (const writePath of WRITE_PATHS) {
  test(`${writePath} write path: a JSONL upsert without a column keeps its explicit nulls null and its absent keys absent`, () => {
    const db = freshDb();
    importInto(db, write(`first-${writePath}.jsonl`, '{"id":1,"a":1,"c":null}\n{"id":2,"a":2}\n{"id":3,"a":3,"c":"x"}\n'), ['--table', 'k', '--key', 'id'], writePath);
    const before = exportObjects(db, 'k');
    assert.deepEqual(before, [{ id: 1, a: 1, c: null }, { id: 2, a: 2 }, { id: 3, a: 3, c: 'x' }]);
    const second = write(`second-${writePath}.jsonl`, '{"id":1,"a":10}\n{"id":2,"a":20}\n{"id":3,"a":30}\n{"id":4,"a":40}\n');
    const upsert = importInto(db, second, ['--table', 'k', '--key', 'id'], writePath);
    assert.deepEqual([upsert.rowsUpdated, upsert.rowsInserted], [3, 1]);
    const after = [{ id: 1, a: 10, c: null }, { id: 2, a: 20 }, { id: 3, a: 30, c: 'x' }, { id: 4, a: 40 }];
    assert.deepEqual(exportObjects(db, 'k'), after);
    // A replay of the same file finds every row as it left it.
    const replay = importInto(db, second, ['--table', 'k', '--key', 'id'], writePath);
    assert.deepEqual([replay.rowsUpdated, replay.rowsInserted, replay.rowsUnchanged], [0, 0, 4]);
    assert.deepEqual(exportObjects(db, 'k'), after);
    // A third import that does write c decides it again; the one after it, without c, keeps what the third wrote.
    importInto(db, write(`third-${writePath}.jsonl`, '{"id":1,"c":null}\n{"id":2,"c":null}\n{"id":3}\n'), ['--table', 'k', '--key', 'id'], writePath);
    importInto(db, write(`fourth-${writePath}.jsonl`, '{"id":1,"a":11}\n{"id":2,"a":21}\n{"id":3,"a":31}\n'), ['--table', 'k', '--key', 'id'], writePath);
    assert.deepEqual(exportObjects(db, 'k'), [{ id: 1, a: 11, c: null }, { id: 2, a: 21, c: null }, { id: 3, a: 31 }, { id: 4, a: 40 }]);
    for (const importId of [5, 4, 2]) {
      const undo = sluice(['undo', '--db', db, '--import', String(importId)]);
      assert.equal(undo.status, 0, undo.stderr);
    }
    assert.deepEqual(exportObjects(db, 'k'), before);
  });
}

test('a CSV upsert of some columns keeps the explicit nulls of the columns it leaves alone', () => {
  const db = freshDb();
  importInto(db, write('wide.jsonl', '{"id":1,"name":"Ada","note":null}\n{"id":2,"name":"Bo"}\n'), ['--table', 'people', '--key', 'id']);
  const upsert = importInto(db, write('names.csv', 'id,name\n1,Ada L.\n2,Bo B.\n'), ['--table', 'people', '--key', 'id']);
  assert.equal(upsert.rowsUpdated, 2);
  assert.deepEqual(exportObjects(db, 'people'), [
    { id: 1, name: 'Ada L.', note: null },
    { id: 2, name: 'Bo B.' },
  ]);
});

test('a table made from CSV keeps its columns present when a later CSV upsert writes only some of them', () => {
  const db = freshDb();
  importInto(db, write('stock.csv', 'sku,qty,note\nA1,3,\nB2,5,fragile\n'), ['--table', 'stock', '--key', 'sku']);
  const before = exportObjects(db, 'stock');
  importInto(db, write('qty.csv', 'sku,qty\nA1,4\nB2,6\n'), ['--table', 'stock', '--key', 'sku']);
  const after = exportObjects(db, 'stock') as Record<string, unknown>[];
  assert.deepEqual(
    after.map((row) => Object.keys(row)),
    (before as Record<string, unknown>[]).map((row) => Object.keys(row)),
    'the same keys in every row',
  );
  assert.deepEqual(after.map((row) => row['qty']), [4, 6]);
});

test('an upsert with rules that leaves a column alone keeps that column\'s absent keys absent', () => {
  const db = freshDb();
  importInto(db, write('sparse.jsonl', '{"id":1,"a":1}\n{"id":2,"a":2,"c":null}\n{"id":3,"c":5}\n'), ['--table', 'ruled', '--key', 'id']);
  const rules = write('ruled.rules.json', JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'a', type: 'integer' }], primaryKey: ['id'] }));
  importInto(db, write('ruled.jsonl', '{"id":1,"a":7}\n{"id":2,"a":8}\n{"id":3,"a":9}\n'), ['--table', 'ruled', '--schema', rules]);
  assert.deepEqual(exportObjects(db, 'ruled'), [{ id: 1, a: 7 }, { id: 2, a: 8, c: null }, { id: 3, a: 9, c: 5 }]);
});

test('an import that writes every column again finds rows a narrower upsert wrote unchanged, whatever their marker says it with', () => {
  const db = freshDb();
  importInto(db, write('j1.jsonl', '{"id":1,"a":1,"c":null}\n'), ['--table', 'j', '--key', 'id']);
  importInto(db, write('j2.jsonl', '{"id":1,"a":2}\n'), ['--table', 'j', '--key', 'id']);
  const full = importInto(db, write('j3.jsonl', '{"id":1,"a":2,"c":null}\n'), ['--table', 'j', '--key', 'id']);
  assert.deepEqual([full.rowsUpdated, full.rowsUnchanged], [0, 1]);
  // The marker lists the same absent keys in another order: still unchanged.
  importInto(db, write('o1.jsonl', '{"id":1,"a":1}\n{"id":2,"a":2,"b":1,"c":1}\n'), ['--table', 'o', '--key', 'id']);
  importInto(db, write('o2.jsonl', '{"id":1,"a":5}\n{"id":9,"c":1}\n'), ['--table', 'o', '--key', 'id']);
  const reordered = importInto(db, write('o3.jsonl', '{"id":1,"a":5}\n{"id":2,"a":2,"b":1,"c":1}\n'), ['--table', 'o', '--key', 'id']);
  assert.deepEqual([reordered.rowsUpdated, reordered.rowsUnchanged], [0, 2]);
  // The same for CSV: a table made from CSV, a narrower upsert, then the whole file again.
  importInto(db, write('stock.csv', 'sku,qty,note\nA1,3,\nB2,5,fragile\n'), ['--table', 'stock', '--key', 'sku']);
  importInto(db, write('qty.csv', 'sku,qty\nA1,4\nB2,6\n'), ['--table', 'stock', '--key', 'sku']);
  const again = importInto(db, write('full.csv', 'sku,qty,note\nA1,4,\nB2,6,fragile\n'), ['--table', 'stock', '--key', 'sku']);
  assert.deepEqual([again.rowsUpdated, again.rowsUnchanged], [0, 2]);
});

test('a record that lacks a key the stored row had as null is an update; the same record again is not', () => {
  const db = freshDb();
  importInto(db, write('n1.jsonl', '{"id":1,"a":null,"b":1}\n'), ['--table', 'n', '--key', 'id']);
  const lacking = write('n2.jsonl', '{"id":1,"b":1}\n{"id":2,"a":1,"b":2}\n');
  const changed = importInto(db, lacking, ['--table', 'n', '--key', 'id']);
  assert.deepEqual([changed.rowsUpdated, changed.rowsInserted], [1, 1]);
  assert.deepEqual(exportObjects(db, 'n'), [{ id: 1, b: 1 }, { id: 2, a: 1, b: 2 }]);
  const replay = importInto(db, lacking, ['--table', 'n', '--key', 'id']);
  assert.deepEqual([replay.rowsUpdated, replay.rowsUnchanged], [0, 2]);
});
