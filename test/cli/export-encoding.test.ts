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

test('JSONL exports in UTF-16LE too; the default stays UTF-8', () => {
  const db = importText('{"a":"Zoë 😀","n":1}\n', 'jsonl');
  const { out, run } = exportTo(db, 'utf16.jsonl', ['--encoding', 'utf-16le']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(fs.readFileSync(out), Buffer.from('{"a":"Zoë 😀","n":1}\n', 'utf16le'));
  const { out: plain } = exportTo(db, 'plain.jsonl', []);
  assert.equal(fs.readFileSync(plain, 'utf8'), '{"a":"Zoë 😀","n":1}\n');
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
