/**
 * A batch's quarantined rows go in with multi-row INSERTs (store/quarantine-batch.ts): the same rows, in the same
 * order, as one `add` per row; a replayed batch replaces the rows it recorded before, as `add` does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { Store } from '../../../main/engine/store/store.js';
import type { QuarantineEntry } from '../../../main/engine/store/quarantine-records.js';
import { tempDir } from '../../helpers/paths.js';

const dir = tempDir();

async function storeWithImport(name: string): Promise<{ store: Store; importId: number }> {
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, 'a\n1\n');
  const summary = await runImport({ sourcePath: file, dbPath: path.join(dir, `${name}.sqlite`), workers: 1 });
  return { store: Store.open(path.join(dir, `${name}.sqlite`)), importId: summary.importId };
}

const entry = (row: number, rule = 'format'): QuarantineEntry => ({
  rowNumber: row,
  line: row + 1,
  byteOffset: row * 10,
  raw: `row ${row}, "é"`,
  errors: row % 7 === 0 ? [{ field: 'a', rule, message: 'a: bad' }, { field: null, rule: 'expression', message: 'record: bad' }] : [{ field: 'a', rule, message: 'a: bad' }],
});

const recorded = (store: Store, importId: number) =>
  store.db.prepare('SELECT row_number, line, byte_offset, raw, errors, reason_rules, reason_fields FROM _sluice_quarantine WHERE import_id = ? ORDER BY id').all(importId);

test('many rows at once are recorded as one add per row records them, in order', async () => {
  const one = await storeWithImport('one');
  const all = await storeWithImport('all');
  try {
    const entries = Array.from({ length: 123 }, (_, i) => entry(10 + i));
    one.store.db.transaction(() => entries.forEach((e) => one.store.quarantine.add(one.importId, e)))();
    all.store.db.transaction(() => all.store.quarantine.addAll(all.importId, entries))();
    assert.deepEqual(recorded(all.store, all.importId), recorded(one.store, one.importId));
    assert.equal(recorded(all.store, all.importId).length, 123);
  } finally {
    one.store.close();
    all.store.close();
  }
});

test('a replayed batch replaces the rows it recorded before, and records the new ones beside them', async () => {
  const { store, importId } = await storeWithImport('replay');
  try {
    store.db.transaction(() => store.quarantine.addAll(importId, Array.from({ length: 60 }, (_, i) => entry(10 + i))))();
    const replay = Array.from({ length: 80 }, (_, i) => entry(40 + i, 'enum'));
    store.db.transaction(() => store.quarantine.addAll(importId, replay))();
    const rows = recorded(store, importId) as { row_number: number; reason_rules: string }[];
    assert.equal(rows.length, 110, 'rows 10–119, each once');
    assert.deepEqual(new Set(rows.map((row) => row.row_number)).size, 110);
    for (const row of rows) assert.equal(row.reason_rules.includes('enum'), row.row_number >= 40, `row ${row.row_number}`);
  } finally {
    store.close();
  }
});
