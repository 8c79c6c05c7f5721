import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { previewRules } from '../../../main/engine/rules/index.js';
import { sampleSource } from '../../../main/engine/source/sample.js';
import { SAMPLES, tempDir } from '../../helpers/paths.js';

const dir = tempDir();

test('the sample of customers.csv includes its short row, numbered as the import numbers it; the Sample check fails 8 rows like the import', async () => {
  const sample = await sampleSource(path.join(SAMPLES, 'customers.csv'));
  assert.equal(sample.previewRows.length, 25);
  assert.equal(sample.rows.length, 24, 'inference still reads only well-formed rows');
  const malformed = sample.malformed.flatMap((failure, i) => (failure ? [[sample.rowNumbers[i], failure.rule, failure.message]] : []));
  assert.deepEqual(malformed, [[21, 'row-shape', 'expected 10 fields, found 9']]);
  assert.equal(sample.previewRows[21]![0], '22', 'rows after the malformed one keep their numbers');
  const ruleFile = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'customers.rules.json'), 'utf8')) as unknown;
  const result = previewRules(ruleFile, { columns: sample.columns, rows: sample.previewRows, kind: 'csv', malformed: sample.malformed });
  assert.equal(result.invalidRows, 8);
  const shape = result.groups.find((group) => group.rule === 'row-shape');
  assert.deepEqual([shape?.count, shape?.rows], [1, [20]]);
  assert.deepEqual(result.rows[20]?.errors.map((e) => e.rule), ['row-shape'], 'a malformed row fails with its reason alone');
});

test('a bad JSONL line is in the sample with the reason the import gives it', async () => {
  const file = path.join(dir, 'bad-line.jsonl');
  fs.writeFileSync(file, '{"id":1,"name":"a"}\n{"id":2,"name":\n[1,2]\n{"id":4,"name":"d"}\n');
  const sample = await sampleSource(file);
  assert.equal(sample.previewRows.length, 4);
  assert.deepEqual(sample.malformed.map((failure) => failure?.rule ?? null), [null, 'json-syntax', 'json-object', null]);
  assert.deepEqual(sample.rowNumbers, [1, 2, 3, 4]);
  assert.deepEqual(sample.rows.map((row) => row[0]), [1, 4]);
});

test('a UTF-16 record with an unpaired surrogate is in the sample with the reason the import gives it (rule encoding)', async () => {
  const units = [0xfeff, ...Array.from('id,name\n1,a\n2,'), 0xd800, ...Array.from('x\n3,\ufffd\n')].map((unit) => (typeof unit === 'number' ? unit : unit.charCodeAt(0)));
  const bytes = Buffer.alloc(units.length * 2);
  units.forEach((unit, i) => bytes.writeUInt16LE(unit, 2 * i));
  const file = path.join(dir, 'lone-surrogate.csv');
  fs.writeFileSync(file, bytes);
  const sample = await sampleSource(file);
  assert.equal(sample.previewRows.length, 3);
  // A U+FFFD the file itself holds is a character like any other.
  assert.deepEqual(sample.malformed.map((failure) => failure?.rule ?? null), [null, 'encoding', null]);
  assert.deepEqual(sample.rows.map((row) => row[0]), ['1', '3']);
});

test('a UTF-16 file over 1 MB is sampled in windows that start on a code unit, so every sampled row reads right', async () => {
  const rows = Array.from({ length: 60_000 }, (_, i) => `${i},Zoë${i % 7}\n`).join('');
  const file = path.join(dir, 'big-utf16.csv');
  fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`id,name\n${rows}`, 'utf16le')]));
  const sample = await sampleSource(file);
  assert.ok(sample.rowNumbers.some((n) => n === null), 'rows from windows mid-file are in the sample');
  assert.equal(sample.previewRows.length, 1000, 'no window is lost to reading it one byte off');
  for (const [id, name] of sample.previewRows as string[][]) assert.equal(name, `Zoë${Number(id) % 7}`, JSON.stringify([id, name]));
});

test('keys a UTF-16 JSONL file grows late are found in windows read on code units', async () => {
  const { jsonlKeysAcross, sampleSource: sample } = await import('../../../main/engine/source/sample.js');
  const lines = Array.from({ length: 60_000 }, (_, i) => JSON.stringify(i > 30_000 ? { id: i, late: i } : { id: i }) + '\n').join('');
  const file = path.join(dir, 'late-keys-utf16.jsonl');
  fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines, 'utf16le')]));
  const { layout } = await sample(file);
  assert.deepEqual(await jsonlKeysAcross(file, layout), ['id', 'late']);
});
