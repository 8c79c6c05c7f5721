import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ScratchArea } from '../../../main/engine/store/scratch-area.js';
import { ScratchSlots } from '../../../main/engine/store/scratch-slots.js';
import { ScratchReader } from '../../../main/engine/store/scratch-reader.js';
import type { SqlValue } from '../../../main/engine/rules/contract.js';
import { tempDir } from '../../helpers/paths.js';

const base = tempDir('sluice-scratch-test-');

/** Every kind of value a worker produces, against every declared type a table column may have. */
const VALUES: SqlValue[] = ['text', '12', '12.0', ' 7', '', 5, 5.5, -0, 1e20, 9007199254740993n, -(2n ** 63n), null, new Uint8Array([0, 255, 1])];
const TYPES = ['INTEGER', 'REAL', 'TEXT', 'NUMERIC', 'BLOB', ''];

test('a value copied from a scratch slot lands in the table exactly as the same value bound directly', () => {
  const area = ScratchArea.create(base);
  const slots = new ScratchSlots(area.config, TYPES.length, 1);
  const rows = VALUES.map((value) => TYPES.map(() => value)).flat();
  const batch = slots.write(rows, VALUES.length, 0);

  const db = new Database(path.join(base, 'store.sqlite'));
  const columns = TYPES.map((type, i) => `"c${i}" ${type}`).join(', ');
  db.exec(`CREATE TABLE bound (${columns}, prov INTEGER); CREATE TABLE copied (${columns}, prov INTEGER)`);
  const names = TYPES.map((_, i) => `"c${i}"`).join(', ');
  const bind = db.prepare(`INSERT INTO bound (${names}, prov) VALUES (${TYPES.map(() => '?').join(', ')}, 1)`);
  for (let row = 0; row < VALUES.length; row++) bind.run(...rows.slice(row * TYPES.length, (row + 1) * TYPES.length));
  const reader = new ScratchReader(db, { width: TYPES.length, table: 'copied', columnNames: TYPES.map((_, i) => `c${i}`), insertPrefix: `INSERT INTO copied (${names}, prov)`, importId: 1, keyColumns: [], batchTable: null });
  reader.attach(new Set([batch.file]));
  reader.rows(batch, VALUES.length, null).insert(0, VALUES.length);

  const dump = (table: string): unknown[] =>
    db.prepare(`SELECT rowid, ${TYPES.map((_, i) => `typeof(c${i}) || ':' || quote(c${i})`).join(', ')} FROM ${table} ORDER BY rowid`).raw().all();
  assert.deepEqual(dump('copied'), dump('bound'));

  // Read back for the row-by-row paths: the very values that were bound (BigInt stays BigInt, a blob stays bytes).
  const back = reader.rows(batch, VALUES.length, null).all();
  const comparable = (value: SqlValue): unknown => (value instanceof Uint8Array ? [...value] : value);
  assert.deepEqual(back.map(comparable), rows.map(comparable));
  reader.detachAll();
  db.close();
  slots.close();
  area.remove();
  assert.equal(fs.existsSync(area.dir), false);
});

test('a slot is overwritten only after the commit that read it went through', () => {
  const area = ScratchArea.create(base);
  const slots = new ScratchSlots(area.config, 1, 2);
  const first = slots.write(['a'], 1, 0);
  const second = slots.write(['b'], 1, 1);
  assert.notEqual(second.slot, first.slot, 'chunk 0 is not committed yet: its slot is kept');
  area.committedThrough(0);
  const third = slots.write(['c'], 1, 2);
  assert.equal(third.slot, first.slot, 'chunk 0 committed: its slot is free again');
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v, p)');
  const reader = new ScratchReader(db, { width: 1, table: 't', columnNames: ['v'], insertPrefix: 'INSERT INTO t (v, p)', importId: 1, keyColumns: [], batchTable: null });
  reader.attach(new Set([second.file]));
  assert.deepEqual(reader.rows(second, 1, null).all(), ['b'], 'the slot a pending commit reads still holds its rows');
  assert.deepEqual(reader.rows(third, 1, null).all(), ['c']);
  reader.detachAll();
  db.close();
  slots.close();
  area.remove();
});

test('no scratch directory to be had: the import is told to take the direct path', () => {
  const file = path.join(base, 'not-a-directory');
  fs.writeFileSync(file, '');
  assert.equal(ScratchArea.tryCreate(file), null);
});
