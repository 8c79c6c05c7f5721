/**
 * Files whose line ends are mixed (an LF file with a few CRLF lines, a CRLF file with a bare LF), as files
 * edited on two systems or concatenated from two exports are: read as Python's csv, pandas and DuckDB read
 * them. An unquoted CR right before LF belongs to the line end, a bare LF ends a record in a CRLF file,
 * and quoted fields keep their CR and LF exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, queryAll, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let counter = 0;

function importFile(name: string, content: string | Buffer, extra: string[] = []): { db: string; file: string; summary: Record<string, unknown> } {
  const file = path.join(dir, `${++counter}-${name}`);
  fs.writeFileSync(file, content);
  const db = path.join(dir, `store-${counter}.sqlite`);
  const run = sluice(['import', file, '--db', db, '--table', 't', '--json', '--workers', '1', ...extra]);
  assert.equal(run.status, 0, run.stderr);
  return { db, file, summary: lastJson(run) };
}

function exported(db: string, extra: string[] = []): string {
  const out = path.join(dir, `${++counter}-out.csv`);
  const run = sluice(['export', '--db', db, '--table', 't', '--out', out, ...extra]);
  assert.equal(run.status, 0, run.stderr);
  return fs.readFileSync(out, 'latin1');
}

function schemaOf(db: string): { fields: { name: string; type: string }[] } {
  const run = sluice(['schema', '--db', db, '--table', 't']);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { fields: { name: string; type: string }[] };
}

test('an LF file with one CRLF line reads 4, not "4\\r": the column stays an integer column and exports with LF', () => {
  const { db } = importFile('lf-one-crlf.csv', 'a,b\n1,2\n3,4\r\n5,6\n');
  assert.deepEqual(queryAll(db, 'SELECT a, b, typeof(b) AS kind FROM t'), [
    { a: 1, b: 2, kind: 'integer' },
    { a: 3, b: 4, kind: 'integer' },
    { a: 5, b: 6, kind: 'integer' },
  ]);
  assert.deepEqual(schemaOf(db).fields.map((field) => field.type), ['integer', 'integer']);
  assert.equal(exported(db), 'a,b\n1,2\n3,4\n5,6\n', 'the dominant line end (LF) is written');
});

test('a CRLF file with a bare LF line: the LF ends a record, and export writes CRLF', () => {
  const { db, summary } = importFile('crlf-one-lf.csv', 'a,b\r\n1,2\n3,4\r\n5,6\r\n');
  assert.equal(summary.rowsInserted, 3);
  assert.deepEqual(queryAll(db, 'SELECT a, b FROM t'), [{ a: 1, b: 2 }, { a: 3, b: 4 }, { a: 5, b: 6 }]);
  assert.equal(exported(db), 'a,b\r\n1,2\r\n3,4\r\n5,6\r\n');
});

test('quoted fields keep CR and LF exactly, whatever the line ends around them', () => {
  const { db } = importFile('quoted.csv', 'a,b\n1,"x\r\ny"\r\n2,"z\n"\n3,"\r"\r\n4,w\r\n');
  assert.deepEqual(queryAll(db, 'SELECT a, b FROM t'), [
    { a: 1, b: 'x\r\ny' },
    { a: 2, b: 'z\n' },
    { a: 3, b: '\r' },
    { a: 4, b: 'w' },
  ]);
});

test('quarantined rows after CRLF lines keep their line numbers, byte offsets and raw text without the CR', () => {
  const content = 'a,b\n1,2\r\n3\n4,5\r\n6,7,8\r\n9,"x\r\ny",z\n10,11\n';
  const { db } = importFile('shape.csv', content);
  const rows = sluice(['quarantine', '--db', db, '--json']).stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(
    rows.map((row) => ({ line: row.line, byteOffset: row.byteOffset, raw: row.raw })),
    [
      { line: 3, byteOffset: content.indexOf('3\n'), raw: '3' },
      { line: 5, byteOffset: content.indexOf('6,7,8'), raw: '6,7,8' },
      { line: 6, byteOffset: content.indexOf('9,'), raw: '9,"x\r\ny",z' },
    ],
  );
  assert.deepEqual(queryAll(db, 'SELECT a, b FROM t'), [{ a: 1, b: 2 }, { a: 4, b: 5 }, { a: 10, b: 11 }]);
});

test('sluice infer (the sample and preview path) reads mixed line ends as the import does', () => {
  const file = path.join(dir, 'infer-mixed.csv');
  fs.writeFileSync(file, 'a,b\n1,2\n3,4\r\n5,6\n');
  const run = sluice(['infer', file]);
  assert.equal(run.status, 0, run.stderr);
  const fields = (JSON.parse(run.stdout) as { fields: { name: string; type: string }[] }).fields;
  assert.deepEqual(fields.map((field) => [field.name, field.type]), [['a', 'integer'], ['b', 'integer']]);
});

/** Python's csv module as the reference reader. */
function pythonRows(file: string): string[][] {
  const script = 'import csv,json,sys\nwith open(sys.argv[1], newline="", encoding="utf-8") as f: print(json.dumps(list(csv.reader(f))[1:]))';
  const run = spawnSync('python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as string[][];
}

test('a large file with randomly mixed line ends and quoted line breaks, over many chunks and both parse paths, reads as Python\'s csv reads it', { timeout: 120_000 }, () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = ['id,text,n'];
  for (let i = 0; i < 12_000; i++) {
    const roll = random();
    const text = roll < 0.1 ? `"multi\r\nline ${i}"` : roll < 0.15 ? `"lf\nonly ${i}"` : roll < 0.2 ? `"ends in cr\r"` : `plain ${i}`;
    // A few records with a stray quote in an unquoted field send their chunk to papaparse.
    const n = random() < 0.002 ? `5" screen` : String(i * 3);
    lines.push(`${i},${text},${n}${random() < 0.3 ? '\r\n' : '\n'}`);
  }
  const content = `${lines[0]}\n${lines.slice(1).join('')}`;
  const { db, file } = importFile('big-mixed.csv', content, ['--workers', '2']);
  const expected = pythonRows(file);
  const actual = queryAll(db, 'SELECT id, text, n FROM t ORDER BY id').map((row) => [String(row.id), String(row.text), String(row.n)]);
  assert.equal(actual.length, expected.length);
  assert.deepEqual(actual, expected);
});

test('UTF-16 files (read by papaparse) with mixed line ends: same values, line numbers and byte offsets', () => {
  const content = 'a,b\n1,2\r\n3\n4,"x\r\ny"\r\n6,7,8\r\n9,10\n';
  const bom = Buffer.from([0xff, 0xfe]);
  const { db } = importFile('utf16.csv', Buffer.concat([bom, Buffer.from(content, 'utf16le')]), ['--encoding', 'utf-16le']);
  assert.deepEqual(queryAll(db, 'SELECT a, b FROM t'), [{ a: 1, b: 2 }, { a: 4, b: 'x\r\ny' }, { a: 9, b: 10 }]);
  const rows = sluice(['quarantine', '--db', db, '--json']).stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(
    rows.map((row) => ({ line: row.line, byteOffset: row.byteOffset, raw: row.raw })),
    [
      { line: 3, byteOffset: 2 + 2 * content.indexOf('3\n'), raw: '3' },
      { line: 6, byteOffset: 2 + 2 * content.indexOf('6,7,8'), raw: '6,7,8' },
    ],
  );
});
