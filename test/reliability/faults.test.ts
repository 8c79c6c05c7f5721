import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runImport } from '../../main/engine/pipeline/run-import.js';
import { tempDir } from '../helpers/paths.js';
import { SOAK, count, latestImportStatus, runSluice, sleep, snapshot, startSluice, tableExists, writeMessyCsv, type ProcessOutcome } from './support.js';

const dir = tempDir('sluice-faults-');
// Lets the unprivileged user of the permission cases reach their own subfolders.
fs.chmodSync(dir, 0o711);
const isRoot = process.getuid?.() === 0;
/** Root ignores file permissions, so permission cases run the CLI as "nobody". */
const UNPRIVILEGED_UID = 65534;

const smallCsv = path.join(dir, 'small.csv');
writeMessyCsv(smallCsv, 3000, 11);

/** A user-facing failure: the expected exit code, one clear message, no stack trace. */
function assertFails(outcome: ProcessOutcome, message: RegExp, exitCode = 1): void {
  assert.equal(outcome.code, exitCode, `exit code (stderr: ${outcome.stderr})`);
  assert.match(outcome.stderr, message);
  assert.doesNotMatch(outcome.stderr, /\n\s+at .*:\d+:\d+/, 'no stack trace');
  assert.doesNotMatch(outcome.stderr, /unexpected error/i);
}

test('disk full: the import fails with STORE_FULL, stays resumable, and resumes to the full result once there is space', { timeout: 60_000 }, async (t) => {
  const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    fs.rmdirSync(mountPoint);
    t.skip(`cannot mount a small tmpfs here (${(mounted.stderr || String(mounted.error)).trim()}); needs root or CAP_SYS_ADMIN`);
    return;
  }
  try {
    const file = path.join(dir, 'disk-full.csv');
    writeMessyCsv(file, 60_000, 5);
    const baselineDb = path.join(dir, 'disk-full.baseline.sqlite');
    assert.equal((await runSluice(['import', file, '--db', baselineDb])).code, 0);
    const db = path.join(mountPoint, 'store.sqlite');
    const full = await runSluice(['import', file, '--db', db]);
    assertFails(full, /the disk is full \(or the store reached its size limit\); free space and resume the import/);
    // How many rows made it depends on how many ready batches shared the failing transaction (a busy machine
    // groups more), so a run may commit none before the disk fills; it must never have committed them all.
    const partial = count(db, 'SELECT count(*) AS n FROM disk_full');
    assert.ok(partial < 60_000, `the import stopped before its end (${partial} rows committed)`);
    const status = await runSluice(['status', '--db', db, '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout.trim().split('\n')[0]!) as { resumable: boolean }).resumable, true);

    assert.equal(spawnSync('mount', ['-o', 'remount,size=64m', mountPoint]).status, 0);
    const resumed = await runSluice(['import', file, '--db', db, '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(snapshot(db, 'disk_full'), snapshot(baselineDb, 'disk_full'), 'no row lost or duplicated');
  } finally {
    spawnSync('umount', [mountPoint]);
    fs.rmSync(mountPoint, { recursive: true, force: true });
  }
});

test('a store locked by another process: STORE_BUSY after the retry policy gives up, exit 1; nothing written', { timeout: 60_000 }, async () => {
  const db = path.join(dir, 'locked.sqlite');
  assert.equal((await runSluice(['import', smallCsv, '--db', db, '--table', 'first'])).code, 0);
  const holder = new Database(db);
  holder.exec('BEGIN EXCLUSIVE; CREATE TABLE holding (x);');
  let outcome: ProcessOutcome;
  try {
    outcome = await runSluice(['import', smallCsv, '--db', db, '--table', 'second']);
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
  assertFails(outcome, /locked\.sqlite is locked by another program or import; close it and try again/);
  // Seven attempts of SQLite's own 250 ms wait at least, plus the policy's random backoff (at most about 13 s).
  assert.ok(outcome.elapsedMs >= 1750 && outcome.elapsedMs < 30_000, `gave up after ${outcome.elapsedMs} ms`);
  const retried = await runSluice(['import', smallCsv, '--db', db, '--table', 'second']);
  assert.equal(retried.code, 0, retried.stderr);
  assert.equal(count(db, 'SELECT count(*) AS n FROM second'), count(db, 'SELECT count(*) AS n FROM first'));
});

test('a lock taken mid-import stops it with STORE_BUSY; --resume then finishes with nothing lost or repeated', { timeout: 90_000 }, async () => {
  const file = path.join(dir, 'lock-mid.csv');
  writeMessyCsv(file, 60_000, 6);
  const baselineDb = path.join(dir, 'lock-mid.baseline.sqlite');
  assert.equal((await runSluice(['import', file, '--db', baselineDb, '--batch-rows', '200'])).code, 0);
  const db = path.join(dir, 'lock-mid.sqlite');
  const run = startSluice(['import', file, '--db', db, '--batch-rows', '200']);
  while (!tableExists(db, 'lock_mid')) await sleep(25);
  await sleep(200);
  const holder = new Database(db, { timeout: 10_000 });
  holder.exec('BEGIN IMMEDIATE');
  const outcome = await run.done;
  holder.exec('ROLLBACK');
  holder.close();
  if (outcome.code === 0) return; // finished before the lock was taken on a very fast machine
  assertFails(outcome, /is locked by another program or import/);
  const resumed = await runSluice(['import', file, '--db', db, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(snapshot(db, 'lock_mid'), snapshot(baselineDb, 'lock_mid'));
});

test('a read-only store file, and a store in a read-only folder, fail with STORE_READONLY', { timeout: 60_000 }, async () => {
  const folder = fs.mkdtempSync(path.join(dir, 'ro-'));
  fs.chmodSync(folder, 0o755);
  const source = path.join(folder, 'small.csv');
  fs.copyFileSync(smallCsv, source);
  fs.chmodSync(source, 0o644);
  const db = path.join(folder, 'store.sqlite');
  assert.equal((await runSluice(['import', source, '--db', db])).code, 0);
  fs.chmodSync(db, 0o444);
  const uid = isRoot ? UNPRIVILEGED_UID : undefined;
  assertFails(await runSluice(['import', source, '--db', db, '--table', 'again'], {}, uid), /store\.sqlite cannot be written \(read-only file or folder, or no permission\)/);
  assertFails(await runSluice(['import', source, '--db', path.join(folder, 'new.sqlite')], {}, uid), /new\.sqlite cannot be written/);
  assert.equal(count(db, 'SELECT count(*) AS n FROM _sluice_imports'), 1, 'the read-only store was not changed');
});

test('a corrupted store (garbage bytes, or damaged pages) fails with STORE_CORRUPT and is left as it was', { timeout: 60_000 }, async () => {
  const garbage = path.join(dir, 'garbage.sqlite');
  fs.writeFileSync(garbage, Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251)));
  const before = fs.readFileSync(garbage);
  assertFails(await runSluice(['import', smallCsv, '--db', garbage]), /garbage\.sqlite is not a valid Sluice store \(corrupted or not an SQLite database\)/);
  assertFails(await runSluice(['status', '--db', garbage]), /is not a valid Sluice store/);
  assert.deepEqual(fs.readFileSync(garbage), before, 'the damaged file is not overwritten');

  const damaged = path.join(dir, 'damaged.sqlite');
  assert.equal((await runSluice(['import', smallCsv, '--db', damaged])).code, 0);
  const fd = fs.openSync(damaged, 'r+');
  fs.writeSync(fd, Buffer.alloc(32 * 1024, 0xa5), 0, 32 * 1024, 4096);
  fs.closeSync(fd);
  assertFails(await runSluice(['import', smallCsv, '--db', damaged, '--table', 'again']), /damaged\.sqlite is not a valid Sluice store/);
});

test('a worker that runs out of memory on a poison row is replaced; only that row is quarantined', { timeout: 120_000 }, async () => {
  const file = path.join(dir, 'poison-oom.csv');
  const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i === 1500 ? 'POISON' : 'ok'}`);
  fs.writeFileSync(file, `id,value\n${rows.join('\n')}\n`);
  // In-process with a small worker heap keeps this fast; the soak run also goes through the CLI's default 512 MB heap.
  process.env.SLUICE_FAULTS = 'oom:POISON';
  try {
    const summary = await runImport({ sourcePath: file, dbPath: path.join(dir, 'oom.sqlite'), workers: 2, batchRows: 300, maxWorkerHeapMb: 48 });
    assert.equal(summary.status, 'completed');
    assert.deepEqual([summary.rowsRead, summary.rowsInserted, summary.rowsQuarantined], [3000, 2999, 1]);
  } finally {
    delete process.env.SLUICE_FAULTS;
  }
  const [bad] = snapshot(path.join(dir, 'oom.sqlite'), 'poison_oom').quarantine;
  assert.deepEqual([bad!.row_number, bad!.raw], [1501, '1500,POISON']);
  assert.match(String(bad!.errors), /"rule":"worker".*failed twice \(crashed\)/);

  if (SOAK) {
    const db = path.join(dir, 'oom-cli.sqlite');
    const outcome = await runSluice(['import', file, '--db', db, '--json', '--batch-rows', '300'], { SLUICE_FAULTS: 'oom:POISON' });
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual(snapshot(db, 'poison_oom').quarantine.map((row) => row.raw), ['1500,POISON']);
  }
});

test('a source changed, truncated, replaced, touched or deleted between runs is never resumed', { timeout: 60_000 }, async () => {
  const cases: { name: string; change: (file: string) => void; message: RegExp }[] = [
    { name: 'appended', change: (file) => fs.appendFileSync(file, '999999,Late,late@example.com,40,pro,1.00,\n'), message: /has changed since it started \(its size changed from \d+ to \d+ bytes/ },
    { name: 'truncated', change: (file) => fs.truncateSync(file, 5000), message: /its size changed from \d+ to 5000 bytes and its content changed/ },
    { name: 'edited', change: (file) => editInPlace(file, 60, 'X'), message: /has changed since it started \(its content changed\)/ },
    { name: 'touched', change: (file) => fs.utimesSync(file, new Date(), new Date(Date.now() + 60_000)), message: /it was modified \(timestamp changed\)/ },
    {
      name: 'replaced',
      change: (file) => {
        const other = `${file}.new`;
        writeMessyCsv(other, 3000, 99);
        fs.renameSync(other, file);
      },
      message: /has changed since it started/,
    },
    { name: 'deleted', change: (file) => fs.rmSync(file), message: /: no such file\./ },
  ];
  for (const { name, change, message } of cases) {
    const file = path.join(dir, `changed-${name}.csv`);
    writeMessyCsv(file, 3000, 12);
    const db = path.join(dir, `changed-${name}.sqlite`);
    // An error budget of 0 leaves the import unfinished (and resumable) at its first bad row.
    assertFails(await runSluice(['import', file, '--db', db, '--max-errors', '0']), /error budget of 0/);
    change(file);
    assertFails(await runSluice(['import', file, '--db', db, '--resume']), message);
    assert.equal(latestImportStatus(db), 'failed', `${name}: the unfinished import is still there to restart`);
    if (name === 'replaced') {
      const restarted = await runSluice(['import', file, '--db', db, '--restart', '--json']);
      assert.equal(restarted.code, 0, `${name}: ${restarted.stderr}`);
    }
  }
});

test('a source appended to, truncated, replaced or deleted while it is read fails with SOURCE_CHANGED', { timeout: 120_000 }, async () => {
  const changes: Record<string, (file: string) => void> = {
    appended: (file) => fs.appendFileSync(file, '1,Late,late@example.com,40,pro,1.00,\n'),
    truncated: (file) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2)),
    replaced: (file) => {
      fs.copyFileSync(smallCsv, `${file}.new`);
      fs.renameSync(`${file}.new`, file);
    },
    deleted: (file) => fs.rmSync(file),
  };
  for (const [name, change] of Object.entries(changes)) {
    const file = path.join(dir, `moving-${name}.csv`);
    writeMessyCsv(file, 80_000, 13);
    const db = path.join(dir, `moving-${name}.sqlite`);
    const run = startSluice(['import', file, '--db', db, '--workers', '1', '--batch-rows', '500']);
    while (!tableExists(db, `moving_${name}`)) await sleep(25);
    change(file);
    const outcome = await run.done;
    // A deletion can land before the reader opens the file (after the table is created): then it is simply missing.
    assertFails(outcome, name === 'deleted' ? /changed while it was being imported \(it was deleted or became unreadable\)|: no such file\./ : /changed while it was being imported/);
    if (!/no such file/.test(outcome.stderr)) assert.match(outcome.stderr, /import it again with --restart/);
    assert.equal(latestImportStatus(db), 'failed');
  }
});

test('an unreadable source, a directory, a missing file: clear messages, exit 1', { timeout: 60_000 }, async () => {
  const folder = fs.mkdtempSync(path.join(dir, 'perm-'));
  fs.chmodSync(folder, 0o777);
  const locked = path.join(folder, 'locked.csv');
  fs.copyFileSync(smallCsv, locked);
  fs.chmodSync(locked, 0o000);
  const uid = isRoot ? UNPRIVILEGED_UID : undefined;
  assertFails(await runSluice(['import', locked, '--db', path.join(folder, 'perm.sqlite')], {}, uid), /locked\.csv: permission denied \(cannot read the file\)/);
  assertFails(await runSluice(['import', folder, '--db', path.join(dir, 'dir.sqlite')]), /is a directory, not a CSV or JSONL file/);
  assertFails(await runSluice(['import', smallCsv, '--db', folder]), /is a directory, not a store file/);
  assertFails(await runSluice(['import', path.join(dir, 'missing.csv'), '--db', path.join(dir, 'missing.sqlite')]), /missing\.csv: no such file/);
});

test('malformed rule files and patterns RE2 cannot run are rejected before any row is read', { timeout: 60_000 }, async () => {
  const cases: { name: string; content: string; message: RegExp }[] = [
    { name: 'truncated-json', content: '{"fields": [ {"name": "id", "type": "integer"} ]\n', message: /invalid JSON at line 2, column 1/ },
    { name: 'not-an-object', content: '[1, 2, 3]', message: /rule file/i },
    { name: 'unknown-type', content: '{"fields": [{"name": "id", "type": "integr"}]}', message: /fields\[0\]\.type: unknown type "integr"/ },
    // Patterns run on RE2 (linear time), so (a+)+ is harmless now; what RE2 cannot compile is refused with its JSON path.
    { name: 'lookahead', content: '{"fields": [{"name": "name", "type": "string", "constraints": {"pattern": "a(?=b)"}}]}', message: /fields\[0\]\.constraints\.pattern: invalid regular expression.*no backreferences or lookaround/ },
    { name: 'backreference', content: '{"fields": [{"name": "name", "type": "string", "constraints": {"pattern": "(a)\\\\1"}}]}', message: /fields\[0\]\.constraints\.pattern: invalid regular expression: invalid escape sequence/ },
  ];
  for (const { name, content, message } of cases) {
    const schema = path.join(dir, `${name}.rules.json`);
    fs.writeFileSync(schema, content);
    const db = path.join(dir, `rules-${name}.sqlite`);
    const started = Date.now();
    assertFails(await runSluice(['import', smallCsv, '--db', db, '--schema', schema]), message);
    assert.ok(Date.now() - started < 10_000, `${name}: rejected promptly`);
    assert.equal(latestImportStatus(db), null, `${name}: no import was started`);
  }
  assertFails(await runSluice(['import', smallCsv, '--db', path.join(dir, 'nope.sqlite'), '--schema', path.join(dir, 'nope.json')]), /nope\.json/);
});

function editInPlace(file: string, offset: number, text: string): void {
  const stat = fs.statSync(file);
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, text, offset);
  fs.closeSync(fd);
  // Same size and timestamp: only the content hash can tell.
  fs.utimesSync(file, stat.atime, stat.mtime);
}
