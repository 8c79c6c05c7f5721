import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runImport } from '../../main/engine/pipeline/run-import.js';
import { StoreRetry } from '../../main/engine/pipeline/store-retry.js';
import { lastJson, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

/**
 * A store held by another writer: the import waits through the retry policy and goes on;
 * the retries it needed are counted with the import and shown by the summary, status and log.
 * The lock is let go when the import reports its first retry, so the wait is certain and short.
 */
const dir = tempDir();
const csv = path.join(dir, 'people.csv');
fs.writeFileSync(csv, 'id,name\n1,ann\n2,bob\n3,cy\n');

test('StoreRetry counts every repeated attempt against a really busy SQLite store and reports the stretch once it is over', async () => {
  const dbPath = path.join(dir, 'unit.sqlite');
  const setup = new Database(dbPath);
  setup.pragma('journal_mode = WAL');
  setup.exec('CREATE TABLE t (x)');
  setup.close();
  const holder = new Database(dbPath);
  const writer = new Database(dbPath, { timeout: 10 });
  holder.exec('BEGIN IMMEDIATE');
  const seen: number[] = [];
  const episodes: { retries: number; recovered: boolean }[] = [];
  const retry = new StoreRetry({ baseDelayMs: 1 }, {
    retrying: (retries) => {
      seen.push(retries);
      if (retries === 2) holder.exec('ROLLBACK');
    },
    settled: (episode) => episodes.push({ retries: episode.retries, recovered: episode.recovered }),
  });
  await retry.whileBusy(() => writer.prepare('INSERT INTO t VALUES (1)').run());
  await retry.whileBusy(() => writer.prepare('INSERT INTO t VALUES (2)').run());
  assert.deepEqual(seen, [1, 2]);
  assert.deepEqual(episodes, [{ retries: 2, recovered: true }]);
  assert.equal(retry.retries, 2);
  assert.equal((writer.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 2);
  writer.close();
  holder.close();
});

test('an import that waited for a busy store says how often: summary, status (table, detail, JSON) and log', async () => {
  const dbPath = path.join(dir, 'busy.sqlite');
  assert.equal((await runImport({ sourcePath: csv, dbPath, table: 'first', workers: 1 })).status, 'completed');
  const holder = new Database(dbPath);
  holder.exec('BEGIN IMMEDIATE');
  let released = false;
  const summary = await runImport(
    { sourcePath: csv, dbPath, table: 'second', workers: 1, resilience: { baseDelayMs: 1 } },
    {
      onStoreBusy: () => {
        if (released) return;
        released = true;
        holder.exec('ROLLBACK');
      },
    },
  );
  holder.close();
  assert.equal(summary.status, 'completed');
  assert.ok(released, 'the import met the held store');
  assert.ok((summary.storeRetries ?? 0) >= 1, `retries counted in the summary (${summary.storeRetries})`);
  assert.equal(summary.rowsInserted, 3, 'nothing lost while waiting');

  const listed = sluice(['status', '--db', dbPath, '--json']);
  assert.equal(listed.status, 0, listed.stderr);
  const records = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { importId: number; storeRetries: number });
  assert.deepEqual(records.map((record) => [record.importId, record.storeRetries]), [[summary.importId, summary.storeRetries], [1, 0]]);
  const table = sluice(['status', '--db', dbPath]);
  assert.match(table.stdout, new RegExp(`#${summary.importId}: the store was busy \\(another program or import was writing\\); ${summary.storeRetries} retr`));
  const detail = sluice(['status', '--db', dbPath, '--import', String(summary.importId)]);
  assert.match(detail.stdout, /store busy +\d+ retr/);
  assert.equal(lastJson(sluice(['status', '--db', dbPath, '--import', String(summary.importId), '--json'])).storeRetries, summary.storeRetries);
  const log = sluice(['log', '--db', dbPath, '--import', String(summary.importId), '--json']);
  assert.equal(log.status, 0, log.stderr);
  const busy = log.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event?: string; level: string; retries?: number; recovered?: boolean }).filter((line) => line.event === 'busy');
  assert.ok(busy.length >= 1, 'the log names the wait');
  assert.ok(busy.every((line) => line.level === 'warn' && line.recovered === true && (line.retries ?? 0) >= 1));
});
