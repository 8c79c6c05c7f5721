/**
 * `sluice export --encoding E` writes the file in a legacy encoding (for spreadsheets and systems that want
 * windows-1252 or Shift_JIS); the default stays UTF-8. A character the target encoding has no code for is
 * refused with an error naming the row and column, and no file is written: never a silent `?`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { queryAll, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let counter = 0;

function importText(content: string, format = 'csv'): string {
  const file = path.join(dir, `${++counter}-in.${format}`);
  fs.writeFileSync(file, content);
  const db = path.join(dir, `store-${counter}.sqlite`);
  const run = sluice(['import', file, '--db', db, '--table', 't', '--workers', '1']);
  assert.equal(run.status, 0, run.stderr);
  return db;
}

function exportTo(db: string, name: string, extra: string[]) {
  const out = path.join(dir, `${++counter}-${name}`);
  return { out, run: sluice(['export', '--db', db, '--table', 't', '--out', out, ...extra]) };
}

test('windows-1252 and Shift_JIS exports hold the encoded bytes and import back to the same values', () => {
  const western = 'name,price\n“Café”,€5\nZoë,£3\n';
  const db = importText(western);
  const { out, run } = exportTo(db, 'cp1252.csv', ['--encoding', 'windows-1252']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(fs.readFileSync(out), iconv.encode(western, 'windows-1252'));
  const back = path.join(dir, 'back.sqlite');
  assert.equal(sluice(['import', out, '--db', back, '--table', 't', '--encoding', 'windows-1252']).status, 0);
  assert.deepEqual(queryAll(back, 'SELECT name, price FROM t'), queryAll(db, 'SELECT name, price FROM t'));

  const japanese = '名前,都市\n山田,東京\n';
  const { out: sjis, run: sjisRun } = exportTo(importText(japanese), 'sjis.csv', ['--encoding', 'shift_jis']);
  assert.equal(sjisRun.status, 0, sjisRun.stderr);
  assert.deepEqual(fs.readFileSync(sjis), iconv.encode(japanese, 'shift_jis'));
});

test('JSONL exports in UTF-16LE too, with its byte order mark; the default stays UTF-8', () => {
  const db = importText('{"a":"Zoë 😀","n":1}\n', 'jsonl');
  const { out, run } = exportTo(db, 'utf16.jsonl', ['--encoding', 'utf-16le']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(fs.readFileSync(out), Buffer.from('\ufeff{"a":"Zoë 😀","n":1}\n', 'utf16le'));
  const { out: plain } = exportTo(db, 'plain.jsonl', []);
  assert.equal(fs.readFileSync(plain, 'utf8'), '{"a":"Zoë 😀","n":1}\n');
});

test('a UTF-16 export starts with its byte order mark, so it imports back without naming the encoding', () => {
  const text = 'name,city\nZoë,Kraków\n山田,東京\n';
  const db = importText(text);
  for (const [encoding, bom] of [['utf-16le', [0xff, 0xfe]], ['utf-16be', [0xfe, 0xff]]] as const) {
    const { out, run } = exportTo(db, `${encoding}.csv`, ['--encoding', encoding]);
    assert.equal(run.status, 0, run.stderr);
    const bytes = fs.readFileSync(out);
    assert.deepEqual([...bytes.subarray(0, 2)], bom);
    assert.equal(iconv.decode(bytes.subarray(2), encoding), text);
    const back = path.join(dir, `back-${encoding}.sqlite`);
    const again = sluice(['import', out, '--db', back, '--table', 't']);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(queryAll(back, 'SELECT * FROM t ORDER BY rowid'), queryAll(db, 'SELECT * FROM t ORDER BY rowid'));
  }
});

test('a character the encoding cannot hold is refused, naming row and column; no file is written', () => {
  const db = importText('id,name,city\n1,Zoë,Paris\n2,Ωmega,Athens\n');
  const { out, run } = exportTo(db, 'refused.csv', ['--encoding', 'windows-1252']);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /row 2/);
  assert.match(run.stderr, /column "name"/);
  assert.match(run.stderr, /windows-1252/);
  assert.doesNotMatch(run.stderr, /Ωmega/, 'the message never holds row contents');
  assert.equal(fs.existsSync(out), false);

  const header = importText('id,prix€\n1,2\n');
  const { run: latin } = exportTo(header, 'header.csv', ['--encoding', 'shift_jis']);
  assert.equal(latin.status, 1);
  assert.match(latin.stderr, /header/);
});

test('an unknown encoding is a usage error that lists the supported ones', () => {
  const db = importText('a\n1\n');
  const { run } = exportTo(db, 'x.csv', ['--encoding', 'ebcdic']);
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /windows-1252/);
  const help = sluice(['export', '--help']);
  assert.match(help.stdout, /--encoding/);
});

test('a quarantine exports in the source encoding too, so its raw text can be fixed where the file came from', () => {
  const source = path.join(dir, 'cp1252-source.csv');
  const text = 'id,name\n1,Zoë\nx,“Café” €\n';
  fs.writeFileSync(source, iconv.encode(text, 'windows-1252'));
  const rules = path.join(dir, 'id-rules.json');
  fs.writeFileSync(rules, JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }] }));
  const db = path.join(dir, `store-${++counter}.sqlite`);
  assert.equal(sluice(['import', source, '--db', db, '--table', 't', '--schema', rules, '--encoding', 'windows-1252']).status, 0);
  const out = path.join(dir, `${++counter}-bad.csv`);
  const run = sluice(['export', '--db', db, '--quarantine', 'latest', '--out', out, '--encoding', 'windows-1252']);
  assert.equal(run.status, 0, run.stderr);
  const written = iconv.decode(fs.readFileSync(out), 'windows-1252');
  assert.match(written, /x,“Café” €/, 'the raw line, in windows-1252');
  assert.ok(fs.readFileSync(out).includes(Buffer.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x80])), 'the encoded bytes');

  // A raw text the encoding cannot hold is refused as for a table, naming the row and column.
  const greek = path.join(dir, 'greek.csv');
  fs.writeFileSync(greek, 'id,name\nx,Ωmega\n');
  const db2 = path.join(dir, `store-${++counter}.sqlite`);
  assert.equal(sluice(['import', greek, '--db', db2, '--table', 't', '--schema', rules]).status, 0);
  const refused = path.join(dir, `${++counter}-refused.csv`);
  const no = sluice(['export', '--db', db2, '--quarantine', 'latest', '--out', refused, '--encoding', 'windows-1252']);
  assert.equal(no.status, 1, no.stderr);
  assert.match(no.stderr, /row 1, column "raw"/);
  assert.equal(fs.existsSync(refused), false);
});
