import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { Store } from '../../../main/engine/store/store.js';
import { undoImport } from '../../../main/engine/history/undo.js';
import { tempDir } from '../../helpers/paths.js';

/**
 * Property: an upsert split into small batches (so that keys repeat across
 * batches, where the writer works set-based, as well as within one) counts
 * and writes exactly what a row-by-row reading of `--on-duplicate` says, and
 * undo brings the table back exactly.
 */
const dir = tempDir();
const rules = path.join(dir, 'rules.json');
fs.writeFileSync(rules, JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'score', type: 'number' }] }));

interface Row {
  id: number;
  name: string;
  score: number;
}

const row = fc.record({
  id: fc.integer({ min: 1, max: 10 }),
  name: fc.constantFrom('ann', 'bob', 'Ève'),
  score: fc.constantFrom(0, 1.5, 2, -3),
});

let files = 0;
function writeFile(rows: readonly Row[]): string {
  const target = path.join(dir, `f${files++}.csv`);
  fs.writeFileSync(target, `id,name,score\n${rows.map((r) => `${r.id},${r.name},${r.score}`).join('\n')}\n`);
  return target;
}

function tableOf(dbPath: string): string {
  const store = Store.open(dbPath);
  try {
    const rows = store.db.prepare('SELECT rowid, id, typeof(name), name, typeof(score), score, _sluice_import_id FROM "T" ORDER BY rowid').raw(true).all();
    return JSON.stringify(rows);
  } finally {
    store.close();
  }
}

/** What the upsert must do, read row by row. */
function expected(loaded: Map<number, Row>, rows: readonly Row[], onDuplicate: 'last' | 'first' | 'quarantine') {
  const table = new Map([...loaded].map(([id, r]) => [id, { ...r }]));
  const seen = new Set<number>();
  const counts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0, quarantined: 0 };
  for (const r of rows) {
    const stored = table.get(r.id);
    if (!stored) {
      table.set(r.id, { ...r });
      seen.add(r.id);
      counts.inserted++;
      continue;
    }
    if (seen.has(r.id)) {
      counts.duplicates++;
      if (onDuplicate === 'quarantine') {
        counts.quarantined++;
        continue;
      }
      if (onDuplicate === 'first') {
        counts.unchanged++;
        continue;
      }
    }
    seen.add(r.id);
    if (stored.name === r.name && stored.score === r.score) {
      counts.unchanged++;
    } else {
      table.set(r.id, { ...r });
      counts.updated++;
    }
  }
  return { table, counts };
}

test('a batched upsert counts and writes what row-by-row semantics say, and undo restores the table', { timeout: 120_000 }, async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(row, { selector: (r) => r.id, minLength: 0, maxLength: 8 }),
      fc.array(row, { minLength: 1, maxLength: 14 }),
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom('last' as const, 'first' as const, 'quarantine' as const),
      async (initial, upsert, batchRows, onDuplicate) => {
        const dbPath = path.join(dir, `u${run++}.sqlite`);
        const base = { dbPath, table: 'T', schemaPath: rules, workers: 1, append: true, batchRows };
        const loaded = new Map(initial.map((r) => [r.id, r]));
        if (initial.length > 0) {
          const first = await runImport({ ...base, sourcePath: writeFile(initial), key: ['id'] });
          assert.equal(first.status, 'completed', first.error?.message);
        }
        const before = initial.length > 0 ? tableOf(dbPath) : null;
        const summary = await runImport({ ...base, sourcePath: writeFile(upsert), key: ['id'], onDuplicate });
        assert.equal(summary.status, 'completed', summary.error?.message);
        const want = expected(loaded, upsert, onDuplicate);
        assert.deepEqual(
          {
            inserted: summary.rowsInserted,
            updated: summary.rowsUpdated,
            unchanged: summary.rowsUnchanged,
            duplicates: summary.duplicateKeys,
            quarantined: summary.rowsQuarantined,
          },
          want.counts,
        );
        const store = Store.open(dbPath);
        try {
          const rows = store.db.prepare('SELECT id, name, score FROM "T" ORDER BY id').all() as Row[];
          assert.deepEqual(rows, [...want.table.values()].sort((a, b) => a.id - b.id));
          undoImport(store, summary.importId, { dropTable: initial.length === 0 });
        } finally {
          store.close();
        }
        if (before !== null) assert.equal(tableOf(dbPath), before, 'undo did not restore the table');
      },
    ),
    { numRuns: Number(process.env.SLUICE_UPSERT_RUNS ?? 40) },
  );
});
