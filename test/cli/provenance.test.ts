import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { lastJson, queryAll, queryRaw, sluice, spawnSluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { writeCustomerCsv } from '../helpers/generate.js';

/** The issue-11 sequences, as a new user would run them: nothing lost, nothing silently duplicated. */
const dir = tempDir();
const bigFile = path.join(dir, 'big.csv');
writeCustomerCsv(bigFile, 200_000, 5);

/** Starts an import of the big file and kills it (SIGKILL) once it has committed some rows. */
async function killedImport(db: string, table: string): Promise<void> {
  const child = spawnSluice(['import', bigFile, '--db', db, '--table', table, '--batch-rows', '2000', '--workers', '1']);
  const exited = once(child, 'exit');
  for (let waited = 0; waited < 60_000; waited += 25) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const committed = fs.existsSync(db) ? safeCount(db) : 0;
    if (committed > 0) break;
  }
  child.kill('SIGKILL');
  await exited;
  const [record] = queryAll(db, 'SELECT status, next_row_number FROM _sluice_imports WHERE id = 1');
  assert.notEqual(record!.status, 'completed', 'the import finished before it could be killed; the machine is too fast for this test');
}

function safeCount(db: string): number {
  try {
    return Number(queryAll(db, 'SELECT next_row_number - 1 AS n FROM _sluice_imports WHERE id = 1')[0]?.n ?? 0);
  } catch {
    return 0;
  }
}

function count(db: string, table: string): number {
  return Number(queryAll(db, `SELECT count(*) AS n FROM "${table}"`)[0]!.n);
}

let baselineRows = -1;
function baseline(): number {
  if (baselineRows < 0) {
    const db = path.join(dir, 'baseline.sqlite');
    const run = sluice(['import', bigFile, '--db', db, '--table', 'T', '--json']);
    assert.equal(run.status, 0, run.stderr);
    baselineRows = Number(lastJson(run).rowsInserted);
  }
  return baselineRows;
}

test('sequence 1: --restart takes back only its own rows; another import into the same table keeps its rows', { timeout: 180_000 }, async () => {
  const db = path.join(dir, 'seq1.sqlite');
  await killedImport(db, 'T');
  const other = path.join(dir, 'other.csv');
  fs.writeFileSync(other, 'id,name,email,age,plan,spend,notes\n900001,Zed,zed@example.com,40,free,1.00,\n900002,Yan,yan@example.com,41,free,2.00,\n');
  const second = sluice(['import', other, '--db', db, '--table', 'T', '--json']);
  assert.equal(second.status, 0, second.stderr);
  const restarted = sluice(['import', bigFile, '--db', db, '--table', 'T', '--restart', '--json']);
  assert.equal(restarted.status, 0, restarted.stderr);
  assert.equal(count(db, 'T'), baseline() + 2);
  // Ids are stored as integers (lossless typing, columns without affinity), so they are matched as numbers.
  assert.equal(queryAll(db, `SELECT count(*) AS n FROM T WHERE id IN (900001, 900002)`)[0]!.n, 2);
  const statuses = queryAll(db, 'SELECT id, status FROM _sluice_imports ORDER BY id').map((r) => r.status);
  assert.deepEqual(statuses, ['superseded', 'completed', 'completed']);
});

test('sequence 2: --restart with another case of the table name supersedes the killed import, no duplicates', { timeout: 180_000 }, async () => {
  const db = path.join(dir, 'seq2.sqlite');
  await killedImport(db, 'T');
  const restarted = sluice(['import', bigFile, '--db', db, '--table', 't', '--restart', '--json']);
  assert.equal(restarted.status, 0, restarted.stderr);
  assert.equal(lastJson(restarted).table, 'T', 'the table keeps its stored name');
  assert.equal(count(db, 'T'), baseline());
  assert.equal(queryAll(db, 'SELECT count(DISTINCT id) AS n FROM T')[0]!.n, baseline());
  assert.deepEqual(queryAll(db, 'SELECT status FROM _sluice_imports ORDER BY id').map((r) => r.status), ['superseded', 'completed']);
  // --resume finds it in any case too.
  const db2 = path.join(dir, 'seq2-resume.sqlite');
  await killedImport(db2, 'T');
  const resumed = sluice(['import', bigFile, '--db', db2, '--table', 't', '--resume', '--json']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(count(db2, 'T'), baseline());
});

test('sequence 3: the same content twice is refused (a copy too); --append, --replace and --key say what they do', () => {
  const db = path.join(dir, 'seq3.sqlite');
  const file = path.join(dir, 'people.csv');
  fs.writeFileSync(file, 'id,name\n1,ann\n2,bob\n');
  assert.equal(sluice(['import', file, '--db', db, '--table', 'p']).status, 0);
  const copy = path.join(dir, 'people-copy.csv');
  fs.copyFileSync(file, copy);
  const again = sluice(['import', copy, '--db', db, '--table', 'P']);
  assert.equal(again.status, 1);
  assert.equal(
    again.stderr.trim(),
    `sluice: ${copy} is already in table "p" (import #1); use --append to add it again, --replace to undo #1 and import it again, or --key to upsert`,
  );
  assert.equal(count(db, 'p'), 2, 'nothing written');
  assert.equal(queryAll(db, 'SELECT count(*) AS n FROM _sluice_imports')[0]!.n, 1, 'no import record for a refusal');

  const appended = sluice(['import', copy, '--db', db, '--table', 'p', '--append', '--json']);
  assert.equal(appended.status, 0, appended.stderr);
  assert.equal(count(db, 'p'), 4);
  const replaced = sluice(['import', copy, '--db', db, '--table', 'p', '--replace', '--json']);
  assert.equal(replaced.status, 0, replaced.stderr);
  assert.match(String(lastJson(replaced).plan), /after undoing import #2 \(--replace\)/);
  assert.equal(count(db, 'p'), 4, '--replace undid the earlier copy before importing again');
  assert.equal(queryAll(db, 'SELECT status FROM _sluice_imports WHERE id = 2')[0]!.status, 'undone');

  // A rule file's primaryKey: repeats within the file are counted and named; unchanged rows are not "updated".
  const keyed = path.join(dir, 'keyed.csv');
  fs.writeFileSync(keyed, 'id,name\n10,x\n11,y\n10,z\n');
  const rules = path.join(dir, 'keyed.rules.json');
  fs.writeFileSync(rules, JSON.stringify({ primaryKey: 'id', fields: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }] }));
  const kdb = path.join(dir, 'seq3-key.sqlite');
  const first = lastJson(sluice(['import', keyed, '--db', kdb, '--schema', rules, '--json']));
  assert.deepEqual(
    [first.rowsInserted, first.rowsUpdated, first.rowsUnchanged, first.duplicateKeys, first.duplicateKeyRows, first.upsertKey, first.keySource],
    [2, 1, 0, 1, [3], ['id'], 'rule file'],
  );
  const twice = sluice(['import', keyed, '--db', kdb, '--schema', rules, '--json']);
  assert.equal(twice.status, 0, 'a keyed import is idempotent: no re-import refusal');
  // id 10 holds z: its first row (x) changes it, its repeat (z) changes it back; id 11 is unchanged.
  assert.deepEqual([lastJson(twice).rowsUpdated, lastJson(twice).rowsUnchanged, lastJson(twice).duplicateKeys], [2, 1, 1]);
  const human = sluice(['import', keyed, '--db', kdb, '--schema', rules]);
  assert.match(human.stdout, /upsert key\s+id \(from the rule file's primaryKey\)/);
  assert.match(human.stdout, /repeated keys\s+1\s+\(rows 3\)/);
  assert.match(sluice(['status', '--db', kdb]).stdout, /upserts on key id \(from the rule file's primaryKey\)/);

  const firstWins = path.join(dir, 'seq3-first.sqlite');
  assert.equal(sluice(['import', keyed, '--db', firstWins, '--key', 'id', '--on-duplicate', 'first']).status, 0);
  assert.deepEqual(queryAll(firstWins, 'SELECT name FROM keyed WHERE id = 10'), [{ name: 'x' }]);
  const quarantined = path.join(dir, 'seq3-q.sqlite');
  assert.equal(sluice(['import', keyed, '--db', quarantined, '--key', 'id', '--on-duplicate', 'quarantine']).status, 0);
  assert.equal(queryAll(quarantined, `SELECT count(*) AS n FROM _sluice_quarantine WHERE errors LIKE '%duplicate-key%'`)[0]!.n, 1);
  // unique: true on the key field: the rule wins, a repeat within the import is quarantined as 'unique'.
  const uniqueRules = path.join(dir, 'unique-key.rules.json');
  fs.writeFileSync(uniqueRules, JSON.stringify({ primaryKey: 'id', fields: [{ name: 'id', type: 'integer', constraints: { unique: true } }, { name: 'name' }] }));
  const udb = path.join(dir, 'seq3-u.sqlite');
  assert.equal(sluice(['import', keyed, '--db', udb, '--schema', uniqueRules]).status, 0);
  assert.deepEqual(queryAll(udb, 'SELECT name FROM keyed WHERE id = 10'), [{ name: 'x' }]);
  assert.equal(queryAll(udb, `SELECT count(*) AS n FROM _sluice_quarantine WHERE errors LIKE '%"unique"%'`)[0]!.n, 1);
});

test('sequence 4: every import\'s unique rules hold on the whole table; a conflicting key stops before writing', () => {
  const db = path.join(dir, 'seq4.sqlite');
  const first = path.join(dir, 'u1.csv');
  fs.writeFileSync(first, 'id,name,email\n1,ann,a@x\n2,ann,b@x\n');
  const emailUnique = path.join(dir, 'email.rules.json');
  fs.writeFileSync(emailUnique, JSON.stringify({ fields: [{ name: 'id' }, { name: 'name' }, { name: 'email', constraints: { unique: true } }] }));
  assert.equal(sluice(['import', first, '--db', db, '--table', 'u', '--schema', emailUnique]).status, 0);
  assert.deepEqual(queryRaw(db, `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'u'`).map((r) => r.name), ['u__unique__email']);

  const nameUnique = path.join(dir, 'name.rules.json');
  fs.writeFileSync(nameUnique, JSON.stringify({ fields: [{ name: 'id' }, { name: 'name', constraints: { unique: true } }, { name: 'email' }] }));
  const second = path.join(dir, 'u2.csv');
  fs.writeFileSync(second, 'id,name,email\n3,cy,c@x\n');
  const refused = sluice(['import', second, '--db', db, '--table', 'u', '--schema', nameUnique]);
  assert.equal(refused.status, 1);
  assert.equal(refused.stderr.trim(), 'sluice: Table "u" already holds 1 repeated value in "name", so it cannot be used as a unique constraint; nothing was written.');
  assert.equal(count(db, 'u'), 2);
  // Without repeats in the table, the later import's constraint holds over earlier rows too.
  const fresh = path.join(dir, 'seq4-fresh.sqlite');
  fs.writeFileSync(first, 'id,name,email\n1,ann,a@x\n2,bob,b@x\n');
  assert.equal(sluice(['import', first, '--db', fresh, '--table', 'u', '--schema', emailUnique]).status, 0);
  fs.writeFileSync(second, 'id,name,email\n3,cy,c@x\n4,ann,d@x\n5,cy,e@x\n');
  const enforced = sluice(['import', second, '--db', fresh, '--table', 'u', '--schema', nameUnique, '--json']);
  assert.equal(enforced.status, 0, enforced.stderr);
  assert.deepEqual([lastJson(enforced).rowsInserted, lastJson(enforced).rowsQuarantined], [1, 2], 'ann (an earlier import\'s) and the second cy are refused');
  assert.deepEqual(
    queryRaw(fresh, `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'u' ORDER BY name`).map((r) => r.name),
    ['u__unique__email', 'u__unique__name'],
  );

  const keyed = path.join(dir, 'k.csv');
  fs.writeFileSync(keyed, 'id,name,email\n1,ann,a@x\n');
  const kdb = path.join(dir, 'seq4-key.sqlite');
  assert.equal(sluice(['import', keyed, '--db', kdb, '--table', 'k', '--key', 'id']).status, 0);
  const otherKey = sluice(['import', second, '--db', kdb, '--table', 'k', '--key', 'email', '--json']);
  assert.equal(otherKey.status, 1);
  assert.match(otherKey.stderr, /Table "k" is keyed on "id", but this import's key \(--key\) is "email"; nothing was written/);
  assert.equal((lastJson(otherKey).error as { code: string }).code, 'KEY_CONFLICT');
  assert.doesNotMatch(otherKey.stderr, /SQLITE|constraint failed/);
  assert.deepEqual(queryAll(kdb, 'SELECT status FROM _sluice_imports').map((r) => r.status), ['completed'], 'no half-done import left');
  // An INTEGER key is the rowid itself: no second index for it.
  const rules = path.join(dir, 'int-key.rules.json');
  fs.writeFileSync(rules, JSON.stringify({ primaryKey: 'id', fields: [{ name: 'id', type: 'integer', constraints: { unique: true } }, { name: 'name' }, { name: 'email' }] }));
  const idb = path.join(dir, 'seq4-int.sqlite');
  assert.equal(sluice(['import', keyed, '--db', idb, '--table', 'i', '--schema', rules]).status, 0);
  assert.deepEqual(queryRaw(idb, `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'i'`), []);
});

test('export never destroys: not the store, not an imported source, not an existing file without --force', () => {
  const db = path.join(dir, 'export.sqlite');
  const file = path.join(dir, 'export-source.csv');
  fs.writeFileSync(file, 'a,b\n1,2\n');
  assert.equal(sluice(['import', file, '--db', db, '--table', 'e']).status, 0);
  const onStore = sluice(['export', '--db', db, '--table', 'e', '--out', db, '--force']);
  assert.equal(onStore.status, 1);
  assert.match(onStore.stderr, /Refusing to write .*: it is the Sluice store in use/);
  assert.equal(sluice(['status', '--db', db]).status, 0, 'the store is still a database');
  const onSource = sluice(['export', '--db', db, '--table', 'e', '--out', file, '--force']);
  assert.equal(onSource.status, 1);
  assert.match(onSource.stderr, /it is the source file of an import in this store/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'a,b\n1,2\n');
  const out = path.join(dir, 'out.csv');
  fs.writeFileSync(out, 'keep me');
  const existing = sluice(['export', '--db', db, '--table', 'e', '--out', out]);
  assert.equal(existing.status, 1);
  assert.match(existing.stderr, /already exists; choose another name or allow overwriting it \(--force\)/);
  assert.equal(fs.readFileSync(out, 'utf8'), 'keep me');
  assert.equal(sluice(['export', '--db', db, '--table', 'e', '--out', out, '--force']).status, 0);
  // The source's own newline (LF), see issue 12.
  assert.equal(fs.readFileSync(out, 'utf8'), 'a,b\n1,2\n', 'the export holds the user\'s columns only');
});

test('undo: restores an upsert exactly, refuses over later changes unless --cascade, drops what it created', () => {
  const db = path.join(dir, 'undo.sqlite');
  const base = path.join(dir, 'base.csv');
  fs.writeFileSync(base, 'id,name,score\n1,ann,1.5\n2,bob,2\n');
  const change = path.join(dir, 'change.csv');
  fs.writeFileSync(change, 'id,name,score,extra\n2,bobby,2.25,e\n3,cy,3,f\nbad\n');
  assert.equal(sluice(['import', base, '--db', db, '--table', 'x', '--key', 'id']).status, 0);
  // The later import leaves `extra` alone, so it adds the absent-keys marker, which undo keeps: NULL there says what no column says.
  const dump = () =>
    JSON.stringify(queryRaw(db, 'SELECT rowid, * FROM x ORDER BY rowid').map(({ _sluice_absent: marker, ...row }) => (marker === null || marker === undefined ? row : { ...row, _sluice_absent: marker })));
  const before = dump();
  const upsert = sluice(['import', change, '--db', db, '--table', 'x', '--key', 'id', '--json']);
  assert.equal(upsert.status, 0, upsert.stderr);
  const later = path.join(dir, 'later.csv');
  fs.writeFileSync(later, 'id,name,score\n3,cyrus,3\n');
  assert.equal(sluice(['import', later, '--db', db, '--table', 'x', '--key', 'id']).status, 0);

  const refused = sluice(['undo', '--db', db, '--import', '2']);
  assert.equal(refused.status, 1);
  assert.equal(refused.stderr.trim(), 'sluice: Import #2 cannot be undone: later import #3 changed the same rows. Undo it first (newest first), or use --cascade to undo it too.');
  const undone = sluice(['undo', '--db', db, '--import', '2', '--cascade', '--json']);
  assert.equal(undone.status, 0, undone.stderr);
  const result = lastJson(undone);
  assert.deepEqual([result.undoneImports, result.rowsRemoved, result.rowsRestored, result.droppedColumns], [[3, 2], 1, 2, ['extra']]);
  assert.equal(dump(), before, 'the table is exactly as before the upsert');
  assert.deepEqual(queryAll(db, 'SELECT DISTINCT status FROM _sluice_quarantine WHERE import_id = 2'), [{ status: 'undone' }]);
  assert.deepEqual(queryAll(db, 'SELECT id, status FROM _sluice_imports ORDER BY id').map((r) => r.status), ['completed', 'undone', 'undone']);

  const kept = sluice(['undo', '--db', db, '--import', '1']);
  assert.equal(kept.status, 0, kept.stderr);
  assert.equal(count(db, 'x'), 0, 'the table it created is left, empty');
  const again = sluice(['undo', '--db', db, '--import', '1']);
  assert.equal(again.stderr.trim(), 'sluice: Import #1 is already undone.');
  const db2 = path.join(dir, 'undo-drop.sqlite');
  assert.equal(sluice(['import', base, '--db', db2, '--table', 'x']).status, 0);
  assert.equal(sluice(['undo', '--db', db2, '--import', 'latest', '--drop-table']).status, 0);
  assert.deepEqual(queryAll(db2, `SELECT name FROM sqlite_schema WHERE name = 'x'`), []);
});

test('the failure policy is part of the import: --resume keeps --fail-fast unless told otherwise', () => {
  const db = path.join(dir, 'policy.sqlite');
  const file = path.join(dir, 'policy.csv');
  fs.writeFileSync(file, 'id,age\n1,30\n2,x\n3,40\n4,y\n');
  const rules = path.join(dir, 'policy.rules.json');
  fs.writeFileSync(rules, JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'age', type: 'integer' }] }));
  assert.equal(sluice(['import', file, '--db', db, '--schema', rules, '--fail-fast']).status, 1);
  const resumed = sluice(['import', file, '--db', db, '--schema', rules, '--resume']);
  assert.equal(resumed.status, 1, 'still fail-fast: stops again at the same bad row');
  assert.match(resumed.stderr, /--fail-fast\): line 3/);
  const soft = sluice(['import', file, '--db', db, '--schema', rules, '--resume', '--max-errors', '10', '--json']);
  assert.equal(soft.status, 0, soft.stderr);
  const summary = lastJson(soft);
  assert.equal(summary.rowsRead, Number(summary.rowsInserted) + Number(summary.rowsUpdated) + Number(summary.rowsUnchanged) + Number(summary.rowsQuarantined));
  assert.equal(count(db, 'policy'), 2);
});

test('key values take the table\'s key type: "1" and 1 are one key; a value that would stay text is quarantined', () => {
  const db = path.join(dir, 'cast.sqlite');
  const typed = path.join(dir, 'typed.csv');
  fs.writeFileSync(typed, 'id,name\n1,ann\n2,bob\n');
  const rules = path.join(dir, 'typed.rules.json');
  fs.writeFileSync(rules, JSON.stringify({ primaryKey: 'id', fields: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }] }));
  assert.equal(sluice(['import', typed, '--db', db, '--table', 'c', '--schema', rules]).status, 0);
  const loose = path.join(dir, 'loose.csv');
  fs.writeFileSync(loose, 'id,name\n1,ANN\nabc,zed\n3,cy\n');
  const run = sluice(['import', loose, '--db', db, '--table', 'c', '--key', 'id', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const summary = lastJson(run);
  assert.deepEqual([summary.rowsUpdated, summary.rowsInserted, summary.rowsQuarantined], [1, 1, 1]);
  assert.deepEqual(queryAll(db, 'SELECT id, typeof(id) AS t, name FROM c ORDER BY id'), [
    { id: 1, t: 'integer', name: 'ANN' },
    { id: 2, t: 'integer', name: 'bob' },
    { id: 3, t: 'integer', name: 'cy' },
  ]);
  assert.match(String(queryAll(db, 'SELECT errors FROM _sluice_quarantine')[0]!.errors), /"rule":"type"/);
});
