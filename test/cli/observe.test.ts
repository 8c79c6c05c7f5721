import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { lastJson, queryAll, sluice } from '../helpers/cli.js';
import { writeCustomerCsv } from '../helpers/generate.js';
import { tempDir } from '../helpers/paths.js';
import { runSluice, startSluice } from '../reliability/support.js';

const dir = tempDir('sluice-observe-');
const REQUIRED_KEYS = ['level', 'time', 'importId', 'stage', 'event', 'msg'];
const RULES = {
  fields: [
    { name: 'id', type: 'integer' },
    { name: 'name', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'age', type: 'integer' },
    { name: 'plan', type: 'string', constraints: { enum: ['free', 'pro', 'team'] } },
    { name: 'spend', type: 'number' },
    { name: 'notes', type: 'string' },
  ],
  'sluice:rowRules': [{ name: 'big_spender', expr: 'spend < 190', severity: 'warn', message: 'spends more than 190' }],
};

function customers(name: string, rows: number): string {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) writeCustomerCsv(file, rows, 5);
  return file;
}

function rulesFile(): string {
  const file = path.join(dir, 'customers.rules.json');
  fs.writeFileSync(file, JSON.stringify(RULES));
  return file;
}

/** Every stored log line of an import, parsed; fails unless each is a JSON object with the required keys. */
function logLines(db: string, importId: number): Record<string, unknown>[] {
  const run = sluice(['log', '--db', db, '--import', String(importId), '--json']);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const line of lines) {
    for (const key of REQUIRED_KEYS) assert.ok(key in line, `log line lacks ${key}: ${JSON.stringify(line)}`);
    assert.equal(line.importId, importId);
    assert.ok(!Number.isNaN(Date.parse(String(line.time))), 'time is an ISO timestamp');
  }
  return lines;
}

function statusJson(db: string, importId: number): Record<string, unknown> & { trace: Record<string, unknown> | null; status: string } {
  const run = sluice(['status', '--db', db, '--import', String(importId), '--json']);
  assert.equal(run.status, 0, run.stderr);
  return lastJson(run) as Record<string, unknown> & { trace: Record<string, unknown> | null; status: string };
}

/** A trace has every stage with busy and idle times, rate samples, and per-worker busy time. */
function assertTrace(trace: Record<string, unknown> | null, finished: boolean): void {
  assert.ok(trace, 'the import has a trace');
  const stages = (trace.stages as { stage: string; busyMs: number; idleMs: number }[]).map((stage) => stage.stage);
  assert.deepEqual(stages, ['read', 'parse+validate', 'wait-workers', 'write', 'commit', 'paused', 'other']);
  for (const stage of trace.stages as { busyMs: number; idleMs: number }[]) assert.ok(stage.busyMs >= 0 && stage.idleMs >= 0);
  assert.equal(trace.finished, finished);
  assert.ok(Array.isArray(trace.samples) && Array.isArray(trace.perWorker));
}

const events = (lines: Record<string, unknown>[]) => lines.map((line) => line.event);
const statuses = (lines: Record<string, unknown>[]) => lines.filter((line) => line.event === 'status').map((line) => line.status);

test('a completed import has a well-formed log (decisions, plan, status changes, finish with counters) and a trace that status shows', { timeout: 120_000 }, () => {
  const db = path.join(dir, 'completed.sqlite');
  const run = sluice(['import', customers('small.csv', 5000), '--db', db, '--schema', rulesFile(), '--json']);
  assert.equal(run.status, 0, run.stderr);
  const summary = lastJson(run);
  assert.equal(summary.status, 'completed');
  assert.ok(Number(summary.rowsWarned) > 0 && (summary.topWarnings as { rule: string }[])[0]?.rule === 'big_spender', 'the summary names the top warning rule');

  const lines = logLines(db, 1);
  for (const event of ['start', 'dialect', 'encoding', 'plan', 'status', 'finish']) assert.ok(events(lines).includes(event), `logged ${event}`);
  assert.deepEqual(statuses(lines), ['running', 'completed']);
  const finish = lines.find((line) => line.event === 'finish')!;
  assert.equal((finish.counters as { rowsRead: number }).rowsRead, 5000);
  assert.equal(lines.find((line) => line.event === 'encoding')!.reason, 'sample is valid UTF-8');

  const status = statusJson(db, 1);
  assert.equal(status.status, 'completed');
  assertTrace(status.trace, true);
  const text = sluice(['status', '--db', db, '--import', 'latest']);
  assert.match(text.stdout, /where the time went/);
  assert.match(text.stdout, /parse \+ validate \(workers\)/);
  assert.match(text.stdout, /big_spender/);
  const readable = sluice(['log', '--db', db, '--import', '1', '--level', 'info']);
  assert.match(readable.stdout, /INFO {3}plan {5}encoding/);
});

test('a failed import logs the error and its --json summary carries error {code, message}', { timeout: 120_000 }, () => {
  const db = path.join(dir, 'failed.sqlite');
  const run = sluice(['import', customers('small.csv', 5000), '--db', db, '--schema', rulesFile(), '--fail-fast', '--json']);
  assert.equal(run.status, 1);
  const summary = lastJson(run);
  assert.equal(summary.status, 'failed');
  assert.deepEqual(Object.keys(summary.error as object), ['code', 'message']);
  assert.equal((summary.error as { code: string }).code, 'FAIL_FAST');
  const lines = logLines(db, 1);
  const failed = lines.find((line) => line.event === 'status' && line.status === 'failed')!;
  assert.equal(failed.level, 'error');
  assert.equal((failed.error as { code: string }).code, 'FAIL_FAST');
  assert.ok(events(lines).includes('finish'));
  assertTrace(statusJson(db, 1).trace, true);
  // A restart replaces it: its log records that, and by which import.
  assert.equal(sluice(['import', customers('small.csv', 5000), '--db', db, '--restart']).status, 0);
  const superseded = logLines(db, 1).at(-1)!;
  assert.equal(superseded.status, 'superseded');
  assert.equal(superseded.replacedBy, 2);
});

test('--json ends with a summary with error {code, message} when the import cannot start (usage error, missing file)', () => {
  const usage = sluice(['import', '--json', '--workers', 'many', customers('small.csv', 5000), '--db', path.join(dir, 'x.sqlite')]);
  assert.equal(usage.status, 2);
  assert.deepEqual(lastJson(usage), { command: 'import', status: 'not-started', exitCode: 2, error: { code: 'USAGE', message: '--workers takes a whole number greater than 0, got "many".' } });
  const missing = sluice(['import', path.join(dir, 'nope.csv'), '--db', path.join(dir, 'x.sqlite'), '--json']);
  assert.equal(missing.status, 1);
  assert.equal((lastJson(missing).error as { code: string }).code, 'FILE_NOT_FOUND');
  const status = sluice(['status', '--db', path.join(dir, 'none.sqlite'), '--json']);
  assert.equal((lastJson(status).error as { code: string }).code, 'FILE_NOT_FOUND');
});

test('a cancelled import (Ctrl+C) logs the cancel and its status, and keeps its trace', { timeout: 180_000 }, async () => {
  const db = path.join(dir, 'cancelled.sqlite');
  const run = startSluice(['import', customers('big.csv', 300_000), '--db', db, '--workers', '1', '--batch-rows', '2000']);
  await run.stderrMatches(/starting import/);
  run.kill('SIGINT');
  const outcome = await run.done;
  assert.equal(outcome.code, 130, outcome.stderr);
  const lines = logLines(db, 1);
  assert.ok(events(lines).includes('cancel'));
  assert.deepEqual(statuses(lines), ['running', 'cancelled']);
  assertTrace(statusJson(db, 1).trace, true);
});

test('after kill -9, status says interrupted (resumable), the log and the trace saved so far are well-formed, and a resume adds a run', { timeout: 300_000 }, async () => {
  const db = path.join(dir, 'killed.sqlite');
  const file = customers('big.csv', 300_000);
  // A worker hangs on row 200,000 (a test fault), so the import cannot finish before it is killed.
  const run = startSluice(['import', file, '--db', db, '--workers', '1', '--batch-rows', '2000'], { SLUICE_FAULTS: 'hang:200000,', SLUICE_CHUNK_TIMEOUT_MS: '600000' });
  await run.stderrMatches(/starting import/);
  // Wait until the running import has saved a trace (every 2 s), then kill it without warning.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && (!fs.existsSync(db) || queryAll(db, 'SELECT count(*) AS n FROM _sluice_trace')[0]!.n === 0)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  run.kill('SIGKILL');
  assert.equal((await run.done).signal, 'SIGKILL');
  assert.equal(queryAll(db, 'SELECT status FROM _sluice_imports')[0]!.status, 'running', 'the store still says running');

  const status = statusJson(db, 1);
  assert.equal(status.status, 'interrupted');
  assert.equal(status.resumable, true);
  assertTrace(status.trace, false);
  const table = sluice(['status', '--db', db]);
  assert.match(table.stdout, /^1 +interrupted /m);
  assert.deepEqual(statuses(logLines(db, 1)), ['running']);

  const resumed = sluice(['import', file, '--db', db, '--workers', '1', '--batch-rows', '2000', '--resume', '--json'], { timeoutMs: 240_000 });
  assert.equal(resumed.status, 0, resumed.stderr);
  const after = statusJson(db, 1);
  assert.equal(after.status, 'completed');
  assert.equal((after.runs as unknown[]).length, 2);
  assert.equal((after.trace as { run: number }).run, 2);
  const lines = logLines(db, 1);
  assert.deepEqual(statuses(lines), ['running', 'running', 'completed']);
  assert.equal(lines.filter((line) => line.event === 'start' && line.resumed === true).length, 1);
});

test('an import whose owner is alive is running, and is neither resumed nor restarted from elsewhere', { timeout: 120_000 }, () => {
  const db = path.join(dir, 'owned.sqlite');
  const file = customers('small.csv', 5000);
  assert.equal(sluice(['import', file, '--db', db, '--fail-fast']).status, 1);
  // Make this test process the import's owner, as a live import in another process would be.
  const startTicks = Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[19]);
  const store = new Database(db);
  store.prepare(`UPDATE _sluice_imports SET status = 'running', owner = ?`).run(JSON.stringify({ pid: process.pid, startTicks, host: hostname() }));
  store.close();
  assert.equal(statusJson(db, 1).status, 'running');
  for (const flag of ['--resume', '--restart']) {
    const refused = sluice(['import', file, '--db', db, flag]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, new RegExp(`Import #1 is still running \\(process ${process.pid}\\)`));
  }
});

test('when stderr is not a terminal, plain progress lines appear (and --progress none silences them)', { timeout: 120_000 }, async () => {
  const file = customers('big.csv', 300_000);
  const plain = await runSluice(['import', file, '--db', path.join(dir, 'progress.sqlite'), '--workers', '1'], { SLUICE_PROGRESS_INTERVAL_MS: '300' });
  assert.equal(plain.code, 0, plain.stderr);
  const lines = plain.stderr.split('\n').filter((line) => line.startsWith('progress: import #1 '));
  assert.ok(lines.length >= 2, `progress lines:\n${plain.stderr}`);
  assert.ok(!plain.stderr.includes('\r'), 'no terminal control characters');
  const none = await runSluice(['import', file, '--db', path.join(dir, 'quiet.sqlite'), '--workers', '1', '--progress', 'none']);
  assert.equal(none.code, 0, none.stderr);
  assert.ok(!none.stderr.includes('progress:'));
});

test('sluice warnings lists warned rows, filters by rule, and groups them by rule', { timeout: 120_000 }, () => {
  const db = path.join(dir, 'warnings.sqlite');
  assert.equal(sluice(['import', customers('small.csv', 5000), '--db', db, '--schema', rulesFile()]).status, 0);
  const json = sluice(['warnings', '--db', db, '--import', 'latest', '--json', '--limit', '5']);
  const rows = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { rowNumber: number; warnings: { rule: string }[] });
  assert.equal(rows.length, 5);
  assert.ok(rows.every((row) => row.warnings[0]!.rule === 'big_spender'));
  const text = sluice(['warnings', '--db', db, '--rule', 'big_spender']);
  assert.match(text.stdout, /^[\d,]+ warned rows; by rule:\n {2}big_spender {2}[\d,]+ {2}e\.g\. rows \d+/);
  assert.equal(sluice(['warnings', '--db', db, '--rule', 'no_such_rule']).stdout.trim(), 'No warned rows.');
  const summary = sluice(['import', customers('small.csv', 5000), '--db', db, '--schema', rulesFile(), '--table', 'again']);
  assert.match(summary.stdout, /warned +[\d,]+ {2}\(kept; see: sluice warnings --import 2\)\n {4}big_spender: [\d,]+ rows, e\.g\. rows \d+/);
});

test('every command has a real --help: each option with a description, and examples', () => {
  for (const command of ['import', 'export', 'infer', 'quarantine', 'status', 'log', 'warnings', 'undo', 'schema']) {
    const run = sluice([command, '--help']);
    assert.equal(run.status, 0, command);
    const [, options = ''] = run.stdout.split('\nOptions:\n');
    const optionLines = options.split('\n\n')[0]!.split('\n');
    assert.ok(optionLines.length >= 3, `${command} lists its options`);
    for (const line of optionLines) assert.match(line, /^ {2}\S.*\S {2,}\S.{8,}$/, `${command}: "${line}" has a description`);
    assert.match(run.stdout, /\nExamples:\n {2}# .+\n {2}sluice /, `${command} has an example`);
    // Every documented option is one the command accepts (an unknown option would be a usage error, exit 2).
    for (const line of optionLines) {
      const flag = line.trim().split(/\s+/)[0]!;
      if (!flag.startsWith('--') || flag === '--help') continue;
      // A value after a switch is only a positional argument, and --help answers before positionals are checked.
      assert.equal(sluice([command, flag, 'x', '--help']).status, 0, `${command} accepts ${flag}`);
    }
  }
});

test('log --follow prints a running import\'s lines as they come and stops when it finishes', { timeout: 180_000 }, async () => {
  const db = path.join(dir, 'follow.sqlite');
  const run = startSluice(['import', customers('big.csv', 300_000), '--db', db, '--workers', '1']);
  await run.stderrMatches(/starting import/);
  const follow = await runSluice(['log', '--db', db, '--import', '1', '--follow', '--json']);
  assert.equal(follow.code, 0, follow.stderr);
  assert.equal((await run.done).code, 0);
  const lines = follow.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string });
  assert.equal(lines[0]!.event, 'start');
  assert.equal(lines.at(-1)!.event, 'finish', 'followed to the end');
});
