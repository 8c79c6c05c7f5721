import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, queryAll, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { sluiceWithInput } from '../helpers/sources.js';

const dir = tempDir();
let counter = 0;

function importFile(name: string, content: string | Buffer, extra: string[] = []) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  const db = path.join(dir, `store-${++counter}.sqlite`);
  const run = sluice(['import', file, '--db', db, '--json', '--workers', '2', ...extra]);
  return { run, db, summary: run.status === 0 || run.status === 1 ? safeJson(run) : {}, table: path.basename(name).replace(/\..*$/, '').replace(/[^a-z0-9]/gi, '_').toLowerCase() };
}

function safeJson(run: ReturnType<typeof sluice>) {
  try {
    return lastJson(run);
  } catch {
    return {};
  }
}

function rows(db: string, table: string) {
  return queryAll(db, `SELECT * FROM "${table}" ORDER BY rowid`);
}

function quarantine(db: string) {
  return queryAll(db, 'SELECT row_number, line, raw, errors FROM _sluice_quarantine ORDER BY row_number').map((row) => ({
    row_number: Number(row.row_number),
    line: Number(row.line),
    raw: String(row.raw),
    errors: JSON.parse(String(row.errors)) as { rule: string; message: string }[],
  }));
}

test('empty file imports nothing and says so', () => {
  const { run, summary } = importFile('empty.csv', '');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(summary.rowsRead, 0);
});

test('header only creates the table with no rows', () => {
  const { run, db, summary } = importFile('header-only.csv', 'a,b,c\n');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(summary.rowsRead, 0);
  assert.deepEqual(queryAll(db, `SELECT name FROM pragma_table_info('header_only')`).map((r) => r.name), ['a', 'b', 'c']);
});

test('ragged rows are quarantined with the expected and found field counts', () => {
  const { run, db, summary } = importFile('ragged-rows.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual([summary.rowsRead, summary.rowsInserted, summary.rowsQuarantined], [4, 2, 2]);
  const bad = quarantine(db);
  assert.deepEqual(bad.map((row) => [row.row_number, row.line, row.raw]), [[2, 3, '4,5'], [3, 4, '6,7,8,9']]);
  assert.match(bad[0]!.errors[0]!.message, /expected 3 fields, found 2/);
});

test('quotes and newlines inside fields survive, with correct line numbers after them', () => {
  const { run, db } = importFile('quoted-newlines.csv', 'id,text\n1,"line one\nline two"\n2,"say ""hi"", then go"\n3,x,extra\n');
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(rows(db, 'quoted_newlines').map((r) => r.text), ['line one\nline two', 'say "hi", then go']);
  assert.equal(quarantine(db)[0]!.line, 5);
});

test('UTF-8 BOM, CRLF and a missing final newline', () => {
  const { run, db } = importFile('utf8-bom-crlf.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name,city\r\nZoë,Zürich\r\nÅsa,Malmö')]));
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(rows(db, 'utf8_bom_crlf'), [
    { name: 'Zoë', city: 'Zürich' },
    { name: 'Åsa', city: 'Malmö' },
  ]);
});

test('duplicate and blank header names get unique column names', () => {
  const { run, db } = importFile('duplicate-headers.csv', 'id,name,name,,Name\n1,a,b,c,d\n');
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(rows(db, 'duplicate_headers'), [{ id: 1, name: 'a', name_2: 'b', column_4: 'c', Name_3: 'd' }]);
});

test('a 5 MB field is imported whole', () => {
  const big = 'x'.repeat(5 * 1024 * 1024);
  const { run, db } = importFile('big-field.csv', `id,blob\n1,"${big}"\n2,small\n`);
  assert.equal(run.status, 0, run.stderr);
  const stored = queryAll(db, 'SELECT id, length(blob) AS n FROM big_field ORDER BY rowid');
  assert.deepEqual(stored, [{ id: 1, n: big.length }, { id: 2, n: 5 }]);
});

test('invalid UTF-8 in an otherwise UTF-8 file quarantines only the bad row', () => {
  // "Otherwise UTF-8": valid multi-byte text around the bad byte (a file of ASCII and one stray 0xE9 reads as windows-1252).
  const head = Buffer.from(`id,name\n${Array.from({ length: 10000 }, (_, i) => `${i},Zoë ${i}`).join('\n')}\n`);
  const bad = Buffer.concat([Buffer.from('9999,caf'), Buffer.from([0xe9]), Buffer.from('\n10000,fine\n')]);
  const { run, db, summary } = importFile('invalid-utf8.csv', Buffer.concat([head, bad]));
  assert.equal(run.status, 0, run.stderr);
  assert.equal(summary.rowsQuarantined, 1);
  assert.equal(summary.rowsInserted, 10001);
  const [row] = quarantine(db);
  assert.equal(row!.raw, '9999,café');
  assert.equal(row!.errors[0]!.rule, 'encoding');
});

test('a windows-1252 file is detected and decoded', () => {
  const { run, db } = importFile('windows-1252.csv', Buffer.from([...Buffer.from('name\n'), 0x43, 0x61, 0x66, 0xe9, 0x0a]));
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(rows(db, 'windows_1252'), [{ name: 'Café' }]);
});

test('UTF-16LE with BOM', () => {
  const { run, db } = importFile('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a;b\r\n1;ü\r\n', 'utf16le')]));
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(rows(db, 'utf16'), [{ a: 1, b: 'ü' }]);
});

test('semicolon, tab and pipe delimiters are sniffed', () => {
  for (const [name, delimiter] of [['semi.csv', ';'], ['tabs.tsv', '\t'], ['pipes.csv', '|']] as const) {
    const { run, db, table } = importFile(name, `a${delimiter}b\n1${delimiter}2,5\n`);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(rows(db, table), [{ a: 1, b: '2,5' }], name);
  }
});

test('--no-header names the columns column_1…', () => {
  const { run, db } = importFile('noheader.csv', '1,2\n3,4\n', ['--no-header']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(rows(db, 'noheader'), [{ column_1: 1, column_2: 2 }, { column_1: 3, column_2: 4 }]);
});

test('a header of years is taken as data unless --with-header says it is a header', () => {
  const guessed = importFile('years.csv', 'region,2021,2022\nnorth,5,6\n');
  assert.equal(guessed.run.status, 0, guessed.run.stderr);
  assert.equal(rows(guessed.db, 'years').length, 2);
  const told = importFile('years-told.csv', 'region,2021,2022\nnorth,5,6\n', ['--with-header']);
  assert.equal(told.run.status, 0, told.run.stderr);
  assert.deepEqual(rows(told.db, 'years_told'), [{ region: 'north', '2021': 5, '2022': 6 }]);
});

test('JSONL: blank lines are counted, non-objects and bad JSON are quarantined, nested values kept as JSON', () => {
  const content = '{"id":1,"tags":["a","b"],"ok":true}\n\n[1,2]\n{"id":2,\n"just a string"\n{"id":3,"meta":{"k":1}}\n';
  const { run, db, summary } = importFile('events.jsonl', content);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual([summary.rowsRead, summary.rowsInserted, summary.rowsQuarantined], [5, 2, 3]);
  const stored = rows(db, 'events');
  assert.equal(stored[0]!.tags, '["a","b"]');
  assert.equal(stored[0]!.ok, 1);
  const bad = quarantine(db);
  assert.deepEqual(bad.map((row) => row.line), [3, 4, 5]);
  assert.deepEqual(bad.map((row) => row.errors[0]!.rule), ['json-object', 'json-syntax', 'json-object']);
  const counters = JSON.parse(String(queryAll(db, 'SELECT counters FROM _sluice_imports')[0]!.counters)) as { blankLines: number };
  assert.equal(counters.blankLines, 1);
});

test('column names that look like SQL are stored as plain names', () => {
  const header = ['"; DROP TABLE x; --', 'a"b', 'ünï', 'x'.repeat(1000)].map((h) => `"${h.replace(/"/g, '""')}"`).join(',');
  const { run, db } = importFile('evil.csv', `${header}\n1,2,3,4\n`);
  assert.equal(run.status, 0, run.stderr);
  const names = queryAll(db, `SELECT name FROM pragma_table_info('evil')`).map((r) => r.name);
  assert.deepEqual(names, ['"; DROP TABLE x; --', 'a"b', 'ünï', 'x'.repeat(1000)]);
});

test('usage errors exit 2, a missing file exits 1 with one clear line', () => {
  assert.equal(sluice(['import']).status, 2);
  assert.equal(sluice(['import', 'x.csv', '--db', path.join(dir, 'u.sqlite'), '--workers', 'zero']).status, 2);
  assert.equal(sluice(['frobnicate']).status, 2);
  const tooMany = sluice(['import', 'x.csv', '--db', path.join(dir, 'u.sqlite'), '--workers', '100000']);
  assert.equal(tooMany.status, 2, 'a worker count that would exhaust memory is a usage error, not a killed process');
  assert.match(tooMany.stderr, /^sluice: --workers takes at most 64 \(this machine runs \d+ threads at once\), got 100000\.$/m);
  const noDelimiter = sluice(['import', path.join(dir, 'people.csv'), '--db', path.join(dir, 'u.sqlite'), '--delimiter', '']);
  assert.equal(noDelimiter.status, 2, 'an empty --delimiter is refused, not silently sniffed');
  assert.match(noDelimiter.stderr, /--delimiter must be one character \(or tab\/comma\/semicolon\/pipe\), got ""/);
  const missing = sluice(['import', path.join(dir, 'nope.csv'), '--db', path.join(dir, 'm.sqlite')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.csv: no such file/);
  assert.doesNotMatch(missing.stderr, /at .*\.js:\d+/);
  const loop = path.join(dir, 'loop.csv');
  fs.symlinkSync(loop, loop);
  const looped = sluice(['import', loop, '--db', path.join(dir, 'm.sqlite')]);
  assert.equal(looped.status, 1);
  assert.equal(looped.stderr.trim(), `sluice: ${loop}: its symbolic links lead round in a loop; point it at a real file.`);
  const directory = sluice(['import', dir, '--db', path.join(dir, 'd.sqlite')]);
  assert.equal(directory.status, 1);
  assert.match(directory.stderr, /is a directory/);
});

test('a second import of the same unfinished file asks for --resume or --restart; upsert with --key updates', () => {
  const file = path.join(dir, 'people.csv');
  fs.writeFileSync(file, 'id,name\n1,a\n2,b\n');
  const db = path.join(dir, 'upsert.sqlite');
  assert.equal(sluice(['import', file, '--db', db, '--key', 'id']).status, 0);
  fs.writeFileSync(file, 'id,name\n2,B\n3,c\n2,BB\n');
  const second = sluice(['import', file, '--db', db, '--key', 'id', '--json']);
  assert.equal(second.status, 0, second.stderr);
  const summary = lastJson(second);
  assert.deepEqual([summary.rowsInserted, summary.rowsUpdated], [1, 2]);
  assert.deepEqual(rows(db, 'people'), [{ id: 1, name: 'a' }, { id: 2, name: 'BB' }, { id: 3, name: 'c' }]);
});

test('JSONL keys that only appear later in the file become columns, not quarantined rows', () => {
  const lines = Array.from({ length: 40_000 }, (_, i) =>
    JSON.stringify(i < 24_000 ? { id: i, level: 'info', message: `event ${i}` } : { id: i, level: 'warn', message: `event ${i}`, region: 'eu' }),
  );
  const { run, db, summary } = importFile('late-keys.jsonl', `${lines.join('\n')}\n`);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual([summary.rowsInserted, summary.rowsQuarantined], [40_000, 0]);
  assert.deepEqual(queryAll(db, 'SELECT count(*) AS n FROM late_keys WHERE region = ?', 'eu'), [{ n: 16_000 }]);
});

test('export --force onto a named pipe is refused and leaves it in place', () => {
  const { db, table } = importFile('pipe-source.csv', 'id,name\n1,a\n2,b\n');
  const fifo = path.join(dir, 'out.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const refused = sluice(['export', '--db', db, '--table', table, '--out', fifo, '--force']);
  assert.equal(refused.status, 1, refused.stderr);
  assert.equal(refused.stderr.trim(), `sluice: Cannot write ${fifo}: it is not a regular file (a device, pipe or socket); Sluice writes regular files only (use --out - for standard output).`);
  assert.ok(fs.statSync(fifo).isFIFO(), 'the pipe is still a pipe');
  // Devices are covered by the write-permission unit test, which only decides: a regression here must not replace /dev/null.
});

test('files with no header and no rows (0 bytes, only a BOM, only blank lines, a 0-byte JSONL) import nothing, say so, and read as complete', () => {
  const db = path.join(dir, 'nothing.sqlite');
  const cases: [string, string | Buffer][] = [
    ['nothing.csv', ''],
    ['nothing.jsonl', ''],
    ['bom-only.csv', Buffer.from([0xef, 0xbb, 0xbf])],
    ['blank-lines.csv', '\r\n\r\n\r\n'],
  ];
  for (const [name, content] of cases) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    const run = sluice(['import', file, '--db', db, '--table', 'nothing', '--json']);
    assert.equal(run.status, 0, `${name}: ${run.stderr}`);
    const summary = lastJson(run);
    assert.deepEqual([summary.status, summary.rowsRead, summary.bytesRead], ['completed', 0, Buffer.byteLength(content)], name);
    assert.match(String(summary.plan), /^nothing to import: .* holds no header and no rows/, name);
  }
  const human = sluice(['import', path.join(dir, 'nothing.csv'), '--db', db, '--table', 'nothing']);
  assert.equal(human.status, 0, 'an empty file never counts as already imported');
  assert.match(human.stderr, /plan: nothing to import: .*nothing\.csv holds no header and no rows \(empty, or only a BOM or blank lines\); no table is created or changed/);
  assert.deepEqual(queryAll(db, `SELECT count(*) AS n FROM sqlite_schema WHERE name = 'nothing'`), [{ n: 0 }]);
  const piped = sluiceWithInput(['import', '-', '--db', db, '--table', 'nothing'], '');
  assert.equal(piped.status, 0, piped.stderr);
  assert.match(piped.stderr, /plan: nothing to import: standard input holds no header and no rows/);
  const status = sluice(['status', '--db', db, '--json']).stdout.trim().split('\n').map((line) => JSON.parse(line) as { nextByteOffset: number; totalBytes: number });
  assert.ok(status.every((record) => record.nextByteOffset === record.totalBytes), 'every byte accounted for: 100%');
});

test('--db naming a store from a newer Sluice, an empty file or another program\'s SQLite database: a clear error, exit 1, the file untouched', () => {
  const future = path.join(dir, 'future.sqlite');
  const source = path.join(dir, 'future-source.csv');
  fs.writeFileSync(source, 'id\n1\n');
  const made = sluice(['import', source, '--db', future, '--table', 'f']);
  assert.equal(made.status, 0, made.stderr);
  const raw = new Database(future);
  raw.pragma('journal_mode = DELETE');
  const known = raw.pragma('user_version', { simple: true }) as number;
  raw.pragma(`user_version = ${known + 5}`);
  raw.close();
  const other = path.join(dir, 'other-program.db');
  const db = new Database(other);
  db.exec("CREATE TABLE users (id INTEGER, name TEXT); INSERT INTO users VALUES (1, 'ann')");
  db.close();
  const empty = path.join(dir, 'empty.sqlite');
  fs.writeFileSync(empty, '');
  const cases: [string, RegExp][] = [
    [future, new RegExp(`future\\.sqlite was written by a newer version of Sluice \\(store format ${known + 5}; this version knows formats up to ${known}\\); upgrade Sluice to open it\\. Nothing was changed\\.`)],
    [other, /other-program\.db is an SQLite database but not a Sluice store \(it has none of Sluice's tables\); it was left as it is/],
    [empty, /empty\.sqlite is empty, not a Sluice store yet; import a file into it first/],
  ];
  for (const [file, message] of cases) {
    const before = fs.readFileSync(file);
    for (const command of [['status'], ['log', '--import', '1'], ['quarantine'], ['undo', '--import', '1'], ['export', '--table', 'f', '--out', path.join(dir, 'never.csv')]]) {
      const run = sluice([...command, '--db', file]);
      assert.equal(run.status, 1, `${command[0]} on ${path.basename(file)}: ${run.stderr}`);
      assert.match(run.stderr, message, command[0]);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.deepEqual(fs.readFileSync(file), before, `${path.basename(file)} is unchanged`);
  }
  const importFuture = sluice(['import', source, '--db', future, '--table', 'g']);
  assert.equal(importFuture.status, 1);
  assert.match(importFuture.stderr, /newer version of Sluice/);
});

test('a JSON array file or JSONL of only [ ], "text" or {} lines is refused with a clear error, not "completed" with its lines dropped unseen', () => {
  for (const [name, content] of [
    ['one-array.jsonl', '[{"a":1},{"a":2}]\n'],
    ['no-objects.jsonl', '[1,2]\n"text"\n{}\n'],
  ] as const) {
    const { run, db } = importFile(name, content);
    assert.equal(run.status, 1, `${name}: ${run.stderr}`);
    assert.match(run.stderr, /is not JSON Lines that Sluice can import: none of the lines it sampled is a JSON object with fields .* nothing was imported\./);
    assert.deepEqual(queryAll(db, 'SELECT count(*) AS n FROM _sluice_imports'), [{ n: 0 }], 'no import was recorded');
  }
});

test('a file name with a newline keeps the status table one line per import (shown escaped)', () => {
  const { run, db } = importFile('new\nline.csv', 'id\n1\n');
  assert.equal(run.status, 0, run.stderr);
  const status = sluice(['status', '--db', db]);
  const lines = status.stdout.trim().split('\n');
  assert.equal(lines.length, 3, status.stdout);
  assert.ok(lines[2]!.endsWith('new\\nline.csv'), lines[2]);
});
