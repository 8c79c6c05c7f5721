import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { lastJson, queryAll, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { SortIndexes } from '../../main/engine/store/sort-index.js';

const dir = tempDir('sluice-indexes-');
const file = path.join(dir, 'people.csv');
const rows = 60_000;
fs.writeFileSync(file, `id,email,city\n${Array.from({ length: rows }, (_, i) => `${i},user${(i * 7919) % rows}@example.com,City ${i % 97}`).join('\n')}\n`);
const db = path.join(dir, 'store.sqlite');

/** Sorts the table in the Data screen's way, which keeps an index on the column (the table is big enough). */
function sortBy(column: string): boolean {
  const read = new Database(db, { readonly: true });
  try {
    return new SortIndexes(read, db).ensure('people', column, 'rowid', rows);
  } finally {
    read.close();
  }
}

test('indexes lists the sort indexes the Data screen made, with their size, and drop removes them and nothing else', () => {
  assert.equal(sluice(['import', file, '--db', db]).status, 0);
  const empty = sluice(['indexes', '--db', db]);
  assert.equal(empty.status, 0);
  assert.match(empty.stdout, /No sort indexes\./);
  assert.equal(sortBy('email'), true);
  assert.equal(sortBy('city'), true);

  const listed = sluice(['indexes', '--db', db, '--json']);
  assert.equal(listed.status, 0);
  const indexes = (lastJson(listed) as { indexes: { table: string; column: string; bytes: number }[] }).indexes;
  assert.deepEqual(indexes.map((index) => [index.table, index.column]), [['people', 'city'], ['people', 'email']]);
  assert.ok(indexes.every((index) => index.bytes > 100_000), 'each index holds pages of its own');
  const human = sluice(['indexes', '--db', db, '--table', 'people']);
  assert.match(human.stdout, /people\s+email\s+\d/);
  assert.match(human.stdout, /2 sort indexes, .* in all\./);

  const before = queryAll(db, 'SELECT * FROM people ORDER BY rowid');
  const dropOne = sluice(['indexes', 'drop', '--db', db, '--table', 'people', '--column', 'email', '--json']);
  assert.equal(dropOne.status, 0);
  assert.deepEqual((lastJson(dropOne) as { dropped: { column: string }[] }).dropped.map((index) => index.column), ['email']);
  assert.deepEqual((lastJson(sluice(['indexes', '--db', db, '--json'])) as { indexes: { column: string }[] }).indexes.map((index) => index.column), ['city']);
  // Dropping what is not there is not an error (like DROP INDEX IF EXISTS).
  const again = sluice(['indexes', 'drop', '--db', db, '--table', 'people', '--column', 'email']);
  assert.equal(again.status, 0);
  assert.match(again.stdout, /No sort indexes to drop/);
  const dropAll = sluice(['indexes', 'drop', '--db', db]);
  assert.equal(dropAll.status, 0);
  assert.match(dropAll.stdout, /Dropped 1 sort index \(/);
  assert.deepEqual(queryAll(db, 'SELECT * FROM people ORDER BY rowid'), before, 'the table is untouched');
  assert.deepEqual(queryAll(db, "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE '%sort%'"), []);
  // The next sort of the big table makes its index again.
  assert.equal(sortBy('email'), true);
});

test('indexes: usage errors exit 2, a table that does not exist exits 1', () => {
  assert.equal(sluice(['indexes', '--db', db, '--column', 'email']).status, 2);
  assert.equal(sluice(['indexes', 'remove', '--db', db]).status, 2);
  assert.equal(sluice(['indexes']).status, 2);
  const missing = sluice(['indexes', '--db', db, '--table', 'nope']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /There is no table "nope"/);
  assert.equal(sluice(['indexes', '--db', path.join(dir, 'none.sqlite')]).status, 1);
});
