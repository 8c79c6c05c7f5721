/**
 * Issue 12: a JSONL key a record lacks stays absent through import → export (an explicit null stays null),
 * on both write paths, through upserts, undo, keys a later import adds, quarantine fixes and stores of format 5.
 * SQL sees NULL for both; the bookkeeping that tells them apart never shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { queryAll, queryRaw, sluice } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/paths.js';
import { WRITE_PATHS, jsonlStoreHelpers } from '../helpers/jsonl-store.js';
import { Store } from '../../main/engine/store/store.js';
import { retryQuarantinedRow } from '../../main/engine/quarantine/retry.js';
import { checkInPool } from '../../main/engine/quarantine/pool-validate.js';
import { gridColumnsOf } from '../../main/engine/store/table-filter.js';
import { exportTable } from '../../main/engine/export/export-table.js';

const { dir, write, freshDb, importInto, exportText, exportObjects, parseLines } = jsonlStoreHelpers();

test('the issue: an absent key stays absent, an explicit null stays null; CSV and SQL see NULL for both, never the bookkeeping', () => {
  const db = freshDb();
  const file = write('t.jsonl', '{"a":1,"b":2}\n{"a":3}\n{"a":null,"b":4}\n');
  importInto(db, file, ['--table', 't']);
  assert.deepEqual(exportObjects(db, 't'), [{ a: 1, b: 2 }, { a: 3 }, { a: null, b: 4 }]);
  assert.equal(exportText(db, 't', 'csv'), 'a,b\r\n1,2\r\n3,\r\n,4\r\n');
  assert.deepEqual(queryAll(db, 'SELECT * FROM t ORDER BY rowid'), [{ a: 1, b: 2 }, { a: 3, b: null }, { a: null, b: 4 }]);
  const schema = sluice(['schema', '--db', db, '--table', 't']);
  assert.equal(schema.status, 0, schema.stderr);
  assert.deepEqual((JSON.parse(schema.stdout) as { fields: { name: string }[] }).fields.map((field) => field.name), ['a', 'b']);
  const store = Store.open(db);
  try {
    assert.deepEqual(store.tableColumns('t'), ['a', 'b'], 'column listings show the user columns only');
    assert.deepEqual(gridColumnsOf(store.db, 't').map((column) => column.name), ['a', 'b'], 'so does the Data grid');
  } finally {
    store.close();
  }
});

test('an export of chosen columns in a view (the Data screen\'s "Export this view") leaves out the same keys', async () => {
  const db = freshDb();
  importInto(db, write('view.jsonl', '{"id":1,"a":1,"b":2}\n{"id":2,"a":3}\n{"id":3,"a":null,"b":4}\n{"id":4}\n'), ['--table', 'view']);
  const store = Store.open(db);
  const out = path.join(dir, 'view-out.jsonl');
  try {
    await exportTable(store, 'view', out, { format: 'jsonl', columns: ['b', 'id'], view: { sort: { column: 'id', descending: true }, columnFilters: [{ column: 'a', op: 'null' }] } });
  } finally {
    store.close();
  }
  assert.deepEqual(parseLines(fs.readFileSync(out, 'utf8')), [{ id: 4 }, { b: 4, id: 3 }]);
});

test('a dense file writes no marker; a column named like the bookkeeping is refused', () => {
  const db = freshDb();
  importInto(db, write('dense.jsonl', '{"a":1,"b":null}\n{"a":2,"b":3}\n'));
  assert.deepEqual(queryRaw(db, 'SELECT count(*) AS n FROM dense WHERE _sluice_absent IS NOT NULL'), [{ n: 0 }]);
  const reserved = sluice(['import', write('reserved.jsonl', '{"a":1,"_sluice_absent":2}\n'), '--db', db]);
  assert.equal(reserved.status, 2, reserved.stderr);
  assert.match(reserved.stderr, /"_sluice_absent" is reserved for Sluice's bookkeeping/);
});

for (const writePath of WRITE_PATHS) {
  test(`${writePath} write path: sparse records across many batches come back as they were`, () => {
    const db = freshDb();
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const record: Record<string, unknown> = { id: i };
      if (i % 3 !== 0) record['name'] = `n${i}`;
      if (i % 5 === 0) record['score'] = null;
      else if (i % 7 !== 0) record['score'] = i / 4;
      if (i % 11 === 0) record['tags'] = ['x', i];
      lines.push(JSON.stringify(record));
    }
    const file = write(`many-${writePath}.jsonl`, `${lines.join('\n')}\n`);
    importInto(db, file, ['--table', 'many', '--batch-rows', '100'], writePath);
    assert.deepEqual(exportObjects(db, 'many'), parseLines(lines.join('\n')));
  });

  test(`${writePath} write path: an upsert of a record lacking a key replaces the row, marker included; undo puts the old one back`, () => {
    const db = freshDb();
    const first = write(`k1-${writePath}.jsonl`, '{"id":1,"a":1,"b":2}\n{"id":2,"a":3}\n{"id":3,"a":null,"b":4}\n');
    importInto(db, first, ['--table', 'k', '--key', 'id'], writePath);
    const second = write(`k2-${writePath}.jsonl`, '{"id":1,"a":10}\n{"id":2,"a":30,"b":null}\n{"id":4,"b":7}\n');
    const upsert = importInto(db, second, ['--table', 'k', '--key', 'id'], writePath);
    assert.deepEqual([upsert.rowsUpdated, upsert.rowsInserted], [2, 1]);
    assert.deepEqual(exportObjects(db, 'k'), [{ id: 1, a: 10 }, { id: 2, a: 30, b: null }, { id: 3, a: null, b: 4 }, { id: 4, b: 7 }]);
    const undo = sluice(['undo', '--db', db, '--import', String(upsert.importId)]);
    assert.equal(undo.status, 0, undo.stderr);
    assert.deepEqual(exportObjects(db, 'k'), [{ id: 1, a: 1, b: 2 }, { id: 2, a: 3 }, { id: 3, a: null, b: 4 }]);
  });
}

test('keys a later import adds are absent from earlier rows, and keys it lacks are absent from its rows', () => {
  const db = freshDb();
  importInto(db, write('first.jsonl', '{"a":1,"b":2}\n{"a":3}\n'), ['--table', 'grow']);
  importInto(db, write('second.jsonl', '{"a":5,"c":"x"}\n{"a":6,"c":null}\n'), ['--table', 'grow']);
  assert.deepEqual(exportObjects(db, 'grow'), [{ a: 1, b: 2 }, { a: 3 }, { a: 5, c: 'x' }, { a: 6, c: null }]);
  assert.equal(exportText(db, 'grow', 'csv'), 'a,b,c\r\n1,2,\r\n3,,\r\n5,,x\r\n6,,\r\n');
});

test('an upsert by a CSV import clears the marker of the rows it replaces: the values it wrote are exported', () => {
  const db = freshDb();
  importInto(db, write('sparse.jsonl', '{"id":1,"a":1}\n{"id":2,"a":2,"b":"kept"}\n'), ['--table', 'mixed', '--key', 'id']);
  importInto(db, write('fill.csv', 'id,a,b\n1,5,6\n'), ['--table', 'mixed', '--key', 'id']);
  assert.deepEqual(exportObjects(db, 'mixed'), [{ id: 1, a: 5, b: '6' }, { id: 2, a: 2, b: 'kept' }]);
});

test('an upsert with rules clears the marker too; a plain insert with rules writes none', () => {
  const db = freshDb();
  importInto(db, write('ruled.jsonl', '{"id":1}\n{"id":2,"a":2}\n'), ['--table', 'ruled', '--key', 'id']);
  const rules = write('ruled.rules.json', JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'a', type: 'integer' }] }));
  importInto(db, write('ruled-2.jsonl', '{"id":1,"a":10}\n'), ['--table', 'ruled', '--key', 'id', '--schema', rules]);
  importInto(db, write('ruled-3.jsonl', '{"id":3}\n'), ['--table', 'ruled', '--schema', rules]);
  // With rules a missing field is a NULL value of the rule's column: it exports as null.
  assert.deepEqual(exportObjects(db, 'ruled'), [{ id: 1, a: 10 }, { id: 2, a: 2 }, { id: 3, a: null }]);
});

test('a quarantined JSONL record fixed and retried keeps its absent keys absent', () => {
  const db = freshDb();
  importInto(db, write('broken.jsonl', '{"a":1,"b":2}\n{"a":2,"b":\n{"a":3,"b":4}\n'), ['--table', 'fixme']);
  const store = Store.open(db);
  try {
    const open = [...store.quarantine.select({ importId: 1, status: 'open' })];
    assert.equal(open.length, 1);
    assert.deepEqual(retryQuarantinedRow(store, open[0]!.id, '{"a":2}'), { ok: true });
  } finally {
    store.close();
  }
  assert.deepEqual(exportObjects(db, 'fixme'), [{ a: 1, b: 2 }, { a: 3, b: 4 }, { a: 2 }]);
});

test('a store of format 5 (before absent keys were recorded): old rows keep every key, a sparse import into it keeps its absences', () => {
  const db = path.join(dir, 'v5-copy.sqlite');
  fs.copyFileSync(path.join(FIXTURES, 'stores', 'v5-store.sqlite'), db);
  const before = [
    { id: 1, name: 'Ada', tags: ['x'], score: 1.5 },
    { id: 2, name: 'Bo', tags: null, score: 2.25 },
    { id: 3, name: null, tags: [], score: -0.5 },
  ];
  assert.deepEqual(exportObjects(db, 'people'), before);
  importInto(db, write('more-people.jsonl', '{"id":4,"name":"Cy"}\n{"id":5,"score":3.5,"email":"e@x"}\n'), ['--table', 'people', '--key', 'id']);
  assert.deepEqual(exportObjects(db, 'people'), [...before, { id: 4, name: 'Cy' }, { id: 5, score: 3.5, email: 'e@x' }]);
  assert.equal(exportText(db, 'stock', 'csv'), 'sku,qty,note\nA1,3,first\nB2,,\nC3,7,"with, comma"\n');
  assert.deepEqual(exportObjects(db, 'stock'), [
    { sku: 'A1', qty: 3, note: 'first' },
    { sku: 'B2', qty: null, note: null },
    { sku: 'C3', qty: 7, note: 'with, comma' },
  ]);
});

test('an import stopped part-way and resumed keeps absences on both sides of the stop', async () => {
  const db = freshDb();
  const lines = Array.from({ length: 2000 }, (_, i) => (i === 1200 ? '{"id":' : JSON.stringify(i % 2 === 0 ? { id: i, a: i } : { id: i, b: null })));
  const file = write('stops.jsonl', `${lines.join('\n')}\n`);
  const stopped = sluice(['import', file, '--db', db, '--table', 'stops', '--workers', '2', '--batch-rows', '100', '--fail-fast']);
  assert.equal(stopped.status, 1, stopped.stderr);
  const resumed = sluice(['import', file, '--db', db, '--table', 'stops', '--workers', '2', '--batch-rows', '100', '--resume', '--max-errors', '10']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(exportObjects(db, 'stops'), parseLines(lines.filter((_, i) => i !== 1200).join('\n')));
  // Many quarantined rows are checked in the worker pool: its rows carry the marker the same way.
  const store = Store.open(db);
  try {
    const record = store.imports.get(1)!;
    const checked = await checkInPool(['{"id":5000}', '{"id":5001,"a":1,"b":2}'], record, null, 1, 'mark');
    assert.deepEqual(checked, [{ values: [5000n, null, null, '["a","b"]'] }, { values: [5001n, 1n, 2n, null] }]);
  } finally {
    store.close();
  }
});

test('resuming an import begun by a version that wrote no marker adds the column and marks the rest', () => {
  const db = freshDb();
  const lines = Array.from({ length: 2000 }, (_, i) => (i === 1200 ? '{"id":' : JSON.stringify(i % 2 === 0 ? { id: i, a: i } : { id: i })));
  const file = write('older.jsonl', `${lines.join('\n')}\n`);
  const stopped = sluice(['import', file, '--db', db, '--table', 'older', '--workers', '2', '--batch-rows', '100', '--fail-fast']);
  assert.equal(stopped.status, 1, stopped.stderr);
  // What an older version left: a table without the marker (and no markers on the rows it wrote).
  const handle = new Database(db);
  handle.exec('ALTER TABLE older DROP COLUMN _sluice_absent');
  handle.close();
  const resumed = sluice(['import', file, '--db', db, '--table', 'older', '--workers', '2', '--batch-rows', '100', '--resume', '--max-errors', '10']);
  assert.equal(resumed.status, 0, resumed.stderr);
  const objects = exportObjects(db, 'older') as { id: number }[];
  assert.equal(objects.length, 1999);
  // Rows written after the resume keep their absences.
  assert.deepEqual(objects.filter((row) => row.id > 1900), parseLines(lines.slice(1901).join('\n')));
});

test('the pool checks quarantined JSONL rows as the import did: keys under their written names, typed without loss', async () => {
  const db = freshDb();
  importInto(db, write('renamed.jsonl', '{"rowid":1,"ok":true}\n{"ok":false}\n'), ['--table', 'renamed']);
  const store = Store.open(db);
  try {
    const record = store.imports.get(1)!;
    const checked = await checkInPool(['{"rowid":5,"ok":false}', '{"ok":true}'], record, null, 1, 'mark');
    assert.deepEqual(checked, [{ values: [5n, 0n, null] }, { values: [null, 1n, '["rowid_2"]'] }]);
  } finally {
    store.close();
  }
});
