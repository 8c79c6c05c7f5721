import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SAMPLES, tempDir } from '../../helpers/paths.js';
import { bothOutcomes } from '../../helpers/sql-differential.js';
import { SQL_CORPUS } from './sql-corpus.js';

/**
 * The SQL compiled from a rule file, run by DuckDB, must accept and
 * quarantine exactly the rows a Sluice import does, for the same reasons.
 */

const dir = tempDir('sluice-sql-');
const samples = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'customers.rules.json'), 'utf8')) as unknown;

test('the bundled CSV sample: same accepted rows and reasons in DuckDB as in Sluice', async () => {
  const { sluice, duckdb } = await bothOutcomes(path.join(SAMPLES, 'customers.csv'), samples, dir);
  assert.equal(sluice.accepted.length, 17);
  assert.deepEqual(duckdb, sluice);
});

test('the bundled JSONL sample: same accepted rows and reasons in DuckDB as in Sluice', async () => {
  const { sluice, duckdb } = await bothOutcomes(path.join(SAMPLES, 'customers.jsonl'), samples, dir);
  assert.ok(sluice.reasons.length > 0);
  assert.deepEqual(duckdb, sluice);
});

for (const entry of SQL_CORPUS) {
  test(`corpus: ${entry.name}`, async () => {
    const file = path.join(dir, `${entry.name.replace(/\W+/g, '-')}.${entry.format ?? 'csv'}`);
    fs.writeFileSync(file, entry.data);
    const { sluice, duckdb, sql } = await bothOutcomes(file, entry.rules, dir);
    assert.ok(sluice.reasons.length > 0 || entry.allValid, 'the case quarantines something, so it tests something');
    assert.deepEqual(duckdb, sluice, sql.length > 20000 ? undefined : sql);
  });
}
