import { ABSENT_COLUMN } from '../../../main/engine/store/bookkeeping-columns.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { Store } from '../../../main/engine/store/store.js';
import { undoImport } from '../../../main/engine/history/undo.js';
import { SluiceError } from '../../../main/engine/errors.js';
import { tempDir } from '../../helpers/paths.js';

/**
 * Property: any sequence of imports into one table (plain inserts, upserts with
 * overlapping keys and repeats, an added column, partial imports finished by
 * --resume or replaced by --restart under either case of the table name),
 * undone newest first, brings the store back to exactly the table it had
 * before each import (rowid, every value and its SQLite type, the columns).
 */
const dir = tempDir();
const rules = path.join(dir, 'rules.json');
fs.writeFileSync(
  rules,
  JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'score', type: 'number' }] }),
);

interface FileSpec {
  rows: { id: number; name: string; score: number | 'bad' }[];
  note: boolean;
}

type Step =
  | { kind: 'insert'; file: FileSpec }
  | { kind: 'upsert'; file: FileSpec; onDuplicate: 'last' | 'first' | 'quarantine' }
  | { kind: 'partial'; file: FileSpec; finish: 'resume' | 'restart'; upper: boolean };

const row = fc.record({
  id: fc.integer({ min: 1, max: 12 }),
  name: fc.constantFrom('ann', 'bob', 'cy', 'dee', 'Ève'),
  score: fc.oneof(fc.constantFrom(0, 1.5, 2, -3.25, 1e20), fc.integer({ min: -5, max: 5 })) as fc.Arbitrary<number | 'bad'>,
});
const file = fc.record({ rows: fc.array(row, { minLength: 1, maxLength: 8 }), note: fc.boolean() });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), file }),
  fc.record({ kind: fc.constant('upsert' as const), file, onDuplicate: fc.constantFrom('last' as const, 'first' as const, 'quarantine' as const) }),
  fc.record({
    kind: fc.constant('partial' as const),
    // A bad row in the middle: with --fail-fast the import stops there, the rows before it committed (a killed import).
    file: fc.record({ rows: fc.array(row, { minLength: 2, maxLength: 8 }), note: fc.boolean() }).map((f) => ({
      ...f,
      rows: [...f.rows.slice(0, 1), { id: 99, name: 'bad', score: 'bad' as const }, ...f.rows.slice(1)],
    })),
    finish: fc.constantFrom('resume' as const, 'restart' as const),
    upper: fc.boolean(),
  }),
);

let fileCounter = 0;
function writeFile(spec: FileSpec): string {
  const target = path.join(dir, `f${fileCounter++}.csv`);
  const header = spec.note ? 'id,name,score,note' : 'id,name,score';
  const lines = spec.rows.map((r, i) => [r.id, r.name, r.score === 'bad' ? 'x' : r.score, ...(spec.note ? [`n${i}`] : [])].join(','));
  fs.writeFileSync(target, `${header}\n${lines.join('\n')}\n`);
  return target;
}

function dump(dbPath: string): string {
  const store = Store.open(dbPath);
  try {
    const table = store.canonicalTableName('T');
    if (!table) return 'no table';
    // An upsert that leaves columns alone adds the absent-keys marker, and undo keeps it (other imports' rows may use it):
    // a marker column of NULLs says what no column says, every key present.
    const columns = store.rawTableColumns(table).filter(
      (c) => c !== ABSENT_COLUMN || store.db.prepare(`SELECT 1 FROM "${table}" WHERE "${c}" IS NOT NULL LIMIT 1`).get() !== undefined,
    );
    const rows = store.db
      .prepare(`SELECT rowid AS r, ${columns.map((c) => `typeof("${c}") || ':' || quote("${c}")`).join(', ')} FROM "${table}" ORDER BY rowid`)
      .raw(true)
      .all();
    return JSON.stringify({ table, columns, rows });
  } finally {
    store.close();
  }
}

async function apply(dbPath: string, s: Step, counter: { n: number }): Promise<number | null> {
  const sourcePath = writeFile(s.file);
  const base = { sourcePath, dbPath, table: 'T', schemaPath: rules, workers: 1, append: true };
  const key = s.kind === 'upsert' ? { key: ['id'], onDuplicate: s.onDuplicate } : {};
  try {
    if (s.kind === 'partial') {
      const first = await runImport({ ...base, failure: { mode: 'fast' } });
      assert.equal(first.status, 'failed');
      const second = await runImport({
        ...base,
        table: s.upper ? 'T' : 't',
        ...(s.finish === 'resume' ? { resume: true, failure: { mode: 'soft', maxErrors: null } } : { restart: true }),
      });
      assert.equal(second.status, 'completed', second.error?.message);
      assertAccounted(second);
      return second.importId;
    }
    const summary = await runImport({ ...base, ...key });
    assert.equal(summary.status, 'completed', summary.error?.message);
    assertAccounted(summary);
    return summary.importId;
  } catch (error) {
    // A refusal (e.g. a key over rows that repeat it) must happen before anything is written.
    if (error instanceof SluiceError && error.code === 'KEY_CONFLICT') return null;
    throw error;
  } finally {
    counter.n++;
  }
}

function assertAccounted(summary: Awaited<ReturnType<typeof runImport>>): void {
  assert.equal(summary.rowsRead, summary.rowsInserted + summary.rowsUpdated + (summary.rowsUnchanged ?? 0) + summary.rowsQuarantined);
}

test('undoing any sequence of imports newest first restores the table exactly at every step', { timeout: 120_000 }, async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 5 }), async (steps) => {
      const dbPath = path.join(dir, `p${run++}.sqlite`);
      const counter = { n: 0 };
      const history: { importId: number; before: string }[] = [];
      for (const s of steps) {
        const before = dump(dbPath);
        const importId = await apply(dbPath, s, counter);
        if (importId === null) assert.equal(dump(dbPath), before, 'a refused import changed the table');
        else history.push({ importId, before });
      }
      for (const { importId, before } of history.reverse()) {
        const store = Store.open(dbPath);
        try {
          const record = store.imports.get(importId)!;
          undoImport(store, importId, { dropTable: record.createdTable });
        } finally {
          store.close();
        }
        assert.equal(dump(dbPath), before, `undo of #${importId} did not restore the table`);
      }
    }),
    { numRuns: Number(process.env.SLUICE_UNDO_RUNS ?? 12) },
  );
});
