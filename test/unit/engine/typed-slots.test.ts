import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ScratchArea } from '../../../main/engine/store/scratch-area.js';
import { ScratchSlots } from '../../../main/engine/store/scratch-slots.js';
import { ScratchReader } from '../../../main/engine/store/scratch-reader.js';
import { slotLayoutOf, valuesKeepTheirType } from '../../../main/engine/store/slot-layout.js';
import { PROVENANCE_COLUMN } from '../../../main/engine/store/bookkeeping-columns.js';
import type { SqlValue } from '../../../main/engine/rules/contract.js';
import { tempDir } from '../../helpers/paths.js';

const base = tempDir('sluice-typed-slots-test-');
const VALUES: SqlValue[] = ['text', '12', '12.0', ' 7', '', 5, 5.5, -0, 1e20, 9007199254740993n, -(2n ** 63n), null, new Uint8Array([0, 255, 1])];
const TYPES = ['INTEGER', 'REAL', 'TEXT', 'NUMERIC', 'BLOB', '', 'VARCHAR(3)', 'FLOATING POINT'];
const NAMES = TYPES.map((_, i) => `c${i}`);
const PROV = `"${PROVENANCE_COLUMN}"`;

function dump(db: Database.Database, table: string): unknown[] {
  return db.prepare(`SELECT rowid, ${[...NAMES, PROVENANCE_COLUMN].map((name) => `typeof("${name}") || ':' || quote("${name}")`).join(', ')} FROM ${table} ORDER BY rowid`).raw().all();
}

function opcodes(db: Database.Database, sql: string): string[] {
  return (db.prepare(`EXPLAIN ${sql}`).all() as { opcode: string }[]).map((row) => row.opcode);
}

function setup(declare: (name: string) => string) {
  const area = ScratchArea.create(base);
  const db = new Database(path.join(area.dir, 'store.sqlite'));
  db.exec(`${declare('bound')}; ${declare('copied')}`);
  const names = NAMES.map((name) => `"${name}"`).join(', ');
  const layout = slotLayoutOf(db, 'copied', NAMES, 7, false);
  const reader = (table: string) =>
    new ScratchReader(db, { width: NAMES.length, table, columnNames: NAMES, insertPrefix: `INSERT INTO ${table} (${names}, ${PROV})`, importId: 7, keyColumns: [], batchTable: null });
  const bind = db.prepare(`INSERT INTO bound (${names}, ${PROV}) VALUES (${NAMES.map(() => '?').join(', ')}, 7)`);
  return { area, db, layout, reader, bind };
}

test('a typed slot is declared as its table: every kind of value lands as if bound, and SQLite copies the records whole', () => {
  const { area, db, layout, reader, bind } = setup((name) => `CREATE TABLE ${name} (${TYPES.map((type, i) => `"c${i}" ${type}`).join(', ')}, ${PROV} INTEGER)`);
  assert.ok(layout, 'a table with no index, trigger or unwritten column takes typed slots');
  const slots = new ScratchSlots({ ...area.config, layout }, NAMES.length, 1);
  const rows = VALUES.map((value) => TYPES.map(() => value)).flat();
  const batch = slots.write(rows, VALUES.length, 0);
  assert.equal(batch.typed, true);
  for (let row = 0; row < VALUES.length; row++) bind.run(...rows.slice(row * NAMES.length, (row + 1) * NAMES.length));
  const copied = reader('copied');
  copied.attach(new Set([batch.file]));
  copied.rows(batch, VALUES.length, null).insert(0, VALUES.length);
  assert.deepEqual(dump(db, 'copied'), dump(db, 'bound'));
  const alias = 'sluice_scratch_1';
  // The transfer optimisation copies each record with OP_RowCell (OP_RowData before SQLite 3.40), no per-column opcodes.
  const copies = (sql: string) => opcodes(db, sql).some((opcode) => opcode === 'RowCell' || opcode === 'RowData');
  assert.ok(copies(`INSERT INTO copied SELECT * FROM ${alias}.typed_0`), 'the transfer optimisation applies');
  assert.ok(!copies(`INSERT INTO copied SELECT *, 7 FROM ${alias}.slot_0`), 'not from an untyped slot');

  // Parts of a typed slot are read by position, in batch order.
  db.exec('DELETE FROM copied');
  const part = copied.rows(batch, VALUES.length, null);
  part.insert(3, 9);
  part.insert(0, 3);
  assert.deepEqual(dump(db, 'copied').map((row) => (row as unknown[]).slice(1)), dump(db, 'bound').slice(0, 9).map((row) => (row as unknown[]).slice(1)).slice(3).concat(dump(db, 'bound').slice(0, 3).map((row) => (row as unknown[]).slice(1))));
  copied.detachAll();
  slots.close();
  db.close();
  area.remove();
});

test('an INTEGER PRIMARY KEY: ascending ids go typed and keep batch order; repeats, NULLs, text or descending ids go untyped', () => {
  const { area, db, layout, reader } = setup((name) => `CREATE TABLE ${name} ("c0" INTEGER PRIMARY KEY, ${TYPES.slice(1).map((type, i) => `"c${i + 1}" ${type}`).join(', ')}, ${PROV} INTEGER)`);
  assert.equal(layout?.rowidColumn, 0);
  const slots = new ScratchSlots({ ...area.config, layout }, NAMES.length, 1);
  const row = (id: SqlValue, text: string): SqlValue[] => [id, 1.5, text, '4', null, 'x', 'y', 2];
  const cases: [SqlValue[][], boolean][] = [
    [[row(3, 'a'), row(10, 'b'), row(11n, 'c')], true],
    [[row(3, 'a'), row(3, 'b')], false],
    [[row(3, 'a'), row(null, 'b')], false],
    [[row(3, 'a'), row('4', 'b')], false],
    [[row(5, 'a'), row(4, 'b')], false],
    [[row(5.5, 'a')], false],
  ];
  const copied = reader('copied');
  cases.forEach(([rows, typed], seq) => {
    const batch = slots.write(rows.flat(), rows.length, seq);
    assert.equal(batch.typed, typed, JSON.stringify(rows.map((r) => String(r[0]))));
    copied.attach(new Set([batch.file]));
    const read = copied.rows(batch, rows.length, null).all();
    assert.deepEqual(read.map((value) => (typeof value === 'bigint' ? Number(value) : value)).filter((_, i) => i % NAMES.length === 2), rows.map((r) => r[2]), 'batch order');
    area.committedThrough(seq);
  });
  copied.detachAll();
  slots.close();
  db.close();
  area.remove();
});

test('a NOT NULL the typed slot refuses sends the batch the untyped way, where the table itself will refuse the row', () => {
  const { area, db, layout } = setup((name) => `CREATE TABLE ${name} (${TYPES.map((type, i) => `"c${i}" ${type}${i === 1 ? ' NOT NULL' : ''}`).join(', ')}, ${PROV} INTEGER)`);
  assert.ok(layout);
  const slots = new ScratchSlots({ ...area.config, layout }, NAMES.length, 1);
  assert.equal(slots.write([1, 2, 3, 4, 5, 6, 7, 8], 1, 0).typed, true);
  area.committedThrough(0);
  assert.equal(slots.write([1, null, 3, 4, 5, 6, 7, 8], 1, 1).typed, false);
  slots.close();
  db.close();
  area.remove();
});

test('tables whose rows a slot copied whole would not reproduce take untyped slots', () => {
  const db = new Database(':memory:');
  const plain = `"a" TEXT, "b" INTEGER, ${PROV} INTEGER`;
  const layoutFor = (sql: string, written = ['a', 'b']) => {
    db.exec('DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS u');
    db.exec(sql);
    return slotLayoutOf(db, 't', written, 1, false);
  };
  assert.ok(layoutFor(`CREATE TABLE t (${plain})`));
  assert.equal(layoutFor(`CREATE TABLE t (${plain})`, ['b', 'a']), null, 'another column order');
  assert.equal(layoutFor(`CREATE TABLE t (${plain}, "c" TEXT DEFAULT 'x')`), null, 'a column the import does not write');
  assert.equal(layoutFor(`CREATE TABLE t (${plain}); CREATE UNIQUE INDEX t_a ON t (a)`), null, 'an index');
  assert.equal(layoutFor(`CREATE TABLE t (${plain}); CREATE TABLE u (x); CREATE TRIGGER t_in AFTER INSERT ON t BEGIN INSERT INTO u VALUES (1); END`), null, 'a trigger');
  assert.equal(layoutFor(`CREATE TABLE t ("a" TEXT, "b" INTEGER, "g" INTEGER GENERATED ALWAYS AS (b + 1), ${PROV} INTEGER)`), null, 'a generated column');
  assert.equal(layoutFor(`CREATE TABLE t ("a" TEXT PRIMARY KEY, "b" INTEGER, ${PROV} INTEGER)`), null, 'a key that is not the rowid');
  assert.equal(layoutFor(`CREATE TABLE t ("a" TEXT, "b" INTEGER)`), null, 'no provenance column');
  assert.equal(layoutFor(`CREATE TABLE t ("a" TEXT DEFAULT 'x', "b" INTEGER, ${PROV} INTEGER)`), null, 'a default (Sluice declares none)');
  assert.ok(layoutFor(`CREATE TABLE t ("a" VARCHAR(30), "b" NUMERIC(10, 2), ${PROV} INTEGER)`), 'a type with a size');
  // A hostile store: SQLite takes a quoted string as a type name, which must not become SQL of the slot's own.
  assert.equal(layoutFor(`CREATE TABLE t ("a" 'x); ATTACH ''/tmp/owned.db'' AS z; --', "b" INTEGER, ${PROV} INTEGER)`), null, 'a type that is not plain words');
  // Words SQLite kept as a type from a quoted string would be constraints in the slot: its rowid, a collation.
  assert.equal(layoutFor(`CREATE TABLE t ("a" 'INTEGER PRIMARY KEY', "b" INTEGER, ${PROV} INTEGER)`), null, 'a type that declares a key');
  assert.equal(layoutFor(`CREATE TABLE t ("a" 'text collate nocase', "b" INTEGER, ${PROV} INTEGER)`), null, 'a type that declares a collation');
  assert.equal(layoutFor(`CREATE TABLE t ("a" ANY, "b" INTEGER, ${PROV} INTEGER) STRICT`), null, 'a STRICT table (its ANY keeps what a slot would convert)');
  assert.equal(layoutFor(`CREATE TABLE t ("rowid" TEXT, "b" INTEGER, ${PROV} INTEGER)`, ['rowid', 'b']), null, 'a column named as the rowid');
  db.close();
});

test('upserts take a typed slot only for batches whose values its affinity would leave as they are', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE t ("id" INTEGER PRIMARY KEY, "v" TEXT, "n" REAL, "k" NUMERIC, "b" BLOB, ${PROV} INTEGER)`);
  assert.equal(slotLayoutOf(db, 't', ['id', 'v', 'n', 'k', 'b'], 1, false)?.valueKinds, null, 'plain inserts convert as the table would');
  const kinds = slotLayoutOf(db, 't', ['id', 'v', 'n', 'k', 'b'], 1, true)!.valueKinds!;
  assert.deepEqual(kinds, ['INTEGER', 'TEXT', 'REAL', 'NUMERIC', 'BLOB']);
  const keeps = (row: SqlValue[]) => valuesKeepTheirType(row, 1, row.length, kinds);
  assert.equal(keeps([1, 'x', 1.5, 7n, 'anything']), true);
  assert.equal(keeps([1, null, null, null, 12.5]), true);
  assert.equal(keeps([1, new Uint8Array([1]), 2, 3, null]), true, 'bytes stay bytes under any affinity');
  assert.equal(keeps([1, 12.5, 1.5, 7, null]), false, 'a number into TEXT would become text');
  assert.equal(keeps([1, 'x', '1.5', 7, null]), false, 'text into REAL would become a number');
  assert.equal(keeps([1, 'x', 9007199254740993n, 7, null]), false, 'a big integer into REAL would be rounded');
  assert.equal(keeps([1, 'x', 1.5, '007', null]), false, 'text into NUMERIC would become a number');
  db.close();
});
