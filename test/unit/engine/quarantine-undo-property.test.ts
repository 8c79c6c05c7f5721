import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { Store } from '../../../main/engine/store/store.js';
import { retryQuarantinedRow, revalidateQuarantine } from '../../../main/engine/quarantine/retry.js';
import { bulkFix } from '../../../main/engine/quarantine/bulk-fix.js';
import { undoImport } from '../../../main/engine/history/undo.js';
import { SluiceError } from '../../../main/engine/errors.js';
import { tempDir } from '../../helpers/paths.js';

/**
 * Property: any sequence of quarantine work on an import (single-row edits from
 * the detail pane that pass or still fail, bulk fixes, re-validation with looser
 * rules), then undoing its child imports in any order (refused ones retried with
 * --cascade), brings back exactly the quarantine text, reasons and statuses and
 * the table it had; after every step the parent's counters agree with its rows.
 */
const dir = tempDir();
const rules = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true } },
    { name: 'email', type: 'string', format: 'email' },
    { name: 'age', type: 'integer', constraints: { minimum: 0 } },
  ],
  primaryKey: 'id',
};
const looser = { ...rules, fields: rules.fields.map((field) => (field.name === 'age' ? { name: 'age', type: 'integer' } : field)) };
const VALID_ROWS = 2;

type Step =
  | { kind: 'edit'; pick: number; text: string }
  | { kind: 'fix'; field: 'age' | 'email'; value: string }
  | { kind: 'revalidate' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    pick: fc.nat(5),
    text: fc.constantFrom('2,still-bad,40', '2,b@x.io,40', '1,dup@x.io,5', '3,c@x.io,-9', '9,n@x.io,1'),
  }),
  fc.record({ kind: fc.constant('fix' as const), field: fc.constantFrom('age' as const, 'email' as const), value: fc.constantFrom('7', 'z@x.io', '-1') }),
  fc.constant({ kind: 'revalidate' as const }),
);

function snapshot(store: Store, importId: number): string {
  const rows = store.quarantine.page({ importId, limit: 100 }).rows.map((row) => [row.raw, row.originalRaw, row.status, row.errors]);
  const table = store.db.prepare('SELECT rowid, * FROM a ORDER BY rowid').all();
  return JSON.stringify({ rows, table });
}

function assertCountersAgree(store: Store, importId: number, when: string): void {
  const counters = store.imports.get(importId)!.counters;
  const statuses = store.quarantine.statusCounts(importId);
  const total = statuses.open + statuses.fixed + statuses.dismissed;
  assert.equal(counters.rowsQuarantined, total - statuses.fixed, `${when}: quarantined = rows not fixed`);
  assert.equal(counters.rowsInserted + counters.rowsUpdated, VALID_ROWS + statuses.fixed, `${when}: written = valid rows + fixed rows`);
  if (counters.quarantinedOpen !== undefined) {
    assert.deepEqual([counters.quarantinedOpen, counters.quarantinedFixed, counters.quarantinedDismissed], [statuses.open, statuses.fixed, statuses.dismissed], when);
  }
}

test('quarantine edits, fixes and retries undone in any order restore the quarantine and the table exactly; counters stay consistent', async () => {
  const source = path.join(dir, 'a.csv');
  fs.writeFileSync(source, 'id,email,age\n1,a@x.io,30\n2,not-an-email,40\n3,c@x.io,-1\n4,d@x.io,50\n5,bad,-2\n1,dup@x.io,-5\n');
  const base = path.join(dir, 'base.sqlite');
  const { importId } = await runImport({ sourcePath: source, dbPath: base, schema: rules, workers: 1 });
  let run = 0;
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { minLength: 5, maxLength: 5 }), (steps, order) => {
      const dbPath = path.join(dir, `run-${run++}.sqlite`);
      fs.copyFileSync(base, dbPath);
      const store = Store.open(dbPath);
      try {
        const before = snapshot(store, importId);
        for (const each of steps) {
          const open = store.quarantine.page({ importId, status: 'open' }).rows;
          if (open.length === 0) break;
          if (each.kind === 'edit') retryQuarantinedRow(store, open[each.pick % open.length]!.id, each.text);
          else if (each.kind === 'fix') bulkFix(store, { importId, field: each.field, operation: { kind: 'set', value: each.value } });
          else revalidateQuarantine(store, importId, looser);
          assertCountersAgree(store, importId, `after ${each.kind}`);
        }
        const children = store.imports.children(importId).sort((a, b) => (order[a.id % order.length]! - order[b.id % order.length]!) || a.id - b.id);
        for (const child of children) {
          if (store.imports.get(child.id)!.status === 'undone') continue;
          try {
            undoImport(store, child.id);
          } catch (error) {
            assert.ok(error instanceof SluiceError && error.code === 'UNDO_REFUSED', String(error));
            undoImport(store, child.id, { cascade: true });
          }
          assertCountersAgree(store, importId, `after undoing #${child.id}`);
        }
        assert.equal(snapshot(store, importId), before);
      } finally {
        store.close();
        fs.rmSync(dbPath, { force: true });
      }
    }),
    { numRuns: 60 },
  );
});
