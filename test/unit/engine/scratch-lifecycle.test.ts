import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { ImportControl } from '../../../main/engine/pipeline/import-control.js';
import { SCRATCH_MIN_CORES, chooseWritePath } from '../../../main/engine/pipeline/write-path.js';
import { removeStaleScratch } from '../../../main/engine/store/scratch-area.js';
import { Store } from '../../../main/engine/store/store.js';
import { tempDir } from '../../helpers/paths.js';
import { writeCustomerCsv } from '../../helpers/generate.js';

/** The scratch write path leaves nothing behind: no files, no handles, whatever way the import ends. */
const dir = tempDir();
const file = path.join(dir, 'customers.csv');
writeCustomerCsv(file, 60_000, 5);

function scratchDirsOfThisProcess(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`sluice-scratch-${process.pid}-`));
}

function openScratchHandles(): string[] {
  return fs
    .readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.includes('sluice-scratch-'));
}

async function withEnv<T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

test('the write path: scratch only with enough cores and workers, and SLUICE_WRITE_PATH overrides it', () => {
  // '' rather than undefined: undefined would read this process's own SLUICE_WRITE_PATH.
  assert.equal(chooseWritePath(2, '', 2), 'scratch');
  assert.equal(chooseWritePath(2, '', 1), 'direct', 'one core: nothing to spread');
  assert.equal(chooseWritePath(4, '', SCRATCH_MIN_CORES - 1), 'direct');
  assert.equal(chooseWritePath(4, '', SCRATCH_MIN_CORES), 'scratch');
  assert.equal(chooseWritePath(1, '', 64), 'direct', 'one worker: the writer is not the limit');
  assert.equal(chooseWritePath(2, 'scratch', 2), 'scratch');
  assert.equal(chooseWritePath(8, 'direct', 64), 'direct');
  assert.equal(chooseWritePath(8, 'bogus', 64), 'scratch', 'an unknown value leaves the choice to the machine');
});

test('a cancelled scratch-path import commits what is in flight and leaves no scratch file or handle behind', async () => {
  const control = new ImportControl();
  const summary = await withEnv({ SLUICE_WRITE_PATH: 'scratch' }, () =>
    runImport(
      { sourcePath: file, dbPath: path.join(dir, 'cancel.sqlite'), workers: 2, batchRows: 500 },
      {
        control,
        onProgress: (p) => {
          if (p.counters.rowsRead > 5_000) control.cancel();
        },
      },
    ),
  );
  assert.equal(summary.status, 'cancelled');
  assert.ok(summary.rowsRead > 0 && summary.rowsRead < 60_000);
  assert.equal(summary.rowsInserted + summary.rowsQuarantined, summary.rowsRead, 'every row read is accounted for');
  const store = Store.open(path.join(dir, 'cancel.sqlite'));
  try {
    assert.equal(store.db.prepare('SELECT count(*) FROM customers').pluck().get(), summary.rowsInserted, 'the rows counted are the rows in the table');
  } finally {
    store.close();
  }
  assert.deepEqual(scratchDirsOfThisProcess(), []);
  assert.deepEqual(openScratchHandles(), []);
});

test('a worker crash on the scratch path sets aside only the poison row and leaves no scratch file behind', async () => {
  const poisoned = path.join(dir, 'poisoned.csv');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((line, i) => i > 30_000 && /^\d+,[A-Za-z]+ \d+,[a-z]+\d+@example\.com,\d+,(free|pro|team),/.test(line));
  lines[at] = lines[at]!.replace(/^(\d+),/, '$1,POISON ');
  fs.writeFileSync(poisoned, lines.join('\n'));
  const clean = await withEnv({ SLUICE_WRITE_PATH: 'direct' }, () =>
    runImport({ sourcePath: poisoned, dbPath: path.join(dir, 'no-crash.sqlite'), table: 'poisoned', workers: 2, batchRows: 500 }),
  );
  const summary = await withEnv({ SLUICE_WRITE_PATH: 'scratch', SLUICE_FAULTS: 'crash:POISON' }, () =>
    runImport({ sourcePath: poisoned, dbPath: path.join(dir, 'crash.sqlite'), table: 'poisoned', workers: 2, batchRows: 500 }),
  );
  assert.equal(summary.status, 'completed');
  assert.equal(summary.rowsRead, clean.rowsRead);
  assert.equal(summary.rowsQuarantined, clean.rowsQuarantined + 1, 'only the poison row is set aside besides the invalid ones');
  assert.equal(summary.rowsInserted, clean.rowsInserted - 1);
  const store = Store.open(path.join(dir, 'crash.sqlite'));
  try {
    assert.equal(store.db.prepare('SELECT count(*) FROM poisoned').pluck().get(), clean.rowsInserted - 1);
    const reasons = store.db.prepare(`SELECT count(*) FROM _sluice_quarantine WHERE errors LIKE '%"rule":"worker"%'`).pluck().get();
    assert.equal(reasons, 1);
  } finally {
    store.close();
  }
  assert.deepEqual(scratchDirsOfThisProcess(), []);
  assert.deepEqual(openScratchHandles(), []);
});

test('a commit the store refused (busy) is tried again with the same slots: the same table as the direct path', async () => {
  const dump = (dbPath: string): unknown => {
    const store = Store.open(dbPath);
    try {
      return store.db.prepare('SELECT rowid, * FROM customers ORDER BY rowid').raw().all();
    } finally {
      store.close();
    }
  };
  const direct = path.join(dir, 'busy-direct.sqlite');
  await withEnv({ SLUICE_WRITE_PATH: 'direct' }, () => runImport({ sourcePath: file, dbPath: direct, workers: 2, batchRows: 200 }));
  const scratch = path.join(dir, 'busy-scratch.sqlite');
  let blocker: Database.Database | null = null;
  let blocked = 0;
  const summary = await withEnv({ SLUICE_WRITE_PATH: 'scratch' }, () =>
    runImport(
      { sourcePath: file, dbPath: scratch, workers: 2, batchRows: 200 },
      {
        onProgress: (p) => {
          // Twice, another connection holds the store's write lock for a while; the workers go on filling slots meanwhile.
          if (blocker || blocked >= 2 || p.counters.rowsRead < 10_000 * (blocked + 1)) return;
          blocked++;
          const held = new Database(scratch);
          held.exec('BEGIN IMMEDIATE');
          blocker = held;
          setTimeout(() => {
            held.exec('ROLLBACK');
            held.close();
            blocker = null;
          }, 700);
        },
      },
    ),
  );
  assert.equal(summary.status, 'completed');
  assert.ok((summary.storeRetries ?? 0) > 0, 'the store was busy and the commit was tried again');
  assert.deepEqual(dump(scratch), dump(direct));
  assert.deepEqual(scratchDirsOfThisProcess(), []);
});

test('a scratch directory left by a process that is gone is removed at the next start; a live one is kept', () => {
  const base = tempDir('sluice-stale-');
  // A pid that existed and has ended: a finished child's.
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = path.join(base, `sluice-scratch-${deadPid}-abc`);
  const live = path.join(base, `sluice-scratch-${process.ppid}-def`);
  for (const folder of [stale, live]) {
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'w1.db'), 'x');
  }
  removeStaleScratch(base);
  assert.equal(fs.existsSync(stale), false);
  assert.equal(fs.existsSync(live), true);
});
