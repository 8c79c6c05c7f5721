import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { readThreadCpuMs } from '../../../main/engine/observe/thread-cpu.js';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import type { ImportTrace } from '../../../main/engine/observe/import-trace.js';
import { tempDir } from '../../helpers/paths.js';
import { writeCustomerCsv } from '../../helpers/generate.js';

const onLinux = process.platform === 'linux';
const THREAD_CPU_URL = new URL('../../../main/engine/observe/thread-cpu.js', import.meta.url).href;

test('a thread reads its own CPU time, not the whole process\'s', { skip: !onLinux && 'needs /proc' }, async () => {
  const mainBefore = readThreadCpuMs()!;
  assert.ok(Number.isFinite(mainBefore) && mainBefore >= 0);
  // The worker spins until its own reading has risen by 200 ms; meanwhile this thread only waits.
  const source = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(THREAD_CPU_URL)}).then(({ readThreadCpuMs }) => {
      const start = readThreadCpuMs();
      let x = 0;
      while (readThreadCpuMs() - start < 200) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
      parentPort.postMessage({ start, end: readThreadCpuMs(), x });
    });`;
  const reading = await new Promise<{ start: number; end: number }>((resolve, reject) => {
    const worker = new Worker(source, { eval: true });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const mainAfter = readThreadCpuMs()!;
  assert.ok(reading.end - reading.start >= 200);
  assert.ok(mainAfter - mainBefore < reading.end - reading.start, 'the waiting thread did not get the worker\'s CPU');
  const process = globalThis.process.cpuUsage();
  assert.ok(reading.end <= (process.user + process.system) / 1000 + 10, 'a thread never used more than its process');
});

test('an import\'s trace records the CPU of its import thread and of each worker', { skip: !onLinux && 'needs /proc' }, async () => {
  const dir = tempDir();
  const file = path.join(dir, 'customers.csv');
  writeCustomerCsv(file, 20_000, 3);
  const dbPath = path.join(dir, 'cpu.sqlite');
  const summary = await runImport({ sourcePath: file, dbPath, workers: 2 });
  assert.equal(summary.status, 'completed');
  const db = new Database(dbPath, { readonly: true });
  const row = db.prepare('SELECT trace FROM _sluice_trace WHERE import_id = ?').get(summary.importId) as { trace: string };
  db.close();
  const trace = JSON.parse(row.trace) as ImportTrace;
  assert.ok(trace.threadCpuMs !== undefined);
  assert.equal(trace.threadCpuMs.workers.length, 2);
  for (const ms of trace.threadCpuMs.workers) assert.ok(ms > 0, 'each worker parsed rows, so it used CPU');
  assert.ok(typeof trace.threadCpuMs.importThread === 'number' && trace.threadCpuMs.importThread > 0);
});
