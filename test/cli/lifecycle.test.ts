import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { lastJson, queryAll, sluice, spawnSluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { writeCustomerCsv } from '../helpers/generate.js';

const dir = tempDir();
const bigFile = path.join(dir, 'customers.csv');
writeCustomerCsv(bigFile, 300_000, 3);

function table(db: string, name = 'customers') {
  return queryAll(db, `SELECT * FROM "${name}" ORDER BY rowid`);
}

test('Ctrl+C cancels within seconds (exit 130, status cancelled) and --resume finishes with the same rows', { timeout: 120_000 }, async () => {
  const expectedDb = path.join(dir, 'expected.sqlite');
  assert.equal(sluice(['import', bigFile, '--db', expectedDb]).status, 0);
  const db = path.join(dir, 'cancel.sqlite');
  const child = spawnSluice(['import', bigFile, '--db', db, '--batch-rows', '1000']);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise((resolve) => setTimeout(resolve, 700));
  const sentAt = Date.now();
  child.kill('SIGINT');
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  assert.ok(Date.now() - sentAt < 5000, 'cancellation took too long');
  if (code === 0) return; // finished before the signal on a fast machine: nothing to resume
  // Finished, and the signal landed while Node was already exiting: nothing to resume either.
  if (signal === 'SIGINT' && queryAll(db, 'SELECT status FROM _sluice_imports')[0]?.status === 'completed') return;
  assert.equal(code, 130, stderr);
  const [record] = queryAll(db, 'SELECT status FROM _sluice_imports');
  assert.equal(record!.status, 'cancelled');
  const status = sluice(['status', '--db', db, '--json']);
  assert.equal((JSON.parse(status.stdout.trim().split('\n')[0]!) as { resumable: boolean }).resumable, true);
  const resumed = sluice(['import', bigFile, '--db', db, '--resume', '--json']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(table(db), table(expectedDb));
});

test('--fail-fast stops at the first bad row, naming its line and rule but not its value', () => {
  const file = path.join(dir, 'ages.csv');
  fs.writeFileSync(file, 'name,age\nann,31\nbob,SECRET-VALUE\ncy,40\n');
  const schema = path.join(dir, 'ages.rules.json');
  fs.writeFileSync(schema, JSON.stringify({ fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'integer' }] }));
  const db = path.join(dir, 'failfast.sqlite');
  const run = sluice(['import', file, '--db', db, '--schema', schema, '--fail-fast', '--json']);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /line 3/);
  assert.match(run.stderr, /age/);
  assert.doesNotMatch(run.stderr + run.stdout, /SECRET-VALUE/);
  assert.deepEqual(table(db, 'ages'), [{ name: 'ann', age: 31 }]);
  assert.equal(lastJson(run).status, 'failed');
});

test('--max-errors stops past the budget; the import resumes with a larger budget', () => {
  const file = path.join(dir, 'budget.csv');
  fs.writeFileSync(file, `a,b\n${Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? `${i}` : `${i},x`)).join('\n')}\n`);
  const db = path.join(dir, 'budget.sqlite');
  const run = sluice(['import', file, '--db', db, '--max-errors', '3', '--batch-rows', '10']);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /error budget of 3/);
  const resumed = sluice(['import', file, '--db', db, '--resume', '--json']);
  assert.equal(resumed.status, 0, resumed.stderr);
  const total = queryAll(db, 'SELECT count(*) AS n FROM budget')[0]!.n;
  const bad = queryAll(db, 'SELECT count(*) AS n FROM _sluice_quarantine')[0]!.n;
  assert.deepEqual([total, bad], [40, 10]);
});

test('export writes the table and the quarantine as CSV and JSONL that read back the same', () => {
  const file = path.join(dir, 'tricky.csv');
  fs.writeFileSync(file, 'id,text\n1,"comma, and ""quote"""\n2,"two\nlines"\n3\n4,plain\n');
  const db = path.join(dir, 'export.sqlite');
  assert.equal(sluice(['import', file, '--db', db]).status, 0);
  const csvOut = path.join(dir, 'out.csv');
  assert.equal(sluice(['export', '--db', db, '--table', 'tricky', '--out', csvOut]).status, 0);
  const reimportDb = path.join(dir, 'reimport.sqlite');
  assert.equal(sluice(['import', csvOut, '--db', reimportDb, '--table', 'tricky']).status, 0);
  assert.deepEqual(table(reimportDb, 'tricky'), table(db, 'tricky'));
  const jsonlOut = path.join(dir, 'out.jsonl');
  assert.equal(sluice(['export', '--db', db, '--table', 'tricky', '--out', jsonlOut]).status, 0);
  const lines = fs.readFileSync(jsonlOut, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
  assert.deepEqual(lines, table(db, 'tricky'));
  const badOut = path.join(dir, 'bad.jsonl');
  assert.equal(sluice(['export', '--db', db, '--quarantine', 'latest', '--out', badOut]).status, 0);
  const bad = JSON.parse(fs.readFileSync(badOut, 'utf8').trim()) as { row_number: number; line: number; raw: string };
  assert.deepEqual([bad.row_number, bad.line, bad.raw], [3, 5, '3']);
  // A table that does not exist is an error about the store (exit 1, like an unknown import), not a usage error.
  const missing = sluice(['export', '--db', db, '--table', 'nope', '--out', path.join(dir, 'x.csv')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /There is no table "nope"/);
  assert.equal(sluice(['schema', '--db', db, '--table', 'nope']).status, 1);
  assert.equal(fs.existsSync(path.join(dir, 'x.csv')), false);
});

test('an unfinished import blocks a plain re-import; a changed file is not resumed; --restart starts over', () => {
  const file = path.join(dir, 'changing.csv');
  fs.writeFileSync(file, 'a,b\n1,x\n2\n3,z\n');
  const db = path.join(dir, 'changing.sqlite');
  // An error budget of 0 stops at the ragged row: the import is left unfinished and resumable.
  assert.equal(sluice(['import', file, '--db', db, '--max-errors', '0']).status, 1);
  const again = sluice(['import', file, '--db', db]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /did not finish.*--resume.*--restart/);
  fs.appendFileSync(file, '4,w\n');
  const resumed = sluice(['import', file, '--db', db, '--resume']);
  assert.equal(resumed.status, 1);
  assert.match(resumed.stderr, /has changed since it started \(its size changed from 14 to 18 bytes/);
  const restarted = sluice(['import', file, '--db', db, '--restart', '--json']);
  assert.equal(restarted.status, 0, restarted.stderr);
  assert.deepEqual(table(db, 'changing'), [{ a: 1, b: 'x' }, { a: 3, b: 'z' }, { a: 4, b: 'w' }]);
  assert.equal(queryAll(db, 'SELECT count(*) AS n FROM _sluice_quarantine')[0]!.n, 1);
  assert.equal(sluice(['import', file, '--db', db, '--resume']).status, 1, 'nothing left to resume');
});

test('a worker that crashes, throws or hangs on a poison row is replaced and only that row is quarantined', { timeout: 120_000 }, () => {
  for (const fault of ['crash', 'throw', 'hang'] as const) {
    const file = path.join(dir, `poison-${fault}.csv`);
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${i === 2500 ? 'POISON' : 'ok'}`);
    fs.writeFileSync(file, `id,value\n${rows.join('\n')}\n`);
    const db = path.join(dir, `poison-${fault}.sqlite`);
    const run = sluice(['import', file, '--db', db, '--json', '--batch-rows', '500'], {
      env: { SLUICE_FAULTS: `${fault}:POISON`, SLUICE_CHUNK_TIMEOUT_MS: '1500' },
    });
    assert.equal(run.status, 0, `${fault}: ${run.stderr}`);
    const summary = lastJson(run);
    assert.deepEqual([summary.rowsInserted, summary.rowsQuarantined], [4999, 1], fault);
    const [bad] = queryAll(db, 'SELECT row_number, raw, errors FROM _sluice_quarantine');
    assert.equal(bad!.row_number, 2501);
    assert.equal(bad!.raw, '2500,POISON');
    assert.match(String(bad!.errors), /"rule":"worker"/);
  }
});
