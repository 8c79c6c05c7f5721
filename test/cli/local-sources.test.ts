import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { zipSync } from 'fflate';
import { queryAll, sluice } from '../helpers/cli.js';
import { CLI, tempDir } from '../helpers/paths.js';
import { pipeline, sampleCsv, sluiceWithInput, snapshot } from '../helpers/sources.js';

const dir = tempDir('sluice-local-');
const body = sampleCsv(2000);
const plain = path.join(dir, 'plain.csv');
fs.writeFileSync(plain, body);
let stores = 0;
const newDb = () => path.join(dir, `store-${++stores}.sqlite`);
const referenceDb = newDb();
assert.equal(sluice(['import', plain, '--db', referenceDb, '--table', 'data']).status, 0);
const reference = snapshot(referenceDb, 'data');

function spoolFiles(db: string): string[] {
  return fs.readdirSync(path.dirname(db)).filter((name) => name.startsWith(`${path.basename(db)}.spool-`));
}

test('import - reads standard input (format sniffed) and equals the file import; the spool is removed', () => {
  const db = newDb();
  const run = sluiceWithInput(['import', '-', '--db', db, '--table', 'data'], body);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(snapshot(db, 'data'), reference);
  assert.deepEqual(spoolFiles(db), []);
  const jsonl = sluiceWithInput(['import', '-', '--db', db, '--table', 'events', '--json'], '{"a":1,"b":"x"}\n{"a":2,"b":"y"}\n');
  assert.equal(jsonl.status, 0, jsonl.stderr);
  assert.deepEqual(queryAll(db, 'SELECT a, b FROM events ORDER BY rowid'), [{ a: 1, b: 'x' }, { a: 2, b: 'y' }]);
  const devStdin = sluiceWithInput(['import', '/dev/stdin', '--db', db, '--table', 'dev_stdin'], body);
  assert.equal(devStdin.status, 0, devStdin.stderr);
  assert.deepEqual(snapshot(db, 'dev_stdin').rows, reference.rows);
  const defaultName = sluiceWithInput(['import', '-', '--db', db], body);
  assert.equal(defaultName.status, 0, defaultName.stderr);
  assert.match(defaultName.stdout, /table "stdin"/);
});

test('.gz and .zip files (and gzip on stdin) equal the plain file import; found by magic bytes, not the name', () => {
  const gz = path.join(dir, 'data.csv.gz');
  fs.writeFileSync(gz, zlib.gzipSync(body));
  const zip = path.join(dir, 'data.zip');
  fs.writeFileSync(zip, zipSync({ 'export/': new Uint8Array(0), 'export/data.csv': body, '__MACOSX/._data.csv': new Uint8Array([0, 1]) }));
  const disguised = path.join(dir, 'disguised.csv');
  fs.writeFileSync(disguised, zlib.gzipSync(body));
  for (const file of [gz, zip, disguised]) {
    const db = newDb();
    const run = sluice(['import', file, '--db', db, '--table', 'data']);
    assert.equal(run.status, 0, `${file}: ${run.stderr}`);
    assert.deepEqual(snapshot(db, 'data'), reference, file);
    assert.deepEqual(spoolFiles(db), []);
  }
  const db = newDb();
  assert.equal(sluice(['import', gz, '--db', db]).status, 0);
  assert.equal(queryAll(db, `SELECT count(*) AS n FROM data`)[0]!.n, reference.rows.length, 'the table is named without .csv.gz');
  const nothing = sluice(['import', gz, '--db', db, '--resume']);
  assert.equal(nothing.status, 1);
  assert.match(nothing.stderr, /There is no unfinished import of .*data\.csv\.gz into table "data" to resume/);
  const piped = newDb();
  const run = sluiceWithInput(['import', '-', '--db', piped, '--table', 'data'], zlib.gzipSync(body));
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(snapshot(piped, 'data'), reference);
});

test('a zip with two data files, a corrupt gzip, and binary files are refused before any table is created', () => {
  const twoMembers = path.join(dir, 'two.zip');
  fs.writeFileSync(twoMembers, zipSync({ 'a.csv': body, 'b.csv': body }));
  const corrupt = path.join(dir, 'corrupt.csv.gz');
  fs.writeFileSync(corrupt, zlib.gzipSync(body).subarray(0, 200));
  const png = path.join(dir, 'picture.csv');
  fs.writeFileSync(png, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]));
  const nul = path.join(dir, 'nul.csv');
  fs.writeFileSync(nul, Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.from([0, 0, 1, 0, 2, 0, 0, 0, 5]), Buffer.from('\n3,4\n')]));
  const cases: [string, RegExp][] = [
    [twoMembers, /holds more than one data file \(a\.csv, b\.csv/],
    [corrupt, /is not a readable gzip file/],
    [png, /picture\.csv is not a text file: it looks like a PNG image/],
    [nul, /nul\.csv is not a text file: it looks like binary data \(it contains NUL bytes\)/],
  ];
  for (const [file, message] of cases) {
    const db = newDb();
    const run = sluice(['import', file, '--db', db, '--json']);
    assert.equal(run.status, 1, `${file}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.deepEqual(queryAll(db, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '\\_sluice\\_%' ESCAPE '\\'`), [], 'no table');
    assert.deepEqual(spoolFiles(db), [], 'no spool left behind');
  }
  const infer = sluice(['infer', png]);
  assert.equal(infer.status, 1);
  assert.match(infer.stderr, /picture\.csv is not a text file: it looks like a PNG image/);
  const binaryStdin = sluiceWithInput(['import', '-', '--db', newDb()], Buffer.from('%PDF-1.7\n...'));
  assert.equal(binaryStdin.status, 1);
  assert.match(binaryStdin.stderr, /standard input|is not a text file: it looks like a PDF document/);
});

test('a named pipe cannot seek either: it is spooled and imported like the file', () => {
  const db = newDb();
  const fifo = path.join(dir, 'feed.fifo');
  const run = pipeline(`mkfifo ${fifo} && (cat ${plain} > ${fifo} &) && node ${CLI} import ${fifo} --db ${db} --table data --format csv`);
  assert.equal(run.firstStatus, 0, run.stderr);
  assert.deepEqual(snapshot(db, 'data'), reference);
});

test('UTF-16 text (NUL bytes in every other byte) is still text', () => {
  const utf16 = path.join(dir, 'utf16.csv');
  fs.writeFileSync(utf16, Buffer.from('a,b\n1,2\n', 'utf16le'));
  const run = sluice(['import', utf16, '--db', newDb(), '--json']);
  assert.equal(run.status, 0, run.stderr);
});

test('a stdin import can be resumed while its spool exists, and status says so', async () => {
  const db = newDb();
  const bad = Buffer.from(`id,n\n${Array.from({ length: 3000 }, (_, i) => `${i},${i % 500 === 7 ? 'x' : i}`).join('\n')}\n`);
  const rules = path.join(dir, 'n.rules.json');
  fs.writeFileSync(rules, JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'n', type: 'integer' }] }));
  const first = sluiceWithInput(['import', '-', '--db', db, '--table', 'nums', '--schema', rules, '--max-errors', '0', '--batch-rows', '100'], bad);
  assert.equal(first.status, 1, first.stderr);
  const status = sluice(['status', '--db', db]);
  assert.match(status.stdout, /failed .* yes +-/);
  assert.match(status.stdout, /#1: source spooled/);
  const json = JSON.parse(sluice(['status', '--db', db, '--json']).stdout.trim()) as { resumable: boolean; spool: { complete: boolean } };
  assert.equal(json.resumable, true);
  assert.equal(json.spool.complete, true);
  const again = sluiceWithInput(['import', '-', '--db', db, '--table', 'nums'], '');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /did not finish\. Use --resume/);
  const resumed = sluiceWithInput(['import', '-', '--db', db, '--table', 'nums', '--resume', '--max-errors', '100'], '');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(Number(queryAll(db, 'SELECT count(*) AS n FROM nums')[0]!.n), 3000 - 6);
  assert.deepEqual(spoolFiles(db), []);

  // A resume that needs nothing from stdin ends even while stdin stays open (a terminal, a pipe that never closes).
  const open = newDb();
  assert.equal(sluiceWithInput(['import', '-', '--db', open, '--table', 'nums', '--schema', rules, '--max-errors', '0'], bad).status, 1);
  const child = spawn(process.execPath, [CLI, 'import', '-', '--db', open, '--table', 'nums', '--resume', '--max-errors', '100'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const [code] = (await once(child, 'close')) as [number];
  child.stdin.destroy();
  assert.equal(code, 0);

  // Without its spool a stdin import cannot be resumed: status and --resume both say so.
  const gone = newDb();
  assert.equal(sluiceWithInput(['import', '-', '--db', gone, '--table', 'nums', '--schema', rules, '--max-errors', '0'], bad).status, 1);
  for (const file of spoolFiles(gone)) fs.rmSync(path.join(dir, file));
  assert.match(sluice(['status', '--db', gone]).stdout, /no longer spooled; it cannot be resumed/);
  const refused = sluiceWithInput(['import', '-', '--db', gone, '--table', 'nums', '--resume'], '');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /cannot be resumed: its spooled data is gone\. Pipe the data again with --restart/);
});

test('export --out - writes standard output; --out x.csv.gz is gzip-compressed', () => {
  const out = pipeline(`node ${CLI} export --db ${referenceDb} --table data --out -`);
  assert.equal(out.firstStatus, 0, out.stderr);
  assert.equal(out.stdout.split(/\r?\n/)[0], 'id,name,age,city');
  assert.equal(out.stdout.trimEnd().split(/\r?\n/).length, reference.rows.length + 1);
  assert.ok(!fs.existsSync(path.join(dir, '-')));
  const gz = path.join(dir, 'export.csv.gz');
  const run = sluice(['export', '--db', referenceDb, '--table', 'data', '--out', gz]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(zlib.gunzipSync(fs.readFileSync(gz)).toString(), out.stdout);
  const jsonl = path.join(dir, 'export.jsonl.gz');
  assert.equal(sluice(['export', '--db', referenceDb, '--table', 'data', '--out', jsonl]).status, 0);
  assert.deepEqual(JSON.parse(zlib.gunzipSync(fs.readFileSync(jsonl)).toString().split('\n')[0]!), reference.rows[0]);
});

test('a reader that stops early (| head) ends quarantine listing and export quietly with exit 0', () => {
  const db = newDb();
  const many = path.join(dir, 'many.csv');
  fs.writeFileSync(many, `id,n\n${Array.from({ length: 20000 }, (_, i) => `${i},${i % 2 ? 'x' : i}`).join('\n')}\n`);
  const rules = path.join(dir, 'many.rules.json');
  fs.writeFileSync(rules, JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'n', type: 'integer' }] }));
  assert.equal(sluice(['import', many, '--db', db, '--schema', rules]).status, 0);
  for (const command of [
    `node ${CLI} quarantine --db ${db} --limit 20000 | head -1`,
    `node ${CLI} quarantine --db ${db} --limit 20000 --json | head -1`,
    `node ${CLI} export --db ${db} --table many --out - | head -1`,
    `node ${CLI} export --db ${db} --quarantine latest --out - --format jsonl | head -1`,
  ]) {
    const run = pipeline(command);
    assert.equal(run.firstStatus, 0, `${command}: ${run.stderr}`);
    assert.equal(run.stdout.trim().split('\n').length, 1);
    assert.doesNotMatch(run.stderr, /EPIPE|Error|at .*\.js/);
  }
});

test('--max-bytes and --header are for URLs only', () => {
  const run = sluice(['import', plain, '--db', newDb(), '--max-bytes', '10']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--max-bytes applies to URL sources only/);
  const header = sluice(['import', plain, '--db', newDb(), '--header', 'X-Token: abc']);
  assert.equal(header.status, 2);
});
