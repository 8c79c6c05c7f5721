import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDataset } from '../../../bench/generate-data.js';
import { FLIGHTS_RULES_FILE, RULES_FILE } from '../../../bench/repo-paths.js';
import { tempDir } from '../../helpers/paths.js';
import { bothOutcomes } from '../../helpers/sql-differential.js';

/**
 * The bench's realistic file (quoted commas, embedded newlines, doubled
 * quotes, ~1% invalid values) at 50,000 rows, or SLUICE_SQL_ROWS: chunk
 * boundaries, worker batches and the SQL's one-pass record cutting must
 * still give the same rows the same numbers and reasons.
 */

const rows = Number(process.env.SLUICE_SQL_ROWS ?? 50_000);
const dir = tempDir('sluice-sql-large-');

test(`the bench file (${rows} rows) with the bench rules: DuckDB and Sluice agree row by row`, async () => {
  const dataset = ensureDataset({ rows, seed: 7, withJsonl: true, dataDir: dir });
  const rules = JSON.parse(fs.readFileSync(RULES_FILE, 'utf8')) as unknown;
  const csv = await bothOutcomes(dataset.csvPath, rules, dir);
  assert.equal(csv.sluice.accepted.length + new Set(csv.sluice.reasons.map((r) => r.split(' ')[0])).size, rows);
  assert.ok(csv.sluice.reasons.length >= dataset.invalidRows * 0.5, 'the generated invalid rows are quarantined');
  assert.deepEqual(csv.duckdb, csv.sluice);
  const jsonl = await bothOutcomes(dataset.jsonlPath as string, rules, dir);
  assert.deepEqual(jsonl.duckdb, jsonl.sluice);
  fs.rmSync(path.dirname(dataset.csvPath), { recursive: true, force: true });
});

test('the bench\'s narrow flight records: exactly the generated invalid rows are quarantined, as DuckDB finds too', async () => {
  const flightRows = Math.min(rows, 30_000);
  const dataset = ensureDataset({ rows: flightRows, seed: 11, withJsonl: true, dataDir: dir, shape: 'flights' });
  assert.equal(dataset.jsonlPath, null, 'the narrow records come as CSV only');
  assert.ok(dataset.invalidRows > 0);
  const rules = JSON.parse(fs.readFileSync(FLIGHTS_RULES_FILE, 'utf8')) as unknown;
  const csv = await bothOutcomes(dataset.csvPath, rules, dir);
  const quarantined = new Set(csv.sluice.reasons.map((r) => r.split(' ')[0])).size;
  assert.equal(quarantined, dataset.invalidRows);
  assert.equal(csv.sluice.accepted.length, flightRows - dataset.invalidRows);
  assert.deepEqual(csv.duckdb, csv.sluice);
  fs.rmSync(dir, { recursive: true, force: true });
});
