import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { queryAll } from '../helpers/cli.js';
import { CLI, REPO_ROOT, tempDir } from '../helpers/paths.js';
import { SOAK, count, latestImportStatus, runSluice, type ProcessOutcome } from './support.js';

const dir = tempDir('sluice-oversized-');
const TIME = '/usr/bin/time';
/** Generous bound for the whole CLI (main thread, import host, workers): far below the field sizes involved. */
const MAX_PEAK_RSS_MB = 600;

/** Runs the CLI under /usr/bin/time when it is installed, to read the peak RSS of the whole process (all its threads). */
async function importMeasured(args: string[]): Promise<ProcessOutcome & { peakRssMb: number | null }> {
  if (!fs.existsSync(TIME)) return { ...(await runSluice(args)), peakRssMb: null };
  const child = spawn(TIME, ['-f', 'PEAK_RSS_KB=%M', process.execPath, CLI, ...args], { cwd: REPO_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const startedAt = Date.now();
  const [code] = (await once(child, 'close')) as [number | null];
  const match = /PEAK_RSS_KB=(\d+)/.exec(stderr);
  return { code, signal: null, stdout, stderr, elapsedMs: Date.now() - startedAt, peakRssMb: match ? Number(match[1]) / 1024 : null };
}

function writeWithHugeField(file: string, fieldMb: number): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'id,blob,tail\n');
  for (let i = 1; i <= 100; i++) fs.writeSync(fd, `${i},small,t\n`);
  fs.writeSync(fd, '101,"');
  const megabyte = 'y'.repeat(1 << 20);
  for (let i = 0; i < fieldMb; i++) fs.writeSync(fd, megabyte);
  fs.writeSync(fd, '",t\n');
  for (let i = 102; i <= 200; i++) fs.writeSync(fd, `${i},small,t\n`);
  fs.closeSync(fd);
}

test(`a ${SOAK ? 300 : 100} MB single field is quarantined as record-size with bounded memory; the rows around it import`, { timeout: 120_000 }, async () => {
  const fieldMb = SOAK ? 300 : 100;
  const file = path.join(dir, 'huge-field.csv');
  writeWithHugeField(file, fieldMb);
  const db = path.join(dir, 'huge-field.sqlite');
  const run = await importMeasured(['import', file, '--db', db, '--json']);
  fs.rmSync(file);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(count(db, 'SELECT count(*) AS n FROM huge_field'), 199);
  const [bad, ...others] = queryAll(db, 'SELECT row_number, line, byte_offset, length(raw) AS raw_length, errors FROM _sluice_quarantine');
  assert.equal(others.length, 0);
  assert.deepEqual([bad!.row_number, bad!.line], [101, 102]);
  assert.ok(Number(bad!.raw_length) < 2000, 'only the start of the record is kept');
  assert.match(String(bad!.errors), /"rule":"record-size".*over the limit; it was not loaded/);
  if (run.peakRssMb !== null) assert.ok(run.peakRssMb < MAX_PEAK_RSS_MB, `peak RSS ${run.peakRssMb.toFixed(0)} MB`);
});

test('a line with 100,000 columns is quarantined as row-shape; the other rows import', { timeout: 60_000 }, async () => {
  const file = path.join(dir, 'many-cells.csv');
  fs.writeFileSync(file, `a,b,c\n1,2,3\n${Array.from({ length: 100_000 }, (_, i) => i).join(',')}\n4,5,6\n`);
  const db = path.join(dir, 'many-cells.sqlite');
  const run = await importMeasured(['import', file, '--db', db, '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(queryAll(db, 'SELECT * FROM many_cells ORDER BY rowid'), [{ a: 1, b: 2, c: 3 }, { a: 4, b: 5, c: 6 }]);
  const [bad] = queryAll(db, 'SELECT row_number, errors FROM _sluice_quarantine');
  assert.equal(bad!.row_number, 2);
  assert.match(String(bad!.errors), /expected 3 fields, found 100000/);
  if (run.peakRssMb !== null) assert.ok(run.peakRssMb < MAX_PEAK_RSS_MB, `peak RSS ${run.peakRssMb.toFixed(0)} MB`);
});

test('a 10,000-column header fails up front with a clear message (SQLite holds 2,000 columns); 1,999 columns import', { timeout: 60_000 }, async () => {
  const wide = (columns: number) => `${Array.from({ length: columns }, (_, i) => `c${i}`).join(',')}\n${Array.from({ length: 3 }, (_, r) => Array.from({ length: columns }, (_, i) => r * i).join(',')).join('\n')}\n`;
  const file = path.join(dir, 'wide.csv');
  fs.writeFileSync(file, wide(10_000));
  const db = path.join(dir, 'wide.sqlite');
  const run = await importMeasured(['import', file, '--db', db]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /The file has 10,000 columns; an SQLite table holds at most 2,000/);
  assert.equal(latestImportStatus(db), null, 'no import was started');

  const fits = path.join(dir, 'fits.csv');
  fs.writeFileSync(fits, wide(1999)); // the 2,000th column is Sluice's provenance bookkeeping
  const ok = await importMeasured(['import', fits, '--db', db, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(count(db, 'SELECT count(*) AS n FROM fits'), 3);
  assert.equal(queryAll(db, 'SELECT c1998 FROM fits ORDER BY rowid')[2]!.c1998, 3996);
});
