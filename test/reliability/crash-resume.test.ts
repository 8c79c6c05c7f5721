import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { prng } from '../helpers/generate.js';
import { tempDir } from '../helpers/paths.js';
import {
  RULE_SETS,
  SOAK,
  latestImportStatus,
  runSluice,
  sleep,
  snapshot,
  startSluice,
  writeMessyCsv,
  writeMessyJsonl,
  writeRules,
  type StoreSnapshot,
} from './support.js';

/** Kill points per suite: the brief asks for at least 50 in the regular run and 500 in soak. */
const SIGKILL_TARGET = Number(process.env.SLUICE_KILLS ?? (SOAK ? 500 : 50));
const SIGINT_TARGET = SOAK ? 120 : 6;
const KILLS_PER_FILE = SOAK ? 25 : 17;
const seed = Number(process.env.SLUICE_SEED ?? Date.now() % 100_000);
const dir = tempDir('sluice-crash-');

interface Case {
  name: string;
  file: string;
  table: string;
  baseArgs: string[];
  expected: StoreSnapshot;
  baselineMs: number;
}

/** A random file, rule set, batch size and worker count; imported once without interruption as the reference. */
async function makeCase(index: number, random: () => number): Promise<Case> {
  const jsonl = random() < 0.35;
  const rows = 20_000 + Math.floor(random() * (SOAK ? 30_000 : 4_000));
  const table = `t${index}`;
  const file = path.join(dir, `${table}.${jsonl ? 'jsonl' : 'csv'}`);
  if (jsonl) writeMessyJsonl(file, rows, seed * 1000 + index);
  else writeMessyCsv(file, rows, seed * 1000 + index);
  const ruleNames = Object.keys(RULE_SETS);
  const rules = ruleNames[Math.floor(random() * ruleNames.length)]!;
  const schema = writeRules(dir, rules);
  const batchRows = [150, 500, 1000, 4000][Math.floor(random() * 4)]!;
  const workers = 1 + Math.floor(random() * 3);
  const baseArgs = [file, '--table', table, '--workers', String(workers), '--batch-rows', String(batchRows), ...(schema ? ['--schema', schema] : [])];
  const baselineDb = path.join(dir, `${table}.baseline.sqlite`);
  const baseline = await runSluice(['import', ...baseArgs, '--db', baselineDb]);
  assert.equal(baseline.code, 0, baseline.stderr);
  const name = `${table}: ${jsonl ? 'jsonl' : 'csv'} ${rows} rows, rules ${rules}, batch ${batchRows}, ${workers} workers`;
  const expected = snapshot(baselineDb, table);
  assert.ok(expected.quarantine.length > 0, `${name}: the file has bad rows`);
  return { name, file, table, baseArgs, expected, baselineMs: baseline.elapsedMs };
}

/** Very early (before the store exists), anywhere, and near the end of the run. */
function killDelayMs(random: () => number, baselineMs: number): number {
  const roll = random();
  if (roll < 0.2) return random() * 120;
  if (roll < 0.4) return baselineMs * (0.8 + random() * 0.3);
  return random() * baselineMs * 0.8;
}

/** Arguments for the next attempt: resume when an import record exists, else start again. */
function importArgs(db: string, testCase: Case): string[] | null {
  const status = latestImportStatus(db);
  if (status === 'completed') return null;
  return ['import', ...testCase.baseArgs, '--db', db, ...(status ? ['--resume'] : [])];
}

async function finishAndCompare(db: string, testCase: Case, context: string): Promise<void> {
  const args = importArgs(db, testCase);
  if (args) {
    const final = await runSluice(args);
    assert.equal(final.code, 0, `${context}: ${final.stderr}`);
  }
  assert.equal(latestImportStatus(db), 'completed', context);
  const actual = snapshot(db, testCase.table);
  assert.equal(actual.table.length, testCase.expected.table.length, `${context}: table row count`);
  assert.deepEqual(actual.table, testCase.expected.table, `${context}: table rows`);
  assert.deepEqual(actual.quarantine, testCase.expected.quarantine, `${context}: quarantine`);
  assert.deepEqual(actual.warnings, testCase.expected.warnings, `${context}: warnings`);
}

test(`SIGKILL at ${SIGKILL_TARGET}+ random moments then --resume gives the uninterrupted result, row for row (seed ${seed})`, { timeout: SOAK ? 3_600_000 : 240_000 }, async () => {
  const random = prng(seed);
  let kills = 0;
  for (let index = 0; kills < SIGKILL_TARGET; index++) {
    const testCase = await makeCase(index, random);
    const db = path.join(dir, `${testCase.table}.killed.sqlite`);
    for (let attempt = 0; attempt < KILLS_PER_FILE && kills < SIGKILL_TARGET; attempt++) {
      const args = importArgs(db, testCase);
      if (!args) break;
      const run = startSluice(args);
      await sleep(killDelayMs(random, testCase.baselineMs));
      run.kill('SIGKILL');
      const outcome = await run.done;
      if (outcome.signal === 'SIGKILL') kills++;
      else assert.equal(outcome.code, 0, `${testCase.name}: ${outcome.stderr}`);
    }
    await finishAndCompare(db, testCase, `${testCase.name} (seed ${seed})`);
  }
});

test(`Ctrl+C at ${SIGINT_TARGET} random moments: exit 130 within seconds, status cancelled, --resume completes identically (seed ${seed})`, { timeout: SOAK ? 3_600_000 : 180_000 }, async (t) => {
  const random = prng(seed + 1);
  let cancels = 0;
  for (let index = 100; cancels < SIGINT_TARGET; index++) {
    const testCase = await makeCase(index, random);
    const db = path.join(dir, `${testCase.table}.cancelled.sqlite`);
    for (let attempt = 0; attempt < 3 && cancels < SIGINT_TARGET; attempt++) {
      const args = importArgs(db, testCase);
      if (!args) break;
      const run = startSluice(args);
      // Once the import has started: before Node installs the CLI's handler, SIGINT simply kills it (covered by SIGKILL above).
      await run.stderrMatches(/(starting|resuming) import #/);
      await sleep(random() * testCase.baselineMs * 0.7);
      const sentAt = Date.now();
      run.kill('SIGINT');
      const outcome = await run.done;
      const tookMs = Date.now() - sentAt;
      if (outcome.code === 0) continue; // finished before the signal
      // Finished, and the signal landed while Node was already tearing down (its handlers gone): the OS reports
      // a SIGINT death, but the import had completed and committed everything.
      if (outcome.signal === 'SIGINT' && latestImportStatus(db) === 'completed') {
        t.diagnostic(`${testCase.name}: SIGINT landed after the import completed`);
        continue;
      }
      cancels++;
      assert.equal(outcome.code, 130, `${testCase.name}: signal ${String(outcome.signal)}: ${outcome.stderr}`);
      assert.ok(tookMs < 5000, `${testCase.name}: cancelling took ${tookMs} ms`);
      assert.match(outcome.stderr, /cancelled; continue it with --resume/);
      assert.equal(latestImportStatus(db), 'cancelled');
    }
    await finishAndCompare(db, testCase, `${testCase.name} (seed ${seed})`);
  }
});

test('an import killed with --workers 4 and resumed with --workers 1 (and back) equals an uninterrupted run', { timeout: 120_000 }, async () => {
  const file = path.join(dir, 'workers.csv');
  writeMessyCsv(file, 20_000, seed);
  const schema = writeRules(dir, 'keyed')!;
  const common = [file, '--table', 'workers', '--schema', schema, '--batch-rows', '500'];
  const oneDb = path.join(dir, 'workers-1.sqlite');
  const fourDb = path.join(dir, 'workers-4.sqlite');
  const one = await runSluice(['import', ...common, '--db', oneDb, '--workers', '1']);
  const four = await runSluice(['import', ...common, '--db', fourDb, '--workers', '4']);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(four.code, 0, four.stderr);
  const expected = snapshot(fourDb, 'workers');
  assert.deepEqual(snapshot(oneDb, 'workers'), expected, 'one worker and four workers give the same result');

  const db = path.join(dir, 'workers-mixed.sqlite');
  const plan = [
    { workers: '4', fraction: 0.05 },
    { workers: '1', fraction: 0.1 },
    { workers: '4', fraction: 0.1 },
  ];
  let killed = 0;
  for (const step of plan) {
    const status = latestImportStatus(db);
    if (status === 'completed') break;
    const run = startSluice(['import', ...common, '--db', db, '--workers', step.workers, ...(status ? ['--resume'] : [])]);
    await run.stderrMatches(/(starting|resuming) import #/);
    await sleep(four.elapsedMs * step.fraction);
    run.kill('SIGKILL');
    if ((await run.done).signal === 'SIGKILL') killed++;
  }
  assert.ok(killed >= 1, 'the import was interrupted');
  if (latestImportStatus(db) !== 'completed') {
    const final = await runSluice(['import', ...common, '--db', db, '--workers', '1', '--resume']);
    assert.equal(final.code, 0, final.stderr);
  }
  assert.deepEqual(snapshot(db, 'workers'), expected);
});
