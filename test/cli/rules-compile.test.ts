import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { queryAll, sluice } from '../helpers/cli.js';
import { SAMPLES, tempDir } from '../helpers/paths.js';

const dir = tempDir('sluice-rules-compile-');
const csv = path.join(SAMPLES, 'customers.csv');
const rules = path.join(SAMPLES, 'customers.rules.json');

async function runInDuckdb(sql: string): Promise<{ acceptedIds: number[]; quarantined: string[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(sql);
    const acceptedIds = (await db.runAndReadAll('SELECT id FROM accepted ORDER BY id')).getRows().map((r) => Number(r[0]));
    const quarantined = (await db.runAndReadAll(
      "SELECT row_number, coalesce(e.field, '-'), e.rule FROM (SELECT row_number, unnest(errors) AS e FROM quarantined) ORDER BY 1, 2, 3",
    )).getRows().map((r) => `${Number(r[0])} ${String(r[1])} ${String(r[2])}`).sort();
    return { acceptedIds, quarantined };
  } finally {
    db.closeSync();
  }
}

test('acceptance: the compiled DuckDB SQL accepts and quarantines the same rows as `sluice import` of the sample', async () => {
  const compiled = sluice(['rules', 'compile', rules, '--to', 'duckdb', '--source', csv]);
  assert.equal(compiled.status, 0, compiled.stderr);
  assert.match(compiled.stdout, /CREATE OR REPLACE TEMP VIEW "quarantined"/);
  const duckdb = await runInDuckdb(compiled.stdout);

  const store = path.join(dir, 'acceptance.sqlite');
  const imported = sluice(['import', csv, '--db', store, '--schema', rules]);
  assert.equal(imported.status, 0, imported.stderr);
  const sluiceIds = queryAll(store, 'SELECT id FROM customers ORDER BY id').map((r) => Number(r.id));
  const sluiceReasons = queryAll(store, 'SELECT row_number, errors FROM _sluice_quarantine ORDER BY row_number').flatMap((r) =>
    (JSON.parse(String(r.errors)) as { field: string | null; rule: string }[]).map((e) => `${Number(r.row_number)} ${e.field ?? '-'} ${e.rule}`)).sort();

  assert.equal(sluiceIds.length, 17);
  assert.deepEqual(duckdb.acceptedIds, sluiceIds);
  assert.deepEqual(duckdb.quarantined, sluiceReasons);
  assert.deepEqual([...new Set(duckdb.quarantined.map((r) => Number(r.split(' ')[0])))].sort((a, b) => a - b), [5, 7, 8, 10, 11, 21, 24, 25]);
});

test('--out writes the SQL file, refuses to replace it without --force, and --to spark emits Spark SQL', () => {
  const out = path.join(dir, 'customers.sql');
  const first = sluice(['rules', 'compile', rules, '--to', 'spark', '--source', csv, '--out', out]);
  assert.equal(first.status, 0, first.stderr);
  const sql = fs.readFileSync(out, 'utf8');
  assert.match(sql, /CREATE OR REPLACE TEMPORARY VIEW `accepted`/);
  assert.match(sql, /USING text OPTIONS/);
  const again = sluice(['rules', 'compile', rules, '--to', 'spark', '--source', csv, '--out', out]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists/);
  assert.equal(sluice(['rules', 'compile', rules, '--to', 'spark', '--source', csv, '--out', out, '--force']).status, 0);
});

test('usage errors exit 2; a rule SQL cannot express is refused with its JSON path', () => {
  const noTarget = sluice(['rules', 'compile', rules]);
  assert.equal(noTarget.status, 2);
  assert.match(noTarget.stderr, /--to is required/);
  assert.equal(sluice(['rules', 'compile', rules, '--to', 'oracle']).status, 2);
  assert.equal(sluice(['rules', 'frobnicate']).status, 2);

  const noSource = sluice(['rules', 'compile', rules, '--to', 'duckdb']);
  assert.equal(noSource.status, 0, noSource.stderr);
  assert.match(noSource.stdout, /read_text\('source\.csv'\)/, 'without --source the SQL reads source.csv');

  const titled = path.join(dir, 'title.rules.json');
  fs.writeFileSync(titled, JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'name', 'sluice:transforms': ['title'] }] }));
  const refused = sluice(['rules', 'compile', titled, '--to', 'duckdb']);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /cannot compile to DuckDB SQL/);
  assert.match(refused.stderr, /fields\[1\]\.sluice:transforms: title: title case/);
});
