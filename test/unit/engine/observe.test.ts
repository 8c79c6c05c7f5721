import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../../main/engine/store/store.js';
import { ImportLog, MAX_LOG_LINES_PER_IMPORT } from '../../../main/engine/observe/import-log.js';
import { LogRecords } from '../../../main/engine/observe/log-records.js';
import { ImportOwners, currentOwner, displayStatus, isOwnerAlive } from '../../../main/engine/observe/import-owner.js';
import { TraceRecorder } from '../../../main/engine/observe/import-trace.js';
import { FIXTURES, tempDir } from '../../helpers/paths.js';
import { emptyCounters } from '../../../main/engine/types.js';

const dir = tempDir('sluice-observe-unit-');

function storeWithImport(name: string): { store: Store; importId: number } {
  const store = Store.open(path.join(dir, `${name}.sqlite`));
  const importId = store.imports.create({
    sourcePath: '/data/a.csv',
    fingerprint: { size: 10, mtimeMs: 1, hash: 'x' },
    table: 'a',
    createdTable: true,
    layout: {
      dialect: { format: 'csv', encoding: 'utf-8', encodingReason: 'BOM', bomBytes: 0, delimiter: ',', quoteChar: '"', hasHeader: true, newline: '\n' },
      columns: ['a'],
      dataStartOffset: 2,
      dataStartLine: 2,
      rawHeader: ['a'],
    },
    schema: null,
    options: { format: 'csv', key: null, redact: false, chunkBytes: 1000, maxRecordBytes: 1000 },
    counters: emptyCounters(),
  });
  return { store, importId };
}

test('an owner is alive while its process runs; a dead or reused pid is not; another host cannot be checked', () => {
  const self = currentOwner();
  assert.equal(isOwnerAlive(self), true);
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  const deadPid = Number(child.stdout.trim());
  assert.equal(isOwnerAlive({ pid: deadPid, startTicks: 1, host: os.hostname() }), false, 'a process that exited');
  if (self.startTicks !== null) {
    assert.equal(isOwnerAlive({ ...self, startTicks: self.startTicks + 1 }), false, 'same pid, another start time: a reused pid');
  }
  assert.equal(isOwnerAlive({ pid: deadPid, startTicks: 1, host: `${os.hostname()}-elsewhere` }), true);
  assert.equal(isOwnerAlive(null), false);
  assert.equal(displayStatus('running', { pid: deadPid, startTicks: 1, host: os.hostname() }), 'interrupted');
  assert.equal(displayStatus('paused', null), 'interrupted');
  assert.equal(displayStatus('running', self), 'running');
  assert.equal(displayStatus('failed', null), 'failed');
});

test('claiming an import records this process; runningElsewhere is false for the claimer itself', () => {
  const { store, importId } = storeWithImport('owner');
  const owners = new ImportOwners(store.db);
  assert.equal(owners.displayStatus(importId, 'running'), 'interrupted', 'no owner recorded');
  owners.claim(importId);
  assert.deepEqual(owners.get(importId), currentOwner());
  assert.equal(owners.displayStatus(importId, 'running'), 'running');
  assert.equal(owners.runningElsewhere(importId, 'running'), false);
  store.close();
});

test('the log writes lines logged before the import had an id, and is capped (status changes and errors still kept)', () => {
  const { store, importId } = storeWithImport('log');
  const log = new ImportLog();
  log.info('source', 'retry', 'early line', { attempt: 1 });
  log.attach(store.db, importId);
  for (let i = 0; i < MAX_LOG_LINES_PER_IMPORT + 50; i++) log.debug('parse', 'noise', `line ${i}`);
  log.error('status', 'status', 'status: failed', { status: 'failed' });
  log.info('finish', 'finish', 'finished');
  const lines = new LogRecords(store.db).page(importId);
  assert.equal(lines[0]!.msg, 'early line');
  assert.equal(lines[0]!.importId, importId);
  assert.equal(lines[0]!.fields.attempt, 1);
  assert.equal(lines.length, MAX_LOG_LINES_PER_IMPORT + 3, 'cap, one truncation marker, the status and the finish');
  assert.deepEqual(lines.slice(-3).map((line) => line.event), ['truncated', 'status', 'finish']);
  assert.equal(lines.at(-2)!.level, 'error');
  // Fields named like row contents are censored, defence in depth.
  log.attach(store.db, importId);
  log.error('parse', 'oops', 'a failure object slipped in', { value: 'SECRET', raw: 'SECRET,ROW' });
  const last = new LogRecords(store.db).page(importId).at(-1)!;
  assert.equal(last.fields.value, '[redacted]');
  assert.equal(last.fields.raw, '[redacted]');
  // The log goes with the import's history.
  store.db.prepare('DELETE FROM _sluice_imports WHERE id = ?').run(importId);
  assert.deepEqual(new LogRecords(store.db).page(importId), []);
  store.close();
});

test('a trace splits the wall time into stages and keeps rate samples bounded', () => {
  const trace = new TraceRecorder(1, 2);
  trace.add('read', 5);
  trace.add('write', 7);
  trace.batchDone(performance.now() - 20, 11, 12);
  for (let i = 0; i < 2000; i++) trace.sample(i * 100, i * 1000, 3, 1, true);
  trace.finish();
  const snapshot = trace.snapshot(200_000, 2_000_000);
  const byStage = Object.fromEntries(snapshot.stages.map((stage) => [stage.stage, stage]));
  assert.equal(byStage.read!.busyMs, 5);
  assert.equal(byStage['parse+validate']!.busyMs, 12);
  // On a fast machine the wall time can be shorter than the work recorded; idle time never goes below zero.
  assert.ok(Math.abs(byStage['parse+validate']!.idleMs - Math.max(0, snapshot.wallMs * 2 - 12)) <= 2, 'two workers: idle is twice the wall time minus busy');
  assert.deepEqual(snapshot.perWorker, [{ worker: 11, busyMs: 12, batches: 1 }]);
  assert.ok(snapshot.samples.length <= 600 && snapshot.samples.length > 100, `${snapshot.samples.length} samples`);
  assert.equal(snapshot.finished, true);
  assert.ok(snapshot.importThread.activeMs >= 0 && snapshot.importThread.idleMs >= 0, 'the import thread\'s event loop split');
});

test('a format-1 store migrates: its imports get an empty log and trace and no owner', () => {
  const copy = path.join(dir, 'v1.sqlite');
  fs.copyFileSync(path.join(FIXTURES, 'stores', 'v1-store.sqlite'), copy);
  const store = Store.open(copy);
  const [first] = store.imports.list().reverse();
  assert.ok(first);
  assert.deepEqual(new LogRecords(store.db).page(first.id), []);
  assert.equal(new ImportOwners(store.db).get(first.id), null);
  assert.equal(new ImportOwners(store.db).displayStatus(first.id, first.status), 'completed');
  store.close();
});
