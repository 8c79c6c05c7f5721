/**
 * `sluice schema --db S --table T` keeps its promise: the schema it prints, given back as --schema, imports
 * the same file without quarantining anything. Without rules a column is typed from a sample of its values,
 * but values whose conversion would not be lossless (`TRUE` in a true/false column, `abc` or `007` in an
 * integer column, an impossible date) are kept as text; such a column is printed as text (string, or any
 * for JSONL), not as the type its other values have.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { Store } from '../../main/engine/store/store.js';
import { retryQuarantinedRow } from '../../main/engine/quarantine/retry.js';

const dir = tempDir();
let counter = 0;

function importFile(file: string, extra: string[] = []): { db: string; summary: Record<string, unknown> } {
  const db = path.join(dir, `store-${++counter}.sqlite`);
  const run = sluice(['import', file, '--db', db, '--table', 't', '--json', '--workers', '2', ...extra]);
  assert.equal(run.status, 0, run.stderr);
  return { db, summary: lastJson(run) };
}

function printedSchema(db: string): { fields: { name: string; type: string }[] } {
  const run = sluice(['schema', '--db', db, '--table', 't']);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { fields: { name: string; type: string }[] };
}

/** Imports without rules, prints the schema, imports again with it: nothing may be quarantined. Returns the printed types. */
function keepsThePromise(name: string, content: string): Record<string, string> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  const first = importFile(file);
  assert.equal(first.summary.rowsQuarantined, 0);
  const schema = printedSchema(first.db);
  const rules = path.join(dir, `${name}.schema.json`);
  fs.writeFileSync(rules, JSON.stringify(schema));
  const again = importFile(file, ['--schema', rules]);
  assert.equal(again.summary.rowsQuarantined, 0, `the printed schema ${JSON.stringify(schema)} quarantined rows`);
  assert.equal(again.summary.rowsInserted, first.summary.rowsInserted);
  return Object.fromEntries(schema.fields.map((field) => [field.name, field.type]));
}

test('a true/false column with one TRUE, and integer columns with 007 or abc, print as string; clean columns keep their type', () => {
  const types = keepsThePromise('small.csv', 'id,flag,code,qty,clean\n1,true,1,1,true\n2,false,2,2,false\n3,true,007,3,true\n4,TRUE,4,abc,false\n');
  assert.deepEqual(types, { id: 'integer', flag: 'string', code: 'string', qty: 'string', clean: 'boolean' });
});

/** Rows of a file over 1 MB, so the sample reads its head and windows, not every row. */
function bigRows(row: (i: number) => string, bad: string): string[] {
  const rows = Array.from({ length: 120_000 }, (_, i) => row(i));
  // Past the sampled head (the first 1 MB) and before the first spread window.
  rows[36_000] = bad;
  return rows;
}

test('values the sample never saw (an impossible date, a word in an integer column) still make the printed schema honest', { timeout: 120_000 }, () => {
  const rows = bigRows((i) => `${i},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 97}`, '36000,2024-02-30,n/a');
  const types = keepsThePromise('big.csv', `id,day,n\n${rows.join('\n')}\n`);
  assert.deepEqual(types, { id: 'integer', day: 'string', n: 'string' });
});

test('JSONL: a key whose unsampled values include another JSON kind prints as any', { timeout: 120_000 }, () => {
  const rows = bigRows((i) => JSON.stringify({ id: i, n: i % 97, ok: i % 2 === 0 }), JSON.stringify({ id: 36000, n: 'n/a', ok: 'yes' }));
  const types = keepsThePromise('big.jsonl', `${rows.join('\n')}\n`);
  assert.deepEqual(types, { id: 'integer', n: 'any', ok: 'any' });
});

test('the printed schema, given back for the same table, is accepted and quarantines nothing', () => {
  const file = path.join(dir, 'same-table.csv');
  fs.writeFileSync(file, 'id,flag\n1,true\n2,false\n3,TRUE\n');
  const { db } = importFile(file);
  const rules = path.join(dir, 'same-table.schema.json');
  fs.writeFileSync(rules, JSON.stringify(printedSchema(db)));
  const run = sluice(['import', file, '--db', db, '--table', 't', '--json', '--schema', rules, '--key', 'id']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(lastJson(run).rowsQuarantined, 0);
});

test('a quarantined row fixed into the table with a value kept as text makes the column print as string too', () => {
  const file = path.join(dir, 'fixed.csv');
  fs.writeFileSync(file, 'id,flag\n1,true\n2,false\n3,true,extra\n');
  const { db, summary } = importFile(file);
  assert.equal(summary.rowsQuarantined, 1);
  assert.equal(printedSchema(db).fields[1]!.type, 'boolean');
  const store = Store.open(db);
  try {
    const [row] = store.quarantine.page({ limit: 1 }).rows;
    assert.equal(retryQuarantinedRow(store, row!.id, '3,TRUE').ok, true);
  } finally {
    store.close();
  }
  assert.equal(printedSchema(db).fields[1]!.type, 'string');
});
