import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { dropTable, dropTablePreview } from '../../../main/engine/store/drop-table.js';
import { Store } from '../../../main/engine/store/store.js';
import { SluiceError } from '../../../main/engine/errors.js';
import { tempDir } from '../../helpers/paths.js';

const dir = tempDir();
const rules = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true } },
    { name: 'plan', type: 'string', constraints: { enum: ['free', 'pro', 'team'] } },
  ],
  primaryKey: 'id',
};
const n = (store: Store, sql: string, ...params: unknown[]) => (store.db.prepare(sql).get(...params) as { n: number }).n;

test('dropping a table takes its rows, its quarantine and its undo data; other tables and the history stay', async () => {
  const dbPath = path.join(dir, 'drop.sqlite');
  const file = path.join(dir, 'people.csv');
  fs.writeFileSync(file, 'id,plan\n1,pro\n2,gold\n3,team\n4,silver\n');
  const first = await runImport({ sourcePath: file, dbPath, schema: rules, workers: 1, table: 'people' });
  fs.writeFileSync(file, 'id,plan\n3,free\n5,nope\n');
  const second = await runImport({ sourcePath: file, dbPath, schema: rules, workers: 1, table: 'people' });
  const other = await runImport({ sourcePath: file, dbPath, schema: rules, workers: 1, table: 'kept' });
  const store = Store.open(dbPath);
  try {
    const preview = dropTablePreview(store, 'PEOPLE');
    assert.deepEqual(preview, { table: 'people', rows: 2, imports: 2, quarantinedRows: 3, undoableImports: 2 });
    assert.ok(store.tableExists('people'), 'a preview changes nothing');
    assert.equal(n(store, "SELECT count(*) AS n FROM _sluice_tables WHERE table_name = 'people'"), 1);
    assert.ok(n(store, 'SELECT count(*) AS n FROM _sluice_preimages WHERE import_id = ?', second.importId) > 0, 'the update of id 3 kept its pre-image');

    assert.deepEqual(dropTable(store, 'people'), preview);
    assert.equal(store.tableExists('people'), false);
    assert.equal(n(store, 'SELECT count(*) AS n FROM _sluice_quarantine WHERE import_id IN (?, ?)', first.importId, second.importId), 0);
    assert.equal(n(store, 'SELECT count(*) AS n FROM _sluice_preimages WHERE import_id IN (?, ?)', first.importId, second.importId), 0);
    assert.equal(n(store, "SELECT count(*) AS n FROM _sluice_tables WHERE table_name = 'people'"), 0);
    assert.equal(store.imports.get(first.importId)?.status, 'undone', 'the history entry stays, marked undone');
    assert.equal(store.imports.get(second.importId)?.status, 'undone');

    assert.ok(store.tableExists('kept'), 'other tables are untouched');
    assert.equal(n(store, 'SELECT count(*) AS n FROM kept'), 1);
    assert.equal(n(store, 'SELECT count(*) AS n FROM _sluice_quarantine WHERE import_id = ?', other.importId), 1);
    assert.equal(store.imports.get(other.importId)?.status, 'completed');
  } finally {
    store.close();
  }
});

test("Sluice's own tables and missing tables cannot be dropped", async () => {
  const dbPath = path.join(dir, 'refuse.sqlite');
  Store.open(dbPath).close();
  const store = Store.open(dbPath);
  try {
    for (const name of ['_sluice_imports', '_SLUICE_quarantine', 'sqlite_schema', 'missing']) {
      assert.throws(() => dropTable(store, name), (error: unknown) => error instanceof SluiceError && error.code === 'TABLE_NOT_FOUND', name);
    }
    assert.ok(store.tableExists('_sluice_imports'));
  } finally {
    store.close();
  }
});
