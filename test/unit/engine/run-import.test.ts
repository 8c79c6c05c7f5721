import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { importInWorker } from '../../../main/engine/pipeline/import-in-worker.js';
import { ImportControl } from '../../../main/engine/pipeline/import-control.js';
import type { ImportProgress } from '../../../main/engine/types.js';
import { tempDir } from '../../helpers/paths.js';
import { writeCustomerCsv } from '../../helpers/generate.js';

const dir = tempDir();
const file = path.join(dir, 'customers.csv');
writeCustomerCsv(file, 150_000, 11);

/** Resources that would keep the process alive or leak: workers, file handles, ports. */
function liveResources(): string[] {
  return process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap' && kind !== 'Timeout');
}

test('progress events come at most ten times a second and end at the full byte count', async () => {
  const events: ImportProgress[] = [];
  const summary = await runImport({ sourcePath: file, dbPath: path.join(dir, 'progress.sqlite'), workers: 2 }, { onProgress: (p) => events.push(p) });
  assert.equal(summary.status, 'completed');
  const running = events.filter((e) => e.status === 'running');
  for (let i = 2; i < running.length; i++) {
    assert.ok(running[i]!.elapsedMs - running[i - 1]!.elapsedMs >= 90, 'events are spaced by at least ~100 ms');
  }
  const last = events.at(-1)!;
  assert.equal(last.status, 'completed');
  assert.equal(last.counters.bytesRead, last.totalBytes);
  assert.equal(last.counters.rowsRead, 150_000);
});

test('cancelling stops reading, commits what is in flight, and leaves no worker or handle behind', async () => {
  const before = liveResources().length;
  const control = new ImportControl();
  let cancelledAt = 0;
  const summary = await runImport(
    { sourcePath: file, dbPath: path.join(dir, 'cancel.sqlite'), workers: 2, batchRows: 500 },
    {
      control,
      onProgress: (p) => {
        if (p.counters.rowsRead > 10_000 && !cancelledAt) {
          cancelledAt = performance.now();
          control.cancel();
        }
      },
    },
  );
  assert.equal(summary.status, 'cancelled');
  assert.ok(summary.rowsRead < 150_000 && summary.rowsRead > 0);
  assert.equal(summary.rowsInserted + summary.rowsQuarantined, summary.rowsRead, 'every row read is accounted for');
  assert.ok(performance.now() - cancelledAt < 5000, 'cancel took too long');
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(liveResources().length <= before, `left behind: ${liveResources().join(', ')}`);
});

test('pause holds the import and resume continues it', async () => {
  const control = new ImportControl();
  const statuses: string[] = [];
  let paused = false;
  const run = importInWorker(
    { sourcePath: file, dbPath: path.join(dir, 'pause.sqlite'), workers: 1, batchRows: 500 },
    {
      control,
      onProgress: (p) => {
        statuses.push(p.status);
        if (!paused && p.counters.rowsRead > 5_000) {
          paused = true;
          control.pause();
          setTimeout(() => control.resume(), 400);
        }
      },
    },
  );
  const summary = await run;
  assert.equal(summary.status, 'completed');
  assert.equal(summary.rowsRead, 150_000);
  assert.ok(statuses.includes('paused'), 'a paused progress event was sent');
});
