import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers/paths.js';
import { runSluice, sleep, snapshot, startSluice, tableExists, writeMessyCsv } from './support.js';

const dir = tempDir('sluice-concurrency-');
const first = path.join(dir, 'first.csv');
const second = path.join(dir, 'second.csv');
writeMessyCsv(first, 30_000, 21);
writeMessyCsv(second, 30_000, 22);

async function reference(file: string, table: string) {
  const db = path.join(dir, `${table}.reference.sqlite`);
  const outcome = await runSluice(['import', file, '--db', db, '--table', table]);
  assert.equal(outcome.code, 0, outcome.stderr);
  return snapshot(db, table).table;
}

test('two imports into different tables of one store at once both complete with the right rows', { timeout: 120_000 }, async () => {
  const db = path.join(dir, 'shared.sqlite');
  const [a, b] = await Promise.all([
    runSluice(['import', first, '--db', db, '--table', 'alpha', '--workers', '1', '--batch-rows', '300']),
    runSluice(['import', second, '--db', db, '--table', 'beta', '--workers', '1', '--batch-rows', '300']),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(snapshot(db, 'alpha').table, await reference(first, 'alpha'));
  assert.deepEqual(snapshot(db, 'beta').table, await reference(second, 'beta'));
});

test('another connection reads the store while an import writes: never blocked, counts only grow', { timeout: 120_000 }, async () => {
  const db = path.join(dir, 'reading.sqlite');
  const run = startSluice(['import', first, '--db', db, '--table', 'live', '--batch-rows', '200']);
  let finished = false;
  void run.done.then(() => (finished = true));
  while (!tableExists(db, 'live') && !finished) await sleep(10);
  const reader = new Database(db, { readonly: true });
  const seen: number[] = [];
  try {
    while (!finished) {
      const started = Date.now();
      const { n } = reader.prepare('SELECT count(*) AS n FROM live').get() as { n: number };
      const { rowsRead } = JSON.parse((reader.prepare('SELECT counters FROM _sluice_imports ORDER BY id DESC LIMIT 1').get() as { counters: string }).counters) as { rowsRead: number };
      assert.ok(Date.now() - started < 1000, 'a read was blocked by the writer');
      assert.ok(n <= rowsRead, 'rows and checkpoint are committed together');
      seen.push(n);
      await sleep(20);
    }
  } finally {
    reader.close();
  }
  assert.equal((await run.done).code, 0);
  assert.deepEqual([...seen].sort((x, y) => x - y), seen, 'counts never go backwards');
  assert.ok(new Set(seen).size > 2, `saw the import progress (${new Set(seen).size} distinct counts)`);
});

test('two imports of different files into the same table at once: both complete, every row exactly once', { timeout: 120_000 }, async () => {
  const db = path.join(dir, 'same-table.sqlite');
  const [a, b] = await Promise.all([
    runSluice(['import', first, '--db', db, '--table', 'together', '--workers', '1', '--batch-rows', '300']),
    runSluice(['import', second, '--db', db, '--table', 'together', '--workers', '1', '--batch-rows', '300']),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const rows = snapshot(db, 'together').table;
  const expected = [...(await reference(first, 'together')), ...(await reference(second, 'together2'))];
  const key = (row: Record<string, unknown>) => JSON.stringify(row);
  assert.deepEqual(rows.map(key).sort(), expected.map(key).sort());
});
