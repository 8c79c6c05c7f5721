/**
 * A CSV imported with --no-header exports without a header line by default (its columns are named
 * column_1, … only inside Sluice), so the file comes back as it was; `sluice export --header/--no-header`
 * overrides the default either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let counter = 0;

function importFile(name: string, content: string | Buffer, extra: string[] = []): string {
  const file = path.join(dir, `${++counter}-${name}`);
  fs.writeFileSync(file, content);
  const db = path.join(dir, `store-${counter}.sqlite`);
  const run = sluice(['import', file, '--db', db, '--table', 't', '--workers', '1', ...extra]);
  assert.equal(run.status, 0, run.stderr);
  return db;
}

function exported(db: string, extra: string[] = []): Buffer {
  const out = path.join(dir, `${++counter}-out.csv`);
  const run = sluice(['export', '--db', db, '--table', 't', '--out', out, ...extra]);
  assert.equal(run.status, 0, run.stderr);
  return fs.readFileSync(out);
}

test('a CSV imported with --no-header exports the same bytes, without a column_1,… header', () => {
  const content = '1,2\n3,4\n';
  const db = importFile('plain.csv', content, ['--no-header']);
  assert.equal(exported(db).toString('utf8'), content);
  assert.equal(exported(db, ['--header']).toString('utf8'), `column_1,column_2\n${content}`, '--header asks for one');
});

test('a headerless file with a byte order mark and CRLF comes back byte for byte', () => {
  const content = Buffer.from('\ufeffZoë;1\r\nJosé;2\r\n', 'utf8');
  const db = importFile('bom.csv', content, ['--no-header']);
  assert.deepEqual(exported(db), content);
});

test('a table imported with a header exports without one when asked (--no-header)', () => {
  const db = importFile('with-header.csv', 'a,b\n1,2\n');
  assert.equal(exported(db).toString('utf8'), 'a,b\n1,2\n');
  assert.equal(exported(db, ['--no-header']).toString('utf8'), '1,2\n');
});

test('--header and --no-header together is a usage error; the help explains both', () => {
  const db = importFile('both.csv', 'a,b\n1,2\n');
  const run = sluice(['export', '--db', db, '--table', 't', '--out', path.join(dir, 'both.out.csv'), '--header', '--no-header']);
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /--header.*--no-header|--no-header.*--header/);
  const help = sluice(['export', '--help']);
  assert.match(help.stdout, /--header/);
  assert.match(help.stdout, /--no-header/);
});

test('a table whose stored schema predates the no-header mark still exports without a header (the import\'s layout says)', () => {
  const db = importFile('older.csv', '1,2\n3,4\n', ['--no-header']);
  // As an earlier version stored it: no header mark in the schema.
  const store = new Database(db);
  store.prepare(`UPDATE _sluice_tables SET schema = json_remove(schema, '$."sluice:source".header')`).run();
  store.close();
  assert.equal(exported(db).toString('utf8'), '1,2\n3,4\n');
});
