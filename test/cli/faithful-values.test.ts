/** Issue 12, first list: each way Sluice used to change a value, reproduced through the CLI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { lastJson, sluice } from '../helpers/cli.js';
import { FIXTURES, SAMPLES, tempDir } from '../helpers/paths.js';

const dir = tempDir();
let counter = 0;

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function importInto(db: string, file: string, extra: string[] = []) {
  const run = sluice(['import', file, '--db', db, '--json', '--workers', '1', ...extra]);
  assert.equal(run.status, 0, run.stderr);
  return lastJson(run);
}

function freshDb(): string {
  return path.join(dir, `store-${++counter}.sqlite`);
}

/** Rows with SQLite's storage class of each value; integers as bigint so nothing is rounded on the way to the test. */
function typed(db: string, sql: string): Record<string, unknown>[] {
  const handle = new Database(db, { readonly: true });
  try {
    return handle.prepare(sql).safeIntegers(true).all() as Record<string, unknown>[];
  } finally {
    handle.close();
  }
}

function exportTo(db: string, table: string, out: string, extra: string[] = []): string {
  const target = path.join(dir, out);
  const run = sluice(['export', '--db', db, '--table', table, '--out', target, ...extra]);
  assert.equal(run.status, 0, run.stderr);
  return fs.readFileSync(target, 'utf8');
}

test('JSONL numbers without rules are stored as INTEGER, big integers exact', () => {
  const db = freshDb();
  importInto(db, write('numbers.jsonl', '{"id":1,"n":9007199254740993,"f":2.0,"x":1.5}\n{"id":2,"n":-9223372036854775808,"f":3.25,"x":2}\n'));
  assert.deepEqual(typed(db, 'SELECT id, typeof(id) AS t, n, typeof(f) AS ft FROM numbers ORDER BY rowid'), [
    { id: 1n, t: 'integer', n: 9007199254740993n, ft: 'real' },
    { id: 2n, t: 'integer', n: -9223372036854775808n, ft: 'real' },
  ]);
  const sqlite = sluice(['export', '--db', db, '--table', 'numbers', '--out', path.join(dir, 'numbers.out.csv')]);
  assert.equal(sqlite.status, 0, sqlite.stderr);
  assert.match(fs.readFileSync(path.join(dir, 'numbers.out.csv'), 'utf8'), /^id,n,f,x\r?\n1,9007199254740993,2,1\.5/);
});

test('JSONL big integers with "type": "integer" are not rounded either', () => {
  const db = freshDb();
  const rules = write('big.rules.json', JSON.stringify({ fields: [{ name: 'n', type: 'integer' }] }));
  importInto(db, write('big.jsonl', '{"n":9007199254740993}\n{"n":12}\n'), ['--schema', rules]);
  assert.deepEqual(typed(db, 'SELECT n FROM big ORDER BY rowid'), [{ n: 9007199254740993n }, { n: 12n }]);
  assert.equal(exportTo(db, 'big', 'big.out.jsonl'), '{"n":9007199254740993}\n{"n":12}\n');
});

test('export writes booleans as booleans and nested JSON as JSON: JSONL → Sluice → JSONL round-trips', () => {
  const db = freshDb();
  const source = '{"id":1,"ok":true,"o":{"a":1,"b":[2.0,"x"]},"tags":["a"],"huge":123456789012345678901234567890,"f":2.0}\n'
    + '{"id":2,"ok":false,"o":{},"tags":[],"huge":1,"f":0.1}\n';
  importInto(db, write('nested.jsonl', source));
  assert.equal(exportTo(db, 'nested', 'nested.out.jsonl'), source);
  assert.equal(exportTo(db, 'nested', 'nested.out.csv'), 'id,ok,o,tags,huge,f\r\n1,true,"{""a"":1,""b"":[2.0,""x""]}","[""a""]",123456789012345678901234567890,2\r\n2,false,{},[],1,0.1\r\n');
  const schema = sluice(['schema', '--db', db, '--table', 'nested']);
  assert.equal(schema.status, 0, schema.stderr);
  assert.deepEqual(JSON.parse(schema.stdout), {
    fields: [
      { name: 'id', type: 'integer' }, { name: 'ok', type: 'boolean' }, { name: 'o', type: 'object' },
      { name: 'tags', type: 'array' }, { name: 'huge', type: 'integer' }, { name: 'f', type: 'number' },
    ],
  });
});

test('a key whose values mix JSON types gives each value back as the same JSON value', () => {
  const db = freshDb();
  const source = '{"v":1}\n{"v":"1"}\n{"v":true}\n{"v":{"a":null}}\n{"v":null}\n{"v":2.0}\n{"v":[1]}\n';
  importInto(db, write('mixed.jsonl', source));
  assert.equal(exportTo(db, 'mixed', 'mixed.out.jsonl'), source);
});

test('CSV booleans export with the rule file\'s first trueValues/falseValues', () => {
  const db = freshDb();
  const rules = write('flags.rules.json', JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'on', type: 'boolean', trueValues: ['yes', 'y'], falseValues: ['no', 'n'] }] }));
  importInto(db, write('flags.csv', 'id,on\n1,y\n2,n\n3,\n'), ['--schema', rules]);
  assert.equal(exportTo(db, 'flags', 'flags.out.csv'), 'id,on\n1,yes\n2,no\n3,\n');
  assert.equal(exportTo(db, 'flags', 'flags.out.jsonl'), '{"id":1,"on":true}\n{"id":2,"on":false}\n{"id":3,"on":null}\n');
});

test('CSV without rules: values typed only where lossless, and the file comes back byte for byte', () => {
  const db = freshDb();
  const source = 'id;zip;price;ok;day\r\n1;007;1.5;true;2024-01-02\r\n2;123;1.50;false;2024-02-03\r\n3;;2;true;\r\n12345678901234567890123;0;1e3;false;2024-02-30';
  importInto(db, write('typed.csv', source));
  // Most values of id, zip and price are numbers: those are stored as numbers, the others ('007', '1.50') as they came.
  assert.deepEqual(typed(db, 'SELECT typeof(id) AS id, zip, typeof(price) AS price, ok FROM typed ORDER BY rowid'), [
    { id: 'integer', zip: '007', price: 'real', ok: 1n },
    { id: 'integer', zip: 123n, price: 'text', ok: 0n },
    { id: 'integer', zip: null, price: 'integer', ok: 1n },
    { id: 'text', zip: 0n, price: 'text', ok: 0n },
  ]);
  const schema = JSON.parse(sluice(['schema', '--db', db, '--table', 'typed']).stdout) as { fields: { type: string }[] };
  // Columns holding values kept as they came print as string, so the printed schema imports the file again without loss.
  assert.deepEqual(schema.fields.map((field) => field.type), ['string', 'string', 'string', 'boolean', 'string']);
  assert.equal(exportTo(db, 'typed', 'typed.out.csv'), source);
  assert.equal(exportTo(db, 'typed', 'typed.lf.csv', ['--delimiter', 'comma', '--newline', 'lf']).split('\n')[1], '1,007,1.5,true,2024-01-02');
});

test('windows-1252: € and curly quotes decode to the right characters', () => {
  const db = freshDb();
  const bytes = Buffer.concat([Buffer.from('name,price\n'), Buffer.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x2c, 0x80, 0x35, 0x0a])]);
  const summary = importInto(db, write('cp1252.csv', bytes));
  assert.equal(summary.rowsInserted, 1);
  assert.deepEqual(typed(db, 'SELECT name, price, hex(price) AS h FROM cp1252'), [{ name: '\u201cCafé\u201d', price: '€5', h: 'E282AC35' }]);
});

test('a UTF-8 file with one bad byte sequence stays UTF-8: only that record is quarantined, with its bytes', () => {
  const db = freshDb();
  const lines = Array.from({ length: 50 }, (_, i) => Buffer.from(`${i},Zoë\n`));
  lines[20] = Buffer.concat([Buffer.from('20,Zo'), Buffer.from([0xeb]), Buffer.from('\n')]);
  const summary = importInto(db, write('mostly-utf8.csv', Buffer.concat([Buffer.from('id,name\n'), ...lines])));
  assert.deepEqual([summary.rowsInserted, summary.rowsQuarantined, summary.rowsBadEncoding], [49, 1, 1]);
  assert.deepEqual(typed(db, `SELECT DISTINCT name FROM mostly_utf8`), [{ name: 'Zoë' }]);
  const [row] = typed(db, 'SELECT raw, errors FROM _sluice_quarantine');
  const errors = JSON.parse(String(row!.errors)) as { rule: string; bytes: string }[];
  assert.equal(errors[0]!.rule, 'encoding');
  assert.deepEqual(Buffer.from(errors[0]!.bytes, 'base64'), Buffer.concat([Buffer.from('20,Zo'), Buffer.from([0xeb]), Buffer.from('\n')]));
  const text = sluice(['import', write('mostly-utf8-2.csv', Buffer.concat([Buffer.from('id,name\n'), ...lines])), '--db', freshDb()]);
  assert.match(text.stdout, /bad encoding\s+1/);
});

test('NaN and ±INF fail minimum, maximum and the exclusive bounds', () => {
  const db = freshDb();
  const rules = write('ranges.rules.json', JSON.stringify({
    fields: [
      { name: 'lo', type: 'number', constraints: { minimum: 0 } },
      { name: 'hi', type: 'number', constraints: { exclusiveMaximum: 10 } },
    ],
  }));
  const summary = importInto(db, write('ranges.csv', 'lo,hi\n1,2\nNaN,2\n1,NaN\nINF,2\n1,-INF\n-INF,2\n'), ['--schema', rules]);
  assert.deepEqual([summary.rowsInserted, summary.rowsQuarantined], [1, 5]);
});

test('bytesRead counts every byte of the file, BOM and header included', () => {
  const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,2\n3,4\n')]);
  const summary = importInto(freshDb(), write('bom.csv', content));
  assert.equal(summary.bytesRead, content.length);
});

test('columns named rowid/oid/_rowid_ or equal but for case are renamed alike for CSV and JSONL, and listed', () => {
  const db = freshDb();
  const csv = importInto(db, write('ids.csv', 'rowid,oid,Name,name\n2,a,x,y\n1,b,z,w\n'));
  assert.deepEqual(csv.renamedColumns, [{ from: 'rowid', to: 'rowid_2' }, { from: 'oid', to: 'oid_2' }, { from: 'name', to: 'name_2' }]);
  // Rows come out in import order (the table's own rowid), not sorted by the file's "rowid" column;
  // the export writes the header as the file had it, so the round trip holds.
  assert.equal(exportTo(db, 'ids', 'ids.out.csv'), 'rowid,oid,Name,name\n2,a,x,y\n1,b,z,w\n');
  const jsonl = importInto(db, write('keys.jsonl', '{"_rowid_":2,"Name":"x","name":"y"}\n{"_rowid_":1,"Name":"z","name":"w"}\n'));
  assert.deepEqual(jsonl.renamedColumns, [{ from: '_rowid_', to: '_rowid__2' }, { from: 'name', to: 'name_2' }]);
  assert.equal(exportTo(db, 'keys', 'keys.out.jsonl'), '{"_rowid_":2,"Name":"x","name":"y"}\n{"_rowid_":1,"Name":"z","name":"w"}\n');
  const text = sluice(['import', write('ids2.csv', 'rowid,x\n1,2\n'), '--db', freshDb()]);
  assert.match(text.stdout, /renamed column\s+"rowid" → "rowid_2"/);
});

test('a later import must agree with the stored schema or extend it with new columns', () => {
  const db = freshDb();
  importInto(db, write('people.jsonl', '{"id":1,"ok":true}\n'));
  importInto(db, write('people2.jsonl', '{"id":2,"ok":false,"age":40}\n'), ['--table', 'people']);
  // The first record had no "age": the column the later import added stays absent from it (not "age":null).
  assert.equal(exportTo(db, 'people', 'people.out.jsonl'), '{"id":1,"ok":true}\n{"id":2,"ok":false,"age":40}\n');
  const rules = write('people.rules.json', JSON.stringify({ fields: [{ name: 'id', type: 'string' }] }));
  const clash = sluice(['import', write('people3.jsonl', '{"id":"3"}\n'), '--db', db, '--table', 'people', '--schema', rules]);
  assert.equal(clash.status, 1);
  assert.match(clash.stderr, /Table "people" stores column "id" as integer, but this import would write it as string/);
});

test('a format-1 store migrates: its tables stay readable and exportable, new imports record their schema', () => {
  const db = path.join(dir, 'v1-copy.sqlite');
  fs.copyFileSync(path.join(FIXTURES, 'stores', 'v1-store.sqlite'), db);
  const out = exportTo(db, 'customers', 'v1-customers.csv');
  assert.equal(out.split('\r\n').filter((line) => line !== '').length, 18);
  assert.deepEqual(typed(db, 'SELECT count(*) AS n FROM _sluice_tables'), [{ n: 0n }]);
  const legacy = sluice(['schema', '--db', db, '--table', 'customers']);
  assert.equal(legacy.status, 2);
  assert.match(legacy.stderr, /imported before Sluice stored schemas/);
  importInto(db, write('fresh.jsonl', '{"a":1}\n'));
  assert.deepEqual(typed(db, 'SELECT table_name FROM _sluice_tables'), [{ table_name: 'fresh' }]);
  // An upsert into an old table keys its rows as before: every existing id is updated, none duplicated.
  const again = importInto(db, path.join(SAMPLES, 'customers.csv'), ['--table', 'customers', '--key', 'id']);
  assert.deepEqual([again.rowsUpdated, again.rowsInserted, again.rowsQuarantined], [17, 7, 1]); // one ragged row
  assert.deepEqual(typed(db, 'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM customers'), [{ n: 24n, ids: 24n }]);
});
