/**
 * SQLite's affinity rules in one place (store/affinity.ts), checked against SQLite itself; and the key check
 * of a NUMERIC key column, which converts like INTEGER and REAL both (`'007'` would become 7: refused).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { affinityOf } from '../../../main/engine/store/affinity.js';
import { keyCastCheck } from '../../../main/engine/store/row-images.js';
import { columnTypeOf } from '../../../main/engine/store/table-filter.js';

const DECLARED = ['INTEGER', 'int8', 'BIGINT', 'VARCHAR(30)', 'TEXT', 'CLOB', 'nchar', 'BLOB', '', 'REAL', 'DOUBLE PRECISION', 'FLOAT', 'NUMERIC', 'DECIMAL(10,2)', 'BOOLEAN', 'DATE', 'FLOATING POINT', 'STRING', 'CHARINT'];

test('affinityOf agrees with SQLite on what each declared type does to text, numbers and bytes', () => {
  const db = new Database(':memory:');
  try {
    for (const declared of DECLARED) {
      db.exec(`DROP TABLE IF EXISTS t; CREATE TABLE t (v ${declared})`);
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      // better-sqlite3 binds a JS number as a double: only an affinity turns it into an integer.
      for (const value of ['12', '1.5', 'abc', 3, 2.0]) insert.run(value);
      const stored = (db.prepare('SELECT typeof(v) AS type FROM t ORDER BY rowid').all() as { type: string }[]).map((row) => row.type);
      const expected = { INTEGER: ['integer', 'real', 'text', 'integer', 'integer'], NUMERIC: ['integer', 'real', 'text', 'integer', 'integer'], REAL: ['real', 'real', 'text', 'real', 'real'], TEXT: ['text', 'text', 'text', 'text', 'text'], BLOB: ['text', 'text', 'text', 'real', 'real'] }[affinityOf(declared)];
      assert.deepEqual(stored, expected, declared);
    }
  } finally {
    db.close();
  }
});

test('a NUMERIC key column keeps text that is no number, and takes numeric text only when it converts exactly', () => {
  const numeric = keyCastCheck('NUMERIC')!;
  for (const value of [null, 7, 2.5, 10n, '7', '-3', '2.5', 'abc', 'A1', '2024-01-05', '', '0x1F', '1,5']) assert.equal(numeric(value), true, String(value));
  for (const value of ['007', '2.50', '1e3', ' 7', '3.0', '+5', '-0']) assert.equal(numeric(value), false, String(value));
  assert.equal(keyCastCheck('DATE')!('2024-01-05'), true, 'a DATE key keeps its dates');
  assert.equal(keyCastCheck('DECIMAL(10,2)')!('0.10'), false);
});

test('what each numeric check takes is what SQLite stores as that very value', () => {
  const db = new Database(':memory:');
  try {
    const texts = ['12', '007', '2.5', '2.50', '+5', '-0', '0', '-7', '1e3', ' 7', 'abc', '2024-01-05', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '1234567890123456789'];
    for (const declared of ['INTEGER', 'REAL', 'NUMERIC', 'DATE']) {
      db.exec(`DROP TABLE IF EXISTS t; CREATE TABLE t (v ${declared})`);
      const check = keyCastCheck(declared)!;
      for (const text of texts) {
        db.prepare('DELETE FROM t').run();
        db.prepare('INSERT INTO t VALUES (?)').run(text);
        const stored = db.prepare("SELECT typeof(v) AS type, CAST(v AS TEXT) AS text FROM t").get() as { type: string; text: string };
        // Kept: the same text back (as text only where the column is NUMERIC: numeric keys set text aside), or a double that prints as it.
        const kept =
          stored.type === 'real' ? String(Number(stored.text)) === text : stored.text === text && (stored.type === 'integer' || affinityOf(declared) === 'NUMERIC');
        if (check(text)) assert.ok(kept, `${declared} takes ${JSON.stringify(text)} but stores ${stored.type} ${stored.text}`);
        // INTEGER and REAL keys also refuse values they would keep in another type (2.5 in INTEGER): by design, not for loss.
        else if (affinityOf(declared) === 'NUMERIC') assert.ok(!kept, `${declared} refuses ${JSON.stringify(text)}, which it keeps`);
      }
    }
  } finally {
    db.close();
  }
});

test('INTEGER and REAL key columns take numbers and exact numeric text only', () => {
  const integer = keyCastCheck('INTEGER')!;
  for (const value of ['12', '-7', '0', '9223372036854775807', '1234567890123456789']) assert.equal(integer(value), true, value);
  for (const value of ['+5', '-0', '007', '9223372036854775808', '2.5', 'abc']) assert.equal(integer(value), false, value);
  assert.equal(keyCastCheck('REAL')!('2.5'), true);
  assert.equal(keyCastCheck('TEXT'), null);
  assert.equal(keyCastCheck(''), null);
});

test('the Data grid types columns by the same rules, with booleans and plain NUMERIC types of its own', () => {
  assert.deepEqual(
    ['BIGINT', 'VARCHAR(3)', 'DOUBLE', 'DECIMAL(5,1)', 'BOOLEAN', 'DATE', 'BLOB', ''].map(columnTypeOf),
    ['integer', 'string', 'number', 'number', 'boolean', 'any', 'any', 'any'],
  );
});
