import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../../../main/engine/store/store.js';
import { exportQuarantine, exportTable } from '../../../main/engine/export/export-table.js';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { SluiceError } from '../../../main/engine/errors.js';
import { tempDir } from '../../helpers/paths.js';

/** The Export screen's choices in the engine: columns, the Data grid's view, delimiter and line ending. */
const dir = tempDir('sluice-export-choices-');
fs.chmodSync(dir, 0o777);
const dbPath = path.join(dir, 'store.sqlite');
const store = Store.open(dbPath);
store.db.exec('CREATE TABLE people (id INTEGER, name TEXT, city TEXT, score REAL)');
const insert = store.db.prepare('INSERT INTO people (id, name, city, score) VALUES (?, ?, ?, ?)');
const PEOPLE: [number, string, string | null, number][] = [
  [1, 'Ann', 'Oslo', 3.5],
  [2, "O'Brien", 'Cork', 9],
  [3, '50% off', 'Oslo', 1],
  [4, 'Bo', null, 7.25],
  [5, 'Cy', 'Oslo; Norway', 7.25],
];
for (const row of PEOPLE) insert.run(...row);

async function exported(name: string, options: Parameters<typeof exportTable>[3]): Promise<string> {
  const out = path.join(dir, name);
  await exportTable(store, 'people', out, options);
  return fs.readFileSync(out, 'utf8');
}

async function refusal(promise: Promise<unknown>): Promise<SluiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SluiceError, `expected a SluiceError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a refusal');
}

test('chosen columns are written in the order chosen; the others are left out', async () => {
  const text = await exported('columns.csv', { format: 'csv', columns: ['name', 'id'] });
  assert.equal(text, "name,id\r\nAnn,1\r\nO'Brien,2\r\n50% off,3\r\nBo,4\r\nCy,5\r\n");
  const jsonl = await exported('columns.jsonl', { format: 'jsonl', columns: ['city'] });
  assert.deepEqual(jsonl.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown), PEOPLE.map(([, , city]) => ({ city })));
});

test('an unknown, repeated or empty column choice is refused before a file is written', async () => {
  assert.match((await refusal(exported('bad1.csv', { format: 'csv', columns: ['nope'] }))).message, /no column "nope"/);
  assert.match((await refusal(exported('bad2.csv', { format: 'csv', columns: ['id', 'id'] }))).message, /chosen twice/);
  assert.match((await refusal(exported('bad3.csv', { format: 'csv', columns: [] }))).message, /at least one column/);
  assert.deepEqual(fs.readdirSync(dir).filter((name) => name.startsWith('bad')), []);
});

test("the Data grid's view: its filters (bound, so quotes and % are plain text) and its sort, ties ordered as the grid orders them", async () => {
  const sorted = await exported('view1.csv', { format: 'csv', columns: ['id'], view: { sort: { column: 'score', descending: true } } });
  // 4 and 5 tie on score: a descending sort walks the row ids backwards too, exactly as the grid pages.
  assert.equal(sorted, 'id\r\n2\r\n5\r\n4\r\n1\r\n3\r\n');
  const quote = await exported('view2.csv', { format: 'csv', columns: ['id', 'name'], view: { filter: "o'b" } });
  assert.equal(quote, "id,name\r\n2,O'Brien\r\n");
  const percent = await exported('view3.csv', { format: 'csv', columns: ['id'], view: { filter: '%' } });
  assert.equal(percent, 'id\r\n3\r\n');
  const columnFilters = await exported('view4.csv', {
    format: 'csv',
    columns: ['id'],
    view: { columnFilters: [{ column: 'city', op: 'contains', value: 'oslo' }, { column: 'score', op: 'range', min: '2' }], sort: { column: 'id', descending: true } },
  });
  assert.equal(columnFilters, 'id\r\n5\r\n1\r\n');
  const nulls = await exported('view5.csv', { format: 'csv', columns: ['id'], view: { columnFilters: [{ column: 'city', op: 'null' }] } });
  assert.equal(nulls, 'id\r\n4\r\n');
});

test('delimiter and line ending: semicolon and tab quote only what needs it; LF when asked', async () => {
  const semicolon = await exported('semi.csv', { format: 'csv', columns: ['id', 'city'], delimiter: ';', newline: '\n', view: { filter: 'oslo' } });
  assert.equal(semicolon, 'id;city\n1;Oslo\n3;Oslo\n5;"Oslo; Norway"\n');
  const tab = await exported('tab.tsv', { format: 'csv', columns: ['name', 'score'], delimiter: '\t', view: { columnFilters: [{ column: 'id', op: 'equals', value: '4' }] } });
  assert.equal(tab, 'name\tscore\r\nBo\t7.25\r\n');
});

test('a delimiter that would break the file is refused', async () => {
  for (const delimiter of ['"', '\n', ';;', '']) {
    assert.equal((await refusal(exported('bad-delimiter.csv', { format: 'csv', delimiter }))).code, 'USAGE', JSON.stringify(delimiter));
  }
});

test('a folder the user cannot write names the real cause, and the store stays usable', () => {
  const locked = path.join(dir, 'locked');
  fs.mkdirSync(locked, { mode: 0o555 });
  fs.chmodSync(locked, 0o555);
  fs.chmodSync(dbPath, 0o666);
  // Root ignores file permissions: the export runs as "nobody" in a child process, as a normal user would.
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const script = `
    const { Store } = await import(${JSON.stringify(new URL('../../../main/engine/store/store.js', import.meta.url).href)});
    const { exportTable } = await import(${JSON.stringify(new URL('../../../main/engine/export/export-table.js', import.meta.url).href)});
    const store = Store.open(${JSON.stringify(dbPath)}, { readonly: true });
    let message = 'no error';
    try { await exportTable(store, 'people', ${JSON.stringify(path.join(locked, 'out.csv'))}, { format: 'csv' }); }
    catch (error) { message = error.code + ': ' + error.message; }
    const after = store.db.prepare('SELECT count(*) AS n FROM people').get().n;
    store.close();
    console.log(JSON.stringify({ message, after }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', ...asNobody });
  assert.equal(child.status, 0, child.stderr);
  const outcome = JSON.parse(child.stdout) as { message: string; after: number };
  assert.match(outcome.message, /^FILE_UNREADABLE: Cannot write .*out\.csv: permission denied \(you cannot create files in the folder .*locked\)/);
  assert.doesNotMatch(outcome.message, /busy/);
  assert.equal(outcome.after, PEOPLE.length, 'the connection answers queries after the failed export');
  assert.deepEqual(fs.readdirSync(locked), [], 'nothing was left in the folder');
});

test("a quarantine export takes the chosen delimiter and line ending too", async () => {
  const file = path.join(dir, 'plans.csv');
  fs.writeFileSync(file, 'id,plan\n1,pro\n2,gold; extra\n');
  const qPath = path.join(dir, 'quarantine.sqlite');
  const rules = { fields: [{ name: 'id', type: 'integer' }, { name: 'plan', type: 'string', constraints: { enum: ['pro'] } }] };
  const summary = await runImport({ sourcePath: file, dbPath: qPath, schema: rules, workers: 1 });
  const quarantine = Store.open(qPath, { readonly: true });
  try {
    const out = path.join(dir, 'quarantine.csv');
    await exportQuarantine(quarantine, summary.importId, out, { format: 'csv', delimiter: ';', newline: '\n' });
    const [header, row, end] = fs.readFileSync(out, 'utf8').split('\n');
    assert.equal(header, 'row_number;line;byte_offset;status;errors;raw');
    assert.match(row!, /^2;3;\d+;open;"\[.*\]";"2,gold; extra"$/);
    assert.equal(end, '');
  } finally {
    quarantine.close();
  }
});
