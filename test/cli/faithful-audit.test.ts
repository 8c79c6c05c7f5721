/**
 * Issue 12 audited from outside: files as real exports write them (Excel's BOM, a one-column list with
 * gaps), imported without rules and exported again, must come back as they were.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let counter = 0;

/** Imports `content` without rules into a fresh store and exports the table again; returns the exported bytes. */
function roundTrip(name: string, content: string | Buffer, exportName = name): { out: Buffer; db: string; summary: Record<string, unknown> } {
  const file = path.join(dir, `${++counter}-${name}`);
  fs.writeFileSync(file, content);
  const db = path.join(dir, `store-${counter}.sqlite`);
  const run = sluice(['import', file, '--db', db, '--table', 't', '--json', '--workers', '1']);
  assert.equal(run.status, 0, run.stderr);
  const out = path.join(dir, `${counter}-out-${exportName}`);
  const exported = sluice(['export', '--db', db, '--table', 't', '--out', out]);
  assert.equal(exported.status, 0, exported.stderr);
  return { out: fs.readFileSync(out), db, summary: lastJson(run) };
}

test('a UTF-8 CSV with a byte order mark (Excel\'s "CSV UTF-8") exports with it, so the bytes and Excel\'s reading stay the same', () => {
  const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name;city\r\nZoë;Zürich\r\nJosé;São Paulo\r\n')]);
  assert.deepEqual(roundTrip('excel.csv', content).out, content);
  const plain = Buffer.from('name,city\nZoë,Zürich\n');
  assert.deepEqual(roundTrip('plain.csv', plain).out, plain, 'no BOM is added to a file that had none');
});

test('a one-column table with empty values exports them as "" so that importing the export loses no row', () => {
  const first = roundTrip('codes.jsonl', '{"code":"A"}\n{"code":null}\n{"code":"B"}\n', 'codes.csv');
  const exported = first.out.toString('utf8');
  const again = roundTrip('codes-again.csv', exported);
  assert.equal(again.summary.rowsInserted, 3, `the export was ${JSON.stringify(exported)}`);
  assert.equal(again.out.toString('utf8'), exported);
});

test('a CSV with old Mac line ends (CR only) exports with CR line ends, not CRLF', () => {
  const content = Buffer.from('a,b\r1,2\r3,4\r');
  assert.deepEqual(roundTrip('mac.csv', content).out.toString('latin1'), content.toString('latin1'));
});

test('JSONL keys renamed for SQLite (equal but for case, rowid, empty) come back as written on export', () => {
  const content = '{"Name":"x","name":"y","NAME":"z","rowid":5,"":1}\n{"Name":"a","name":"b","NAME":"c","rowid":1,"":2}\n';
  const { out, summary } = roundTrip('keys.jsonl', content);
  assert.equal((summary.renamedColumns as unknown[]).length, 4, 'the summary still lists every rename');
  assert.deepEqual(out.toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown), content.trim().split('\n').map((line) => JSON.parse(line) as unknown));
});

test('a CSV header with duplicate, blank, padded and rowid names exports the same header bytes', () => {
  const content = Buffer.from('a,a,,rowid,A, b ,a_2\n1,2,3,4,5,6,7\n');
  assert.deepEqual(roundTrip('header.csv', content).out.toString('utf8'), content.toString('utf8'));
});

test('UTF-16 JSONL, LE and BE, with and without BOM, imports every record and exports the same objects', () => {
  // Ċ (U+010A) is 0A 01 in UTF-16LE and ਊ (U+0A0A) is 0A 0A: a 0x0A byte that is no line end.
  const text = '{"id":1,"name":"Zoë"}\n{"id":2,"name":"Ċ ਊ 😀"}\n{"id":3,"name":null}\n';
  const objects = text.trim().split('\n').map((line) => JSON.parse(line) as unknown);
  for (const [encoding, bom] of [['utf16le', [0xff, 0xfe]], ['utf16be', [0xfe, 0xff]]] as const) {
    for (const withBom of [true, false]) {
      const units = Buffer.from(text, 'utf16le');
      if (encoding === 'utf16be') units.swap16();
      const { out, summary } = roundTrip(`${encoding}-${withBom}.jsonl`, Buffer.concat([Buffer.from(withBom ? bom : []), units]));
      assert.deepEqual([summary.rowsInserted, summary.rowsQuarantined], [3, 0], `${encoding} BOM ${withBom}`);
      assert.deepEqual(out.toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown), objects);
    }
  }
});

test('a CSV header that repeats a name exports as JSONL with distinct keys (a JSON object keeps one value per key)', () => {
  const dir = tempDir('sluice-audit-dup-');
  const file = path.join(dir, 'dup.csv');
  fs.writeFileSync(file, 'a,a,Name,name\n1,2,x,y\n');
  const db = path.join(dir, 'store.sqlite');
  assert.equal(sluice(['import', file, '--db', db]).status, 0);
  const out = path.join(dir, 'out.jsonl');
  assert.equal(sluice(['export', '--db', db, '--table', 'dup', '--out', out]).status, 0);
  const text = fs.readFileSync(out, 'utf8');
  assert.deepEqual(JSON.parse(text), { a: 1, a_2: 2, Name: 'x', name: 'y' });
  assert.equal((text.match(/"a":/g) ?? []).length, 1, 'no key twice');
  const csvOut = path.join(dir, 'out.csv');
  assert.equal(sluice(['export', '--db', db, '--table', 'dup', '--out', csvOut]).status, 0);
  assert.equal(fs.readFileSync(csvOut, 'utf8').split(/\r?\n/)[0], 'a,a,Name,name', 'the CSV header comes back as it was');
});

test('a JSONL string with a lone surrogate escape is quarantined (rule encoding), not stored as U+FFFD; pairs and nested values stay exact', () => {
  const dir = tempDir('sluice-audit-surrogate-');
  const file = path.join(dir, 'sg.jsonl');
  const lines = [
    '{"id":1,"a":"x\\ud800y","o":{"k":"v"}}',
    '{"id":2,"a":"ok \\ud83d\\ude00","o":{"k":"\\udc00 nested"}}',
    '{"id":3,"a":"plain \\u00e9","o":{"k":"w"}}',
  ];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const db = path.join(dir, 'store.sqlite');
  const run = sluice(['import', file, '--db', db, '--json']);
  assert.equal(run.status, 0, run.stderr);
  const summary = lastJson(run) as { rowsInserted: number; rowsQuarantined: number };
  assert.deepEqual([summary.rowsInserted, summary.rowsQuarantined], [2, 1]);
  const listed = sluice(['quarantine', '--db', db, '--import', 'latest', '--json']);
  assert.match(listed.stdout, /"rule":"encoding"/);
  assert.match(listed.stdout, /unpaired UTF-16 surrogate/);
  const out = path.join(dir, 'out.jsonl');
  assert.equal(sluice(['export', '--db', db, '--table', 'sg', '--out', out]).status, 0);
  const exported = fs.readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
  assert.deepEqual(exported, [JSON.parse(lines[1]!), JSON.parse(lines[2]!)]);
});
