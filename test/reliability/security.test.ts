import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { queryAll } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { runSluice, type ProcessOutcome } from './support.js';

const dir = tempDir('sluice-security-');
const CANARY = 'CANARY7f3a';

/** Every cell carries a distinct canary; some rows fail rules, one poisons a worker. */
function writeCanaryCsv(file: string): void {
  const lines = ['id,name,age,email'];
  for (let i = 1; i <= 400; i++) {
    const age = i % 37 === 0 ? `${CANARY}-age-${i}` : String(20 + (i % 50));
    const email = i % 53 === 0 ? `${CANARY}-notanemail-${i}` : `${CANARY.toLowerCase()}${i}@example.com`;
    const ragged = i % 101 === 0;
    lines.push(ragged ? `${i},${CANARY}-ragged-${i}` : `${i},"${CANARY}-name-${i}, ""quoted"""`.concat(`,${age},${email}`));
  }
  lines.push(`401,${CANARY}-POISON,30,x@example.com`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

function assertNoCanary(outcome: ProcessOutcome, context: string): void {
  const output = outcome.stdout + outcome.stderr;
  assert.equal(output.toLowerCase().includes(CANARY.toLowerCase()), false, `${context} leaked row contents:\n${output}`);
}

test('logs, summaries, errors and status never contain row contents (failing rows, --fail-fast, --max-errors, crashes)', { timeout: 120_000 }, async () => {
  const file = path.join(dir, 'canary.csv');
  writeCanaryCsv(file);
  const schema = path.join(dir, 'canary.rules.json');
  fs.writeFileSync(
    schema,
    JSON.stringify({
      fields: [
        { name: 'id', type: 'integer', constraints: { unique: true } },
        { name: 'name', type: 'string', constraints: { pattern: 'C.*', maxLength: 5 } },
        { name: 'age', type: 'integer', constraints: { minimum: 0 } },
        { name: 'email', type: 'string', format: 'email' },
      ],
    }),
  );
  const runs: { name: string; args: string[]; env?: Record<string, string> }[] = [
    { name: 'soft', args: [] },
    { name: 'rules', args: ['--schema', schema] },
    { name: 'fail-fast', args: ['--schema', schema, '--fail-fast', '--debug'] },
    { name: 'max-errors', args: ['--schema', schema, '--max-errors', '2', '--json'] },
    { name: 'crash', args: ['--batch-rows', '50'], env: { SLUICE_FAULTS: 'crash:POISON' } },
    { name: 'throw', args: ['--batch-rows', '50', '--debug'], env: { SLUICE_FAULTS: 'throw:POISON' } },
  ];
  for (const run of runs) {
    const db = path.join(dir, `${run.name}.sqlite`);
    const outcome = await runSluice(['import', file, '--db', db, ...run.args], run.env);
    assert.ok(outcome.code === 0 || outcome.code === 1, `${run.name}: ${outcome.stderr}`);
    assertNoCanary(outcome, run.name);
    // Resuming a stopped import logs too.
    // (A resume keeps the import's stored failure policy, so fail-soft is asked for explicitly.)
    const resumeArgs = run.args.flatMap((arg) => (arg === '--fail-fast' ? ['--max-errors', '1000000'] : [arg]));
    if (outcome.code === 1) assertNoCanary(await runSluice(['import', file, '--db', db, '--resume', ...resumeArgs], run.env), `${run.name} resume`);
    assertNoCanary(await runSluice(['status', '--db', db]), `${run.name} status`);
    assertNoCanary(await runSluice(['status', '--db', db, '--json']), `${run.name} status --json`);
    // The quarantine keeps raw rows by design: the canaries must be there, not lost.
    const stored = queryAll(db, 'SELECT raw FROM _sluice_quarantine').map((row) => String(row.raw));
    assert.ok(stored.some((raw) => raw.includes(CANARY)), `${run.name}: quarantined rows keep their text`);
  }
});

test('hostile table names via --table are inert identifiers; reserved and empty names are refused', { timeout: 60_000 }, async () => {
  const file = path.join(dir, 'plain.csv');
  fs.writeFileSync(file, 'a,b\n1,2\n3,4\n');
  const db = path.join(dir, 'tables.sqlite');
  assert.equal((await runSluice(['import', file, '--db', db, '--table', 'x'])).code, 0);
  const names = ['"; DROP TABLE x; --', "'); DELETE FROM x; --", 'x"', 'Übersicht 表 😀', 'a'.repeat(1000), 'x; ATTACH DATABASE \'/tmp/evil.db\' AS evil'];
  for (const name of names) {
    const outcome = await runSluice(['import', file, '--db', db, '--table', name, '--json']);
    assert.equal(outcome.code, 0, `${name.slice(0, 40)}: ${outcome.stderr}`);
    assert.deepEqual(queryAll(db, `SELECT * FROM "${name.replace(/"/g, '""')}" ORDER BY rowid`), [{ a: 1, b: 2 }, { a: 3, b: 4 }]);
  }
  assert.equal(fs.existsSync('/tmp/evil.db'), false);
  assert.deepEqual(queryAll(db, 'SELECT * FROM x ORDER BY rowid'), [{ a: 1, b: 2 }, { a: 3, b: 4 }], 'table x is intact');
  const tables = queryAll(db, `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).map((row) => String(row.name));
  assert.deepEqual(tables, ['_sluice_imports', '_sluice_preimages', '_sluice_quarantine', '_sluice_tables', '_sluice_warnings', ...names, 'x'].sort());

  for (const [name, message] of [
    ['', /must not be empty/],
    ['   ', /must not be empty/],
    ['_sluice_imports', /reserved table name/],
    ['SQLITE_master', /reserved table name/],
  ] as const) {
    const outcome = await runSluice(['import', file, '--db', db, '--table', name]);
    assert.equal(outcome.code, 2, `${JSON.stringify(name)}: ${outcome.stderr}`);
    assert.match(outcome.stderr, message);
  }
  assert.equal(queryAll(db, 'SELECT count(*) AS n FROM _sluice_imports')[0]!.n, names.length + 1, 'refused names started no import');
});

test('hostile header names (injection, empty, duplicates, 1,000 characters, unicode) become inert columns', { timeout: 60_000 }, async () => {
  const long = 'h'.repeat(1000);
  const header = ['"""; DROP TABLE x; --"', '', '', 'dup', 'dup', long, 'naïve 表', 'rowid', '"quoted ""name"""'];
  const file = path.join(dir, 'headers.csv');
  fs.writeFileSync(file, `${header.join(',')}\n1,2,3,4,5,6,7,8,9\n`);
  const db = path.join(dir, 'headers.sqlite');
  assert.equal((await runSluice(['import', file, '--db', db, '--table', 'x'])).code, 0);
  const outcome = await runSluice(['import', file, '--db', db, '--json']);
  assert.equal(outcome.code, 0, outcome.stderr);
  const columns = queryAll(db, `SELECT name FROM pragma_table_info('headers')`).map((row) => String(row.name));
  assert.equal(columns.length, header.length);
  assert.equal(new Set(columns).size, header.length, 'duplicate and empty names were made unique');
  assert.ok(columns.includes(long) && columns.includes('naïve 表') && columns.includes('"; DROP TABLE x; --'));
  assert.deepEqual(Object.values(queryAll(db, 'SELECT * FROM headers')[0]!), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(queryAll(db, 'SELECT count(*) AS n FROM x')[0]!.n, 1, 'table x survived');
});
