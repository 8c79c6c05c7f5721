/**
 * Key columns of a hand-made table with NUMERIC affinity (DATE, NUMERIC, DECIMAL…): text that is no number is
 * kept as it is, so such tables take upserts; numeric text that SQLite would change (`007`, `2.50`) is set aside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { queryAll } from '../helpers/cli.js';
import { jsonlStoreHelpers } from '../helpers/jsonl-store.js';

const { write, freshDb, importInto } = jsonlStoreHelpers();

function handMade(sql: string): string {
  const db = freshDb();
  const handle = new Database(db);
  handle.exec(sql);
  handle.close();
  return db;
}

test('a DATE-keyed table takes upserts of its dates, and a replay finds them unchanged', () => {
  const db = handMade('CREATE TABLE t (day DATE PRIMARY KEY, v TEXT)');
  const file = write('days.csv', 'day,v\n2024-01-05,a\n2024-01-06,b\n');
  const first = importInto(db, file, ['--table', 't', '--key', 'day']);
  assert.deepEqual([first.rowsInserted, first.rowsQuarantined], [2, 0]);
  const replay = importInto(db, file, ['--table', 't', '--key', 'day']);
  assert.deepEqual([replay.rowsInserted, replay.rowsUpdated, replay.rowsUnchanged, replay.rowsQuarantined], [0, 0, 2, 0]);
});

test('a NUMERIC key keeps text, takes exact numbers, and sets aside numeric text it would change', () => {
  const db = handMade('CREATE TABLE u (code NUMERIC PRIMARY KEY, v TEXT)');
  const run = importInto(db, write('codes.csv', 'code,v\nA1,x\n12,y\n007,z\n2.50,w\n2.5,q\n'), ['--table', 'u', '--key', 'code']);
  assert.deepEqual([run.rowsInserted, run.rowsQuarantined], [3, 2]);
  assert.deepEqual(queryAll(db, 'SELECT code, typeof(code) AS type FROM u ORDER BY v'), [
    { code: 2.5, type: 'real' },
    { code: 'A1', type: 'text' },
    { code: 12, type: 'integer' },
  ]);
});
