import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { bulkFix, parseMapPairs } from '../../../main/engine/quarantine/bulk-fix.js';
import { dismissQuarantined } from '../../../main/engine/quarantine/lifecycle.js';
import { retryQuarantinedRow, revalidateInPool, revalidateQuarantine } from '../../../main/engine/quarantine/retry.js';
import { undoImport } from '../../../main/engine/history/undo.js';
import { Store } from '../../../main/engine/store/store.js';
import { FIXTURES, tempDir } from '../../helpers/paths.js';

const dir = tempDir();
const rules = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true } },
    { name: 'plan', type: 'string', constraints: { enum: ['free', 'pro', 'team'] }, 'sluice:transforms': ['trim', 'lower'] },
    { name: 'age', type: 'integer', constraints: { minimum: 0 } },
  ],
  primaryKey: 'id',
};

async function importRows(name: string, body: string, format: 'csv' | 'jsonl' = 'csv') {
  const file = path.join(dir, `${name}.${format}`);
  fs.writeFileSync(file, body);
  const dbPath = path.join(dir, `${name}.sqlite`);
  const summary = await runImport({ sourcePath: file, dbPath, schema: rules, workers: 1 });
  return { store: Store.open(dbPath), importId: summary.importId, table: summary.table, quarantined: summary.rowsQuarantined };
}

const CSV = 'id,plan,age\n1,pro,30\n2,enterprise,40\n3,enterprise,-1\n4,gold,50\n5,pro,x\n6,team,20\n';
const count = (store: Store, table: string) => (store.db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
const counters = (store: Store, id: number) => store.imports.get(id)!.counters;

test('lifecycle: open → fixed by a bulk map (a child import), open → dismissed with a reason; the counters follow', async () => {
  const { store, importId, table, quarantined } = await importRows('lifecycle', CSV);
  try {
    assert.equal(quarantined, 4);
    const fixed = bulkFix(store, { importId, field: 'plan', rule: 'enum', operation: { kind: 'map', pairs: [['enterprise', 'team']] } });
    const twoValid = 2;
    assert.deepEqual([fixed.matched, fixed.changed, fixed.fixed, fixed.stillFailing], [3, 2, 1, 2], 'gold is not mapped; row 3 still fails on age');
    assert.equal(store.imports.get(fixed.importId!)!.parentImportId, importId);
    assert.equal(store.imports.get(fixed.importId!)!.options.quarantineFix, 'fix: map plan');
    assert.equal(count(store, table), twoValid + 1);
    const row3 = store.quarantine.page({ importId, rowNumber: 3 }).rows[0]!;
    assert.equal(row3.status, 'open');
    assert.equal(row3.raw, '3,team,-1');
    assert.equal(row3.originalRaw, '3,enterprise,-1', 'the import\'s text stays beside the edit');
    assert.deepEqual(row3.errors.map((e) => e.rule), ['minimum'], 'new reasons replace the old ones');
    assert.equal(dismissQuarantined(store, importId, { rule: 'enum' }, 'gold plans are handled by hand'), 1);
    assert.throws(() => dismissQuarantined(store, importId, {}, '  '), /Say why/);
    const after = counters(store, importId);
    assert.deepEqual([after.quarantinedOpen, after.quarantinedFixed, after.quarantinedDismissed], [2, 1, 1]);
    assert.deepEqual([after.rowsInserted, after.rowsQuarantined], [3, 3]);
    const dismissed = store.quarantine.page({ importId, status: 'dismissed' }).rows[0]!;
    assert.deepEqual([dismissed.rowNumber, dismissed.dismissReason], [4, 'gold plans are handled by hand']);
    assert.equal(store.quarantine.statusCounts(importId).open, 2);
  } finally {
    store.close();
  }
});

test('undoing a fix takes its rows out of the table, reopens them, puts back the text and reasons it changed, and restores the counters', async () => {
  const { store, importId, table } = await importRows('undo-fix', CSV);
  try {
    const fixed = bulkFix(store, { importId, field: 'plan', operation: { kind: 'set', value: 'pro' } });
    assert.equal(fixed.fixed, 2, 'rows 2 and 4 pass with plan pro');
    const row3 = () => store.quarantine.page({ importId, rowNumber: 3 }).rows[0]!;
    assert.deepEqual([row3().raw, row3().errors.map((e) => e.rule)], ['3,pro,-1', ['minimum']]);
    undoImport(store, fixed.importId!);
    assert.deepEqual([row3().raw, row3().originalRaw, row3().errors.map((e) => e.rule)], ['3,enterprise,-1', null, ['enum', 'minimum']]);
    const row2 = store.quarantine.page({ importId, rowNumber: 2 }).rows[0]!;
    assert.deepEqual([row2.status, row2.raw, row2.originalRaw], ['open', '2,enterprise,40', null]);
    assert.equal(count(store, table), 2);
    assert.equal(store.quarantine.statusCounts(importId).open, 4);
    const after = counters(store, importId);
    assert.deepEqual([after.rowsInserted, after.rowsQuarantined, after.quarantinedOpen, after.quarantinedFixed], [2, 4, 4, 0]);
  } finally {
    store.close();
  }
});

test('a dry run counts exactly what the fix would do and changes nothing', async () => {
  const { store, importId, table } = await importRows('dry-run', CSV);
  try {
    const before = JSON.stringify(store.quarantine.page({ importId, limit: 100 }));
    const importsBefore = store.imports.list().length;
    const dry = bulkFix(store, { importId, field: 'age', operation: { kind: 'expression', expression: 'abs(0 - 7)' }, dryRun: true });
    assert.deepEqual(dry, { importId: null, matched: 2, changed: 2, fixed: 1, stillFailing: 1 });
    assert.equal(JSON.stringify(store.quarantine.page({ importId, limit: 100 })), before);
    assert.equal(store.imports.list().length, importsBefore);
    assert.equal(count(store, table), 2);
    const real = bulkFix(store, { importId, field: 'age', operation: { kind: 'expression', expression: 'abs(0 - 7)' } });
    assert.deepEqual({ ...real, importId: null }, dry, 'the real run does what the dry run counted');
  } finally {
    store.close();
  }
});

test('retry with the current rules (transforms included): a row that passes is written with the import\'s key; a successful single retry leaves no stale reason', async () => {
  const { store, importId, table } = await importRows('rules', 'id,plan,age\n1,pro,30\n2,GOLD ,40\n1,enterprise,31\n');
  try {
    const looser = { ...rules, fields: rules.fields.map((f) => (f.name === 'plan' ? { ...f, constraints: { enum: ['free', 'pro', 'team', 'gold', 'enterprise'] } } : f)) };
    const summary = revalidateQuarantine(store, importId, looser);
    assert.deepEqual([summary.checked, summary.fixed, summary.stillFailing], [2, 2, 0]);
    assert.deepEqual(store.db.prepare(`SELECT id, plan, age FROM "${table}" ORDER BY id`).all(), [
      { id: 1, plan: 'enterprise', age: 31 },
      { id: 2, plan: 'gold', age: 40 },
    ], 'key 1 is upserted, not duplicated; the trim and lower transforms ran');
    assert.equal(store.imports.get(summary.importId!)!.schema !== null, true);
    const { store: other, importId: otherId } = await importRows('single', 'id,plan,age\n1,pro,30\n2,gold,40\n');
    try {
      const row = other.quarantine.page({ importId: otherId }).rows[0]!;
      const outcome = retryQuarantinedRow(other, row.id, '2,pro,40');
      assert.deepEqual(outcome, { ok: true });
      const after = other.quarantine.get(row.id)!;
      assert.deepEqual([after.status, after.originalRaw, after.raw], ['fixed', '2,gold,40', '2,pro,40']);
      assert.equal(other.quarantine.page({ importId: otherId, status: 'open' }).total, 0, 'a fixed row is not listed as open');
    } finally {
      other.close();
    }
  } finally {
    store.close();
  }
});

test('a retry in the worker pool checks rows as the import does and gives the same outcome as one in this thread', async () => {
  const body = 'id,plan,age\n' + Array.from({ length: 300 }, (_, i) => `${i + 1},${['gold', 'enterprise', 'pro'][i % 3]},${i % 7 === 0 ? -1 : 30}`).join('\n') + '\n';
  const looser = { ...rules, fields: rules.fields.map((f) => (f.name === 'plan' ? { ...f, constraints: { enum: ['free', 'pro', 'team', 'enterprise'] } } : f)) };
  const inPool = await importRows('pool', body);
  const inThread = await importRows('thread', body);
  try {
    const pooled = await revalidateInPool(inPool.store, inPool.importId, looser, { workers: 2, minRows: 1 });
    const local = revalidateQuarantine(inThread.store, inThread.importId, looser);
    assert.deepEqual({ ...pooled, importId: null }, { ...local, importId: null });
    assert.ok(pooled.fixed > 50 && pooled.stillFailing > 50, JSON.stringify(pooled));
    const dump = (store: Store, table: string) => JSON.stringify(store.db.prepare(`SELECT id, plan, age FROM "${table}" ORDER BY id`).all());
    assert.equal(dump(inPool.store, inPool.table), dump(inThread.store, inThread.table));
    const reasons = (store: Store, id: number) => JSON.stringify(store.quarantine.page({ importId: id, limit: 1000 }).rows.map((row) => [row.rowNumber, row.status, row.errors]));
    assert.equal(reasons(inPool.store, inPool.importId), reasons(inThread.store, inThread.importId));
  } finally {
    inPool.store.close();
    inThread.store.close();
  }
});

test('JSONL rows are fixed as JSON: other keys kept, the value replaced by an RE2 pattern', async () => {
  const body = '{"id":1,"plan":"pro","age":30}\n{"id":2,"plan":"pro-plus","age":40,"extra":{"a":1}}\n';
  const { store, importId } = await importRows('jsonl', body, 'jsonl');
  try {
    const result = bulkFix(store, { importId, field: 'plan', operation: { kind: 'replace', pattern: '-plus$', with: '' } });
    assert.equal(result.fixed, 1);
    const row = store.quarantine.page({ importId, status: 'fixed' }).rows[0]!;
    assert.deepEqual(JSON.parse(row.raw), { id: 2, plan: 'pro', age: 40, extra: { a: 1 } });
  } finally {
    store.close();
  }
});

test('a format-1 store migrates: discarded rows become dismissed, and they can be listed by status', () => {
  const copy = path.join(dir, 'v1.sqlite');
  fs.copyFileSync(path.join(FIXTURES, 'stores', 'v1-store.sqlite'), copy);
  const store = Store.open(copy);
  try {
    const statuses = store.db.prepare('SELECT DISTINCT status FROM _sluice_quarantine').all() as { status: string }[];
    assert.ok(!statuses.some((row) => row.status === 'discarded'));
    const row = store.quarantine.page({ limit: 1 }).rows[0];
    if (row) assert.equal(row.originalRaw, null);
    assert.ok(store.db.prepare("SELECT 1 FROM sqlite_schema WHERE name = '_sluice_quarantine_by_status'").get());
    // Filters and facets read keys the migration filled in from each row's reasons.
    assert.equal(store.quarantine.page({ importId: 1, rule: 'enum', field: 'plan' }).total, 1);
    assert.deepEqual(store.quarantine.facets(1, 'all').fields.find((f) => f.field === 'age'), { field: 'age', count: 1 });
    assert.ok(store.quarantine.facets(1, 'all').rules.some((r) => r.rule === 'row-shape'));
  } finally {
    store.close();
  }
});

test('an expression with no value for a row (not a number, 1/0, an overflow) leaves that row as it was instead of blanking the field', async () => {
  const { store, importId, table } = await importRows('expression-no-value', CSV);
  try {
    const before = JSON.stringify(store.quarantine.page({ importId, limit: 100 }));
    for (const expression of ['0 - age', 'age / 0', 'age * 1e308 * 10']) {
      const summary = bulkFix(store, { importId, field: 'age', rule: 'type', operation: { kind: 'expression', expression } });
      assert.deepEqual(summary, { importId: null, matched: 1, changed: 0, fixed: 0, stillFailing: 1 }, expression);
    }
    assert.equal(JSON.stringify(store.quarantine.page({ importId, limit: 100 })), before, 'the row "5,pro,x" keeps its text');
    assert.equal(count(store, table), 2, 'nothing was written with its age gone');
    const computed = bulkFix(store, { importId, field: 'age', rule: 'type', operation: { kind: 'expression', expression: 'coalesce(abs(age), 0)' } });
    assert.deepEqual([computed.changed, computed.fixed], [1, 1], 'an expression that gives a value still fixes');
  } finally {
    store.close();
  }
});

test('--map pairs: an empty OLD value or an empty pair is named exactly', () => {
  assert.throws(() => parseMapPairs('=x'), /"=x" has no OLD value before "="/);
  assert.throws(() => parseMapPairs('a=b,,c=d'), /one pair is empty/);
  assert.throws(() => parseMapPairs('ab'), /"ab" has no "="/);
  assert.deepEqual(parseMapPairs('a=b=c,d='), [['a', 'b=c'], ['d', '']]);
});

test('a row recorded again (a replayed batch) stays one row, with the new text, reasons and status open', async () => {
  const { store, importId } = await importRows('replayed-row', CSV);
  try {
    const row2 = store.quarantine.page({ importId, rowNumber: 2 }).rows[0]!;
    dismissQuarantined(store, importId, { rule: 'enum' }, 'replayed below');
    store.quarantine.add(importId, { rowNumber: 2, line: 3, byteOffset: 99, raw: '2,gold,40', errors: [{ field: 'plan', rule: 'enum', message: 'plan: not allowed' }, { field: null, rule: 'row-shape', message: 'x' }] });
    const again = store.quarantine.page({ importId, rowNumber: 2 }).rows;
    assert.equal(again.length, 1);
    assert.deepEqual([again[0]!.raw, again[0]!.byteOffset, again[0]!.status, again[0]!.dismissReason], ['2,gold,40', 99, 'open', null]);
    assert.notEqual(again[0]!.id, row2.id, 'the replaced row is a new record, as before');
    assert.deepEqual(store.quarantine.page({ importId, rule: 'row-shape' }).rows.map((r) => r.rowNumber), [2]);
    store.quarantine.addWarning(importId, 7, 8, [{ field: 'age', rule: 'maximum', message: 'first' }]);
    store.quarantine.addWarning(importId, 7, 8, [{ field: 'age', rule: 'maximum', message: 'second' }]);
    const warnings = store.db.prepare('SELECT warnings FROM _sluice_warnings WHERE import_id = ? AND row_number = 7').all(importId) as { warnings: string }[];
    assert.deepEqual(warnings.map((w) => JSON.parse(w.warnings)[0].message), ['second']);
  } finally {
    store.close();
  }
});
