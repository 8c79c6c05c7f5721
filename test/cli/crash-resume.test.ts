import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { queryAll, sluice, spawnSluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { prng, writeCustomerCsv } from '../helpers/generate.js';

const ROWS = 200_000;
const KILLS = Number(process.env.SLUICE_KILLS ?? 6);
const seed = Number(process.env.SLUICE_SEED ?? Date.now() % 100000);

function hasImport(db: string): boolean {
  if (!fs.existsSync(db)) return false;
  try {
    return Number(queryAll(db, 'SELECT count(*) AS n FROM _sluice_imports')[0]?.n ?? 0) > 0;
  } catch {
    return false; // killed before the store had its tables
  }
}

function snapshot(db: string) {
  return {
    table: queryAll(db, 'SELECT * FROM customers ORDER BY CAST(id AS INTEGER), rowid'),
    quarantine: queryAll(db, 'SELECT row_number, line, byte_offset, raw, errors FROM _sluice_quarantine ORDER BY row_number'),
  };
}

test(`SIGKILL at ${KILLS} random moments, then resume, gives the uninterrupted result (seed ${seed})`, { timeout: 600_000 }, async () => {
  const dir = tempDir();
  const file = path.join(dir, 'customers.csv');
  writeCustomerCsv(file, ROWS, 7);

  const baselineDb = path.join(dir, 'baseline.sqlite');
  const baseline = sluice(['import', file, '--db', baselineDb, '--workers', '2', '--batch-rows', '2000']);
  assert.equal(baseline.status, 0, baseline.stderr);
  const expected = snapshot(baselineDb);
  assert.ok(expected.quarantine.length > 0, 'the generated file has bad rows');

  const random = prng(seed);
  const db = path.join(dir, 'crashed.sqlite');
  let started = false;
  let finished = false;
  for (let kill = 0; kill < KILLS; kill++) {
    const child = spawnSluice(['import', file, '--db', db, '--workers', '2', '--batch-rows', '2000', ...(started ? ['--resume'] : [])]);
    const exited = once(child, 'exit');
    await new Promise((resolve) => setTimeout(resolve, 150 + random() * 1200));
    child.kill('SIGKILL');
    const [code, signal] = (await exited) as [number | null, string | null];
    if (signal !== 'SIGKILL' && code === 0) {
      // Finished before the kill; importing again would append a second copy, which is not what this tests.
      finished = true;
      break;
    }
    started = hasImport(db);
  }
  if (!finished) {
    const final = sluice(['import', file, '--db', db, '--workers', '2', '--batch-rows', '2000', ...(started ? ['--resume'] : [])]);
    if (final.status !== 0) assert.match(final.stderr, /no unfinished import/i, final.stderr);
  }

  const actual = snapshot(db);
  assert.equal(actual.table.length, expected.table.length);
  assert.deepEqual(actual.table, expected.table);
  assert.deepEqual(actual.quarantine, expected.quarantine);
  const [record] = queryAll(db, `SELECT status FROM _sluice_imports ORDER BY id DESC LIMIT 1`);
  assert.equal(record!.status, 'completed');
});
