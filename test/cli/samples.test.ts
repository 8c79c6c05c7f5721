import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, queryAll, sluice } from '../helpers/cli.js';
import { SAMPLES, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const csv = path.join(SAMPLES, 'customers.csv');
const jsonl = path.join(SAMPLES, 'customers.jsonl');
const rules = path.join(SAMPLES, 'customers.rules.json');

function quarantinedRows(db: string): number[] {
  return queryAll(db, 'SELECT row_number FROM _sluice_quarantine ORDER BY row_number').map((row) => Number(row.row_number));
}

test('README walkthrough: import with the bundled rules, list, status, export', () => {
  const db = path.join(dir, 'walkthrough.sqlite');
  const run = sluice(['import', csv, '--db', db, '--schema', rules, '--json']);
  assert.equal(run.status, 0, run.stderr);
  const summary = lastJson(run);
  assert.deepEqual([summary.rowsRead, summary.rowsInserted, summary.rowsQuarantined], [25, 17, 8]);
  assert.deepEqual(quarantinedRows(db), [5, 7, 8, 10, 11, 21, 24, 25]);
  const listing = sluice(['quarantine', '--db', db, '--import', 'latest']);
  assert.equal(listing.status, 0);
  assert.match(listing.stdout, /age: "abc" is not an integer/);
  assert.match(listing.stdout, /expected 10 fields, found 9/);
  const status = sluice(['status', '--db', db]);
  assert.match(status.stdout, /completed\s+customers\s+25\s+17\s+0\s+8/);
  const out = path.join(dir, 'clean.csv');
  // The source's newline is LF (the default for its export); CRLF, asked for here, keeps the notes' own line breaks apart from records.
  assert.equal(sluice(['export', '--db', db, '--table', 'customers', '--out', out, '--newline', 'crlf']).status, 0);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\r\n');
  assert.equal(lines.length, 18);
  assert.equal(lines[0], 'id,name,email,country,signup_date,age,plan,monthly_spend,active,notes');
  const bad = path.join(dir, 'bad.jsonl');
  assert.equal(sluice(['export', '--db', db, '--quarantine', 'latest', '--out', bad]).status, 0);
  assert.equal(fs.readFileSync(bad, 'utf8').trim().split('\n').length, 8);
});

test('the bundled rules transform as they say: trimmed names, lower-case emails, typed values', () => {
  const db = path.join(dir, 'typed.sqlite');
  assert.equal(sluice(['import', csv, '--db', db, '--schema', rules]).status, 0);
  const [ada] = queryAll(db, 'SELECT * FROM customers WHERE id = 1');
  assert.deepEqual(ada, {
    id: 1,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    country: 'GB',
    signup_date: '2023-01-15',
    age: 36,
    plan: 'pro',
    monthly_spend: 49,
    active: 1,
    notes: null,
  });
});

test('infer on the samples gives a schema that, used as is, keeps the good rows and quarantines the bad ones', () => {
  for (const [file, expected] of [
    [csv, [5, 7, 8, 10, 11, 12, 21]],
    [jsonl, [5, 7, 8, 10, 11, 12, 13, 19]],
  ] as const) {
    const inferred = sluice(['infer', file]);
    assert.equal(inferred.status, 0, inferred.stderr);
    const schema = path.join(dir, `${path.basename(file)}.inferred.json`);
    fs.writeFileSync(schema, inferred.stdout);
    const parsed = JSON.parse(inferred.stdout) as { fields: { name: string; type: string }[]; primaryKey?: string };
    assert.equal(parsed.primaryKey, 'id');
    assert.deepEqual(
      parsed.fields.filter((f) => ['id', 'age', 'monthly_spend', 'active', 'signup_date'].includes(f.name)).map((f) => f.type),
      ['integer', 'date', 'integer', 'number', 'boolean'],
    );
    const db = path.join(dir, `${path.basename(file)}.sqlite`);
    const run = sluice(['import', file, '--db', db, '--schema', schema]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(quarantinedRows(db), expected, file);
  }
});

test('JSONL sample with --key upserts and keeps nested values as JSON text', () => {
  const db = path.join(dir, 'jsonl.sqlite');
  const first = sluice(['import', jsonl, '--db', db, '--table', 'customers_json', '--key', 'id', '--json']);
  assert.equal(first.status, 0, first.stderr);
  const second = sluice(['import', jsonl, '--db', db, '--table', 'customers_json', '--key', 'id', '--json']);
  assert.equal(second.status, 0, second.stderr);
  const summary = lastJson(second);
  assert.equal(summary.rowsInserted, 0);
  // The same file again: every key matches a row that holds the same values already.
  assert.equal(summary.rowsUpdated, 0);
  assert.equal(summary.rowsUnchanged, lastJson(first).rowsInserted);
  assert.deepEqual(summary.upsertKey, ['id']);
  assert.equal(summary.keySource, '--key');
  const [edsger] = queryAll(db, 'SELECT tags FROM customers_json WHERE id = 4');
  assert.equal(edsger!.tags, '["invoicing","vip"]');
});
