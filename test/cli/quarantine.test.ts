import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, queryAll, sluice } from '../helpers/cli.js';
import { SAMPLES, tempDir } from '../helpers/paths.js';
import { writeCustomerCsv } from '../helpers/generate.js';
import { startSluice } from '../reliability/support.js';

const dir = tempDir();
const csv = path.join(SAMPLES, 'customers.csv');
const rules = path.join(SAMPLES, 'customers.rules.json');

/** The bundled rules with `enterprise` allowed as a plan. */
function rulesAllowingEnterprise(): string {
  const ruleFile = JSON.parse(fs.readFileSync(rules, 'utf8')) as { fields: { name: string; constraints?: { enum?: string[] } }[] };
  ruleFile.fields.find((field) => field.name === 'plan')!.constraints!.enum!.push('enterprise');
  const file = path.join(dir, 'rules-enterprise.json');
  fs.writeFileSync(file, JSON.stringify(ruleFile));
  return file;
}

function importSample(name: string): string {
  const db = path.join(dir, `${name}.sqlite`);
  const run = sluice(['import', csv, '--db', db, '--schema', rules, '--json']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(lastJson(run).rowsQuarantined, 8);
  return db;
}

function listJson(db: string, ...args: string[]): Record<string, unknown>[] {
  const run = sluice(['quarantine', 'list', '--db', db, '--json', ...args]);
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim() === '' ? [] : run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('acceptance: retry --schema with a rule file that allows enterprise moves that row into the table and out of the open list', () => {
  const db = importSample('acceptance');
  assert.ok(listJson(db).some((row) => row.rowNumber === 8), 'the enterprise row starts open');
  const run = sluice(['quarantine', 'retry', '--db', db, '--import', '1', '--schema', rulesAllowingEnterprise(), '--json']);
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(summary), ['importId', 'retried', 'fixed', 'stillFailing']);
  assert.deepEqual([summary.retried, summary.fixed, summary.stillFailing], [8, 1, 7]);
  assert.deepEqual(queryAll(db, 'SELECT name, plan FROM customers WHERE id = 8'), [{ name: 'Tim Berners-Lee', plan: 'enterprise' }]);
  const open = listJson(db);
  assert.equal(open.length, 7);
  assert.ok(!open.some((row) => row.rowNumber === 8), 'the enterprise row left the open list');
  assert.ok(open.every((row) => row.status === 'open'));
  const fixed = listJson(db, '--status', 'fixed');
  assert.deepEqual(fixed.map((row) => [row.rowNumber, row.status, row.fixedByImportId]), [[8, 'fixed', summary.importId]]);
  assert.equal(listJson(db, '--status', 'all').length, 8);
  // Retrying again with the same rules changes nothing and repeats no write.
  const again = JSON.parse(sluice(['quarantine', 'retry', '--db', db, '--import', '1', '--schema', rulesAllowingEnterprise(), '--json']).stdout) as Record<string, unknown>;
  assert.deepEqual([again.importId, again.retried, again.fixed], [null, 7, 0]);
});

test('quarantine without a subcommand still lists (open rows, with their status)', () => {
  const db = importSample('bare');
  const run = sluice(['quarantine', '--db', db]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /status/);
  assert.match(run.stdout, /age: "abc" is not an integer/);
  assert.equal(sluice(['quarantine', 'list', '--db', db, '--rule', 'enum', '--json']).stdout.trim().split('\n').length, 1);
  assert.equal(sluice(['quarantine', '--db', db, '--status', 'nope']).status, 2);
  assert.equal(sluice(['quarantine', 'frobnicate', '--db', db]).status, 2);
});

test('fix --map: the dry run counts exactly and writes nothing; the real run writes, records a child import that undo takes back', () => {
  const db = importSample('fix-map');
  const args = ['quarantine', 'fix', '--db', db, '--import', '1', '--field', 'plan', '--map', 'enterprise=team', '--rule', 'enum', '--json'];
  const dry = sluice([...args, '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.deepEqual(JSON.parse(dry.stdout), { importId: null, matched: 1, changed: 1, fixed: 1, stillFailing: 0 });
  assert.equal(queryAll(db, 'SELECT count(*) AS n FROM customers')[0]!.n, 17, 'a dry run writes nothing');
  assert.equal(listJson(db).length, 8);
  const real = JSON.parse(sluice(args).stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(real), ['importId', 'matched', 'changed', 'fixed', 'stillFailing']);
  assert.deepEqual([real.matched, real.changed, real.fixed, real.stillFailing], [1, 1, 1, 0]);
  assert.deepEqual(queryAll(db, 'SELECT plan FROM customers WHERE id = 8'), [{ plan: 'team' }]);
  const fixed = listJson(db, '--status', 'fixed')[0]!;
  assert.match(String(fixed.originalRaw), /enterprise/, 'the import\'s text is kept beside the edited one');
  assert.match(String(fixed.raw), /,team,/);
  const child = queryAll(db, 'SELECT parent_import_id AS parent FROM _sluice_imports WHERE id = ?', real.importId)[0]!;
  assert.equal(child.parent, 1);
  const undo = sluice(['undo', '--db', db, '--import', String(real.importId), '--json']);
  assert.equal(undo.status, 0, undo.stderr);
  assert.equal(queryAll(db, 'SELECT count(*) AS n FROM customers WHERE id = 8')[0]!.n, 0);
  assert.ok(listJson(db).some((row) => row.rowNumber === 8), 'the undone fix reopens the row');
});

test('fix --trim, --set and --replace (RE2 pattern); rows the fix cannot save keep failing with their new reasons', () => {
  const db = importSample('fix-ops');
  const fix = (...args: string[]) => {
    const run = sluice(['quarantine', 'fix', '--db', db, '--import', '1', '--json', ...args]);
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as Record<string, number>;
  };
  assert.deepEqual(fix('--field', 'country', '--replace', '^(U)SA$', '--with', '$1S'), { importId: 2, matched: 1, changed: 1, fixed: 1, stillFailing: 0 });
  assert.deepEqual(queryAll(db, 'SELECT country FROM customers WHERE id = 24'), [{ country: 'US' }]);
  const stillBad = fix('--field', 'age', '--set=-3');
  assert.deepEqual([stillBad.matched, stillBad.changed, stillBad.fixed, stillBad.stillFailing], [1, 1, 0, 1]);
  const ageRow = listJson(db, '--field', 'age')[0]!;
  const reasons = ageRow.errors as { message: string }[];
  assert.equal(reasons.length, 1);
  assert.match(reasons[0]!.message, /^age: "-3" is less than the minimum 0$/, 'new reasons replace the old ones, with one field prefix');
  const trimmed = fix('--field', 'email', '--trim');
  assert.deepEqual([trimmed.matched, trimmed.changed], [1, 0], 'nothing to trim: nothing changed');
  assert.equal(sluice(['quarantine', 'fix', '--db', db, '--import', '1', '--field', 'age', '--set', '1', '--trim']).status, 2);
  assert.equal(sluice(['quarantine', 'fix', '--db', db, '--import', '1', '--field', 'nope', '--set', '1']).status, 2);
  assert.equal(sluice(['quarantine', 'fix', '--db', db, '--import', '1', '--field', 'age', '--replace', '(a']).status, 2);
});

test('dismiss: by rule or by row, with a reason; dismissed rows leave the open list and the default export', () => {
  const db = importSample('dismiss');
  assert.equal(sluice(['quarantine', 'dismiss', '--db', db, '--import', '1', '--rule', 'pattern']).status, 2, '--reason is required');
  const byRule = sluice(['quarantine', 'dismiss', '--db', db, '--import', '1', '--rule', 'format', '--reason', 'emails to check by phone', '--json']);
  assert.equal(byRule.status, 0, byRule.stderr);
  assert.deepEqual(JSON.parse(byRule.stdout), { dismissed: 1 });
  assert.deepEqual(JSON.parse(sluice(['quarantine', 'dismiss', '--db', db, '--import', '1', '--row', '21', '--reason', 'short row', '--json']).stdout), { dismissed: 1 });
  assert.deepEqual(JSON.parse(sluice(['quarantine', 'dismiss', '--db', db, '--import', '1', '--row', '21', '--reason', 'again', '--json']).stdout), { dismissed: 0 });
  const dismissed = listJson(db, '--status', 'dismissed');
  assert.deepEqual(dismissed.map((row) => [row.rowNumber, row.dismissReason]), [[7, 'emails to check by phone'], [21, 'short row']]);
  assert.equal(listJson(db).length, 6);
  const counters = JSON.parse(String(queryAll(db, 'SELECT counters FROM _sluice_imports WHERE id = 1')[0]!.counters)) as Record<string, number>;
  assert.deepEqual([counters.quarantinedOpen, counters.quarantinedFixed, counters.quarantinedDismissed], [6, 0, 2]);
  const openOut = path.join(dir, 'open.csv');
  assert.equal(sluice(['export', '--db', db, '--quarantine', '1', '--out', openOut]).status, 0);
  assert.equal(fs.readFileSync(openOut, 'utf8').trim().split('\r\n').length, 1 + 6);
  const allOut = path.join(dir, 'all.jsonl');
  assert.equal(sluice(['export', '--db', db, '--quarantine', '1', '--status', 'all', '--out', allOut]).status, 0);
  assert.equal(fs.readFileSync(allOut, 'utf8').trim().split('\n').length, 8);
  assert.equal(sluice(['export', '--db', db, '--table', 'customers', '--status', 'open', '--out', path.join(dir, 'x.csv')]).status, 2);
});

test('--restart of an unfinished import takes back the fixes made to its quarantine too: no row stays both in the table and in quarantine', () => {
  const db = path.join(dir, 'restart-after-fix.sqlite');
  const stopped = sluice(['import', csv, '--db', db, '--schema', rules, '--max-errors', '3']);
  assert.equal(stopped.status, 1, 'stopped over its error budget, resumable');
  const fixed = JSON.parse(sluice(['quarantine', 'fix', '--db', db, '--import', '1', '--field', 'plan', '--map', 'enterprise=team', '--json']).stdout) as Record<string, number>;
  assert.equal(fixed.fixed, 1);
  assert.deepEqual(queryAll(db, 'SELECT plan FROM customers WHERE id = 8'), [{ plan: 'team' }]);
  const restarted = sluice(['import', csv, '--db', db, '--schema', rules, '--restart', '--json']);
  assert.equal(restarted.status, 0, restarted.stderr);
  assert.equal(lastJson(restarted).rowsQuarantined, 8, 'the new run quarantines the enterprise row again');
  assert.deepEqual(queryAll(db, 'SELECT count(*) AS n FROM customers WHERE id = 8'), [{ n: 0 }], 'the old fix is gone with the import it fixed');
  assert.deepEqual(queryAll(db, 'SELECT count(*) AS n FROM customers'), [{ n: 17 }]);
  assert.deepEqual(queryAll(db, 'SELECT id, status FROM _sluice_imports ORDER BY id'), [
    { id: 1, status: 'superseded' },
    { id: 2, status: 'superseded' },
    { id: 3, status: 'completed' },
  ]);
  assert.equal(sluice(['undo', '--db', db, '--import', '2']).stderr.trim(), 'sluice: Import #2 was superseded by a restart; its rows are already gone.');
  assert.equal(sluice(['undo', '--db', db, '--import', '3']).status, 0, 'the new run undoes cleanly');
  assert.deepEqual(queryAll(db, 'SELECT count(*) AS n FROM customers'), [{ n: 0 }]);
});

test('while another process is still running the import, retry, fix, dismiss and undo refuse (exit 1) and change nothing', async () => {
  const db = path.join(dir, 'live.sqlite');
  const big = path.join(dir, 'live.csv');
  writeCustomerCsv(big, 200_000, 5);
  const run = startSluice(['import', big, '--db', db, '--schema', rules, '--workers', '1', '--batch-rows', '200']);
  await run.stderrMatches(/starting import #1/);
  // Frozen, not finished: the import's process is alive, so the import is running, for as long as the checks take.
  run.kill('SIGSTOP');
  try {
    const before = queryAll(db, 'SELECT counters FROM _sluice_imports WHERE id = 1');
    for (const args of [
      ['quarantine', 'retry', '--import', '1'],
      ['quarantine', 'fix', '--import', '1', '--field', 'plan', '--set', 'pro'],
      ['quarantine', 'dismiss', '--import', '1', '--reason', 'not now'],
      ['undo', '--import', '1'],
    ]) {
      const refused = sluice([...args, '--db', db]);
      assert.equal(refused.status, 1, `${args.join(' ')}: ${refused.stderr}`);
      assert.match(refused.stderr, /^sluice: Import #1 is still running \(process \d+\); wait for it to finish or cancel it there\.$/m, args.join(' '));
    }
    assert.deepEqual(queryAll(db, 'SELECT counters FROM _sluice_imports WHERE id = 1'), before);
    assert.deepEqual(queryAll(db, 'SELECT count(*) AS n FROM _sluice_imports'), [{ n: 1 }], 'no child import was recorded');
  } finally {
    run.kill('SIGCONT');
    run.kill('SIGTERM');
    await run.done;
  }
});

test('an unfinished import that was undone: --resume says why there is nothing to resume, and status no longer offers to resume it', () => {
  const db = path.join(dir, 'undone-unfinished.sqlite');
  assert.equal(sluice(['import', csv, '--db', db, '--schema', rules, '--max-errors', '3']).status, 1);
  assert.match(sluice(['status', '--db', db]).stdout, /#1: Stopped: .* can be resumed/);
  assert.equal(sluice(['undo', '--db', db, '--import', '1']).status, 0);
  const resume = sluice(['import', csv, '--db', db, '--schema', rules, '--resume']);
  assert.equal(resume.status, 1);
  assert.match(resume.stderr, /^sluice: There is no unfinished import of .*customers\.csv into table "customers" to resume \(import #1 of it is undone\)\.$/m);
  const status = sluice(['status', '--db', db]);
  assert.doesNotMatch(status.stdout, /can be resumed/);
  assert.match(sluice(['status', '--db', db, '--import', '1']).stdout, /error +\w+: Stopped/, 'the detail still says why it stopped');
});

test('after a fix, --import latest in quarantine commands still means the imported file, and naming the fix points to its parent', () => {
  const db = importSample('latest-after-fix');
  const fixed = JSON.parse(sluice(['quarantine', 'fix', '--db', db, '--import', 'latest', '--field', 'plan', '--map', 'enterprise=team', '--json']).stdout) as Record<string, number>;
  assert.equal(fixed.importId, 2);
  assert.equal(listJson(db, '--import', 'latest').length, 7, 'the open rows of import #1, not the (empty) quarantine of fix #2');
  const again = JSON.parse(sluice(['quarantine', 'fix', '--db', db, '--import', 'latest', '--field', 'age', '--set', '1', '--dry-run', '--json']).stdout) as Record<string, number>;
  assert.equal(again.matched, 1, 'the fix works on import #1 (fix #2 has no rows to match)');
  const child = sluice(['quarantine', 'retry', '--db', db, '--import', '2']);
  assert.equal(child.status, 2);
  assert.equal(child.stderr.trim(), "sluice: Import #2 is a fix of import #1's quarantined rows and has none of its own; use --import 1 (undo #2 with: sluice undo --import 2).");
  assert.equal(sluice(['undo', '--db', db, '--import', 'latest']).status, 0, 'undo latest still takes back the fix');
  assert.equal(listJson(db).length, 8);
});
