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
