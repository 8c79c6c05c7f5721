import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { retryQuarantinedRow, revalidateQuarantine } from '../../../main/engine/quarantine/retry.js';
import { Store } from '../../../main/engine/store/store.js';
import { tablePage } from '../../../main/engine/store/table-browser.js';
import { undoImport } from '../../../main/engine/history/undo.js';
import { tempDir } from '../../helpers/paths.js';

const dir = tempDir();
const rules = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true } },
    { name: 'email', type: 'string', format: 'email' },
    { name: 'age', type: 'integer', constraints: { minimum: 0 } },
  ],
  primaryKey: 'id',
};

async function importSample(name: string) {
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, 'id,email,age\n1,a@x.io,30\n2,not-an-email,40\n3,c@x.io,-1\n4,d@x.io,50\n');
  const dbPath = path.join(dir, `${name}.sqlite`);
  const summary = await runImport({ sourcePath: file, dbPath, schema: rules, workers: 1 });
  assert.equal(summary.rowsQuarantined, 2);
  return { store: Store.open(dbPath), importId: summary.importId, table: summary.table };
}

test('a fixed row is written to the table and marked fixed; a still-bad edit keeps it quarantined with new reasons', async () => {
  const { store, importId, table } = await importSample('retry');
  try {
    const [badEmail, badAge] = store.quarantine.page({ importId }).rows;
    const stillBad = retryQuarantinedRow(store, badEmail!.id, '2,still-bad,40');
    assert.equal(stillBad.ok, false);
    assert.match(JSON.stringify(stillBad), /email/);
    assert.equal(store.quarantine.get(badEmail!.id)!.raw, '2,still-bad,40');
    assert.deepEqual(retryQuarantinedRow(store, badEmail!.id, '2,b@x.io,40'), { ok: true });
    assert.equal(store.quarantine.get(badEmail!.id)!.status, 'fixed');
    const counters = store.imports.get(importId)!.counters;
    assert.deepEqual([counters.rowsInserted, counters.rowsQuarantined, counters.rowsRead], [3, 1, 4], 'a fixed row counts as written');
    assert.throws(() => retryQuarantinedRow(store, badEmail!.id, '2,b@x.io,40'), /already fixed/);
    const page = tablePage(store, { table, offset: 0, limit: 10, orderBy: 'id' });
    assert.deepEqual(page.rows.map((row) => row[0]), [1, 2, 4]);
    assert.equal(store.quarantine.get(badAge!.id)!.status, 'open');
  } finally {
    store.close();
  }
});

test('re-validating after a rule change writes the rows that now pass', async () => {
  const { store, importId, table } = await importSample('revalidate');
  try {
    const looser = { ...rules, fields: rules.fields.map((f) => (f.name === 'age' ? { name: 'age', type: 'integer' } : f)) };
    assert.deepEqual(revalidateQuarantine(store, importId, looser), { checked: 2, fixed: 1, stillFailing: 1 });
    assert.equal(tablePage(store, { table, offset: 0, limit: 10 }).total, 3);
  } finally {
    store.close();
  }
});

test('the table browser sorts, filters and pages without injecting', async () => {
  const { store, table } = await importSample('browse');
  try {
    assert.deepEqual(tablePage(store, { table, offset: 0, limit: 10, orderBy: 'age', descending: true }).rows.map((r) => r[0]), [4, 1]);
    assert.equal(tablePage(store, { table, offset: 0, limit: 10, filter: "x.io' OR 1=1 --" }).total, 0);
    assert.equal(tablePage(store, { table, offset: 0, limit: 10, filter: 'D@X' }).total, 1);
    assert.equal(tablePage(store, { table, offset: 1, limit: 1 }).rows.length, 1);
    assert.throws(() => tablePage(store, { table, offset: 0, limit: 10, orderBy: 'nope' }), /no column/);
    assert.throws(() => tablePage(store, { table: '_sluice_imports', offset: 0, limit: 10 }), /no table/);
  } finally {
    store.close();
  }
});

test('a retry is an import of its own (a child of the import it fixes): undo takes it back and reopens the row', async () => {
  const { store, importId, table } = await importSample('retry-undo');
  try {
    const [badEmail] = store.quarantine.page({ importId }).rows;
    assert.deepEqual(retryQuarantinedRow(store, badEmail!.id, '2,b@x.io,40'), { ok: true });
    const child = store.imports.children(importId)[0]!;
    assert.equal(child.parentImportId, importId);
    assert.equal(child.status, 'completed');
    assert.equal(store.imports.get(child.id)!.counters.rowsInserted, 1);
    undoImport(store, child.id);
    assert.deepEqual(tablePage(store, { table, offset: 0, limit: 10, orderBy: 'id' }).rows.map((row) => row[0]), [1, 4]);
    assert.equal(store.quarantine.get(badEmail!.id)!.status, 'open', 'the row is back in quarantine, to fix again');
    // Undoing the parent takes its retries with it, and marks its quarantine undone.
    assert.deepEqual(retryQuarantinedRow(store, badEmail!.id, '2,b@x.io,41'), { ok: true });
    const result = undoImport(store, importId);
    assert.equal(result.undoneImports.length, 2);
    assert.equal(tablePage(store, { table, offset: 0, limit: 10 }).total, 0);
    assert.deepEqual(store.quarantine.page({ importId }).rows.map((row) => row.status), ['undone', 'undone']);
  } finally {
    store.close();
  }
});
