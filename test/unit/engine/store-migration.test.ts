import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Store } from '../../../main/engine/store/store.js';
import { MIGRATIONS } from '../../../main/engine/store/migrations.js';
import { undoImport } from '../../../main/engine/history/undo.js';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { FIXTURES, SAMPLES, tempDir } from '../../helpers/paths.js';

const dir = tempDir();

function copyOfV1(name: string): string {
  const target = path.join(dir, name);
  fs.copyFileSync(path.join(FIXTURES, 'stores', 'v1-store.sqlite'), target);
  return target;
}

function snapshot(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return {
      customers: db.prepare('SELECT * FROM customers ORDER BY rowid').all(),
      customersJson: db.prepare('SELECT * FROM customers_json ORDER BY rowid').all(),
      quarantine: db.prepare('SELECT id, import_id, row_number, raw, errors FROM _sluice_quarantine ORDER BY id').all(),
      imports: db.prepare('SELECT id, source_path, table_name, status, counters FROM _sluice_imports ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

test('a format-1 store migrates in place: nothing lost, discarded becomes dismissed, old imports still listed', () => {
  const dbPath = copyOfV1('migrate.sqlite');
  const before = snapshot(dbPath);
  const store = Store.open(dbPath);
  try {
    assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.deepEqual(
      store.imports.list().map((record) => [record.id, record.table, record.status, record.provenance]),
      [
        [2, 'customers_json', 'completed', false],
        [1, 'customers', 'completed', false],
      ],
    );
    const statuses = store.db.prepare('SELECT status, count(*) AS n FROM _sluice_quarantine GROUP BY status ORDER BY status').all();
    assert.deepEqual(statuses, [
      { status: 'dismissed', n: 1 },
      { status: 'open', n: 9 },
    ]);
    // The migration touches only Sluice's own tables; user tables get their bookkeeping column from their next import.
    assert.deepEqual(store.rawTableColumns('customers'), store.tableColumns('customers'));
  } finally {
    store.close();
  }
  const after = snapshot(dbPath);
  assert.deepEqual(after.customers, before.customers);
  assert.deepEqual(after.customersJson, before.customersJson);
  assert.deepEqual(after.quarantine, before.quarantine);
  assert.deepEqual(after.imports, before.imports);
});

test('an import made before provenance cannot be undone (clear refusal, rows stay); a new import into its table can', async () => {
  const dbPath = copyOfV1('undo-v1.sqlite');
  let store = Store.open(dbPath);
  const rowsBefore = store.db.prepare('SELECT * FROM customers ORDER BY rowid').all();
  assert.throws(() => undoImport(store, 1), {
    code: 'UNDO_REFUSED',
    message: /Import #1 cannot be undone: it was made before Sluice recorded which import wrote each row/,
  });
  store.close();

  const extra = path.join(dir, 'more-customers.csv');
  const header = fs.readFileSync(path.join(SAMPLES, 'customers.csv'), 'utf8').split('\n')[0]!;
  fs.writeFileSync(extra, `${header}\n`);
  const columns = header.split(',');
  fs.appendFileSync(extra, `${columns.map((c, i) => (i === 0 ? '900001' : c === 'email' ? 'new@example.com' : '')).join(',')}\n`);
  const summary = await runImport({ sourcePath: extra, dbPath, table: 'customers', workers: 1 });
  assert.equal(summary.status, 'completed', summary.error?.message);

  store = Store.open(dbPath);
  try {
    assert.ok(!store.tableColumns('customers').includes('_sluice_import_id'), 'bookkeeping is hidden from column listings');
    undoImport(store, summary.importId);
    const rowsAfter = store.db.prepare(`SELECT ${store.tableColumns('customers').map((c) => `"${c}"`).join(', ')} FROM customers ORDER BY rowid`).all();
    assert.deepEqual(rowsAfter, rowsBefore);
  } finally {
    store.close();
  }
});
