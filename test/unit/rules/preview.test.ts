import { test } from 'node:test';
import assert from 'node:assert/strict';
import { previewRules } from '../../../main/engine/rules/index.js';

const columns = ['id', 'age', 'plan', 'spend'];
const rows = [['1', '30', 'pro', '10'], ['2', 'abc', 'free', '5'], ['3', '200', 'gold', '0'], ['4', '40', 'free', '7'], ['5', 'x', 'pro', '1']];
const draft = () => ({
  fields: [
    { name: 'id', type: 'integer' },
    { name: 'age', type: 'integer', constraints: { maximum: 130 } },
    { name: 'plan', constraints: { enum: ['free', 'pro'] }, 'sluice:transforms': ['upper', 'lower'] },
    { name: 'spend', type: 'number' },
  ],
  'sluice:rowRules': [{ name: 'free_is_free', expr: 'plan != "free" or spend == 0' }, { name: 'big', expr: 'spend < 8', severity: 'warn' }],
});

test('preview groups failures by rule and field and shows transformed cells', () => {
  const result = previewRules(draft(), { columns, rows });
  assert.equal(result.ok, true);
  assert.deepEqual(result.columns.map((c) => c.name), columns);
  assert.deepEqual(result.columnValues[1], [30, 'abc', 200, 40, 'x']);
  assert.deepEqual(result.columnValues[3], [10, 5, 0, 7, 1]);
  const groups = result.groups.map((g) => `${g.severity}:${g.rule}:${g.field}:${g.count}:${g.rows.join(',')}`);
  assert.deepEqual(groups.sort(), [
    'error:enum:plan:1:2', 'error:free_is_free:null:2:1,3', 'error:maximum:age:1:2', 'error:type:age:2:1,4', 'warn:big:null:1:0',
  ]);
  assert.equal(result.invalidRows, 4);
  assert.equal(result.warnedRows, 1);
  assert.deepEqual(result.rows[1]?.errors.map((f) => f.rule), ['type', 'free_is_free']);
  assert.equal(result.rows[0]?.warnings[0]?.rule, 'big');
});

test('an invalid draft returns problems, not an exception, and keeps the state', () => {
  const first = previewRules(draft(), { columns, rows });
  const broken = draft();
  (broken.fields[1] as { type: string }).type = 'int';
  const result = previewRules(broken, { columns, rows }, first.state ?? undefined);
  assert.equal(result.ok, false);
  assert.deepEqual(result.problems.map((p) => p.path), ['fields[1].type']);
  assert.equal(result.state, first.state);
  assert.equal(previewRules({ fields: [{ name: 'nope', constraints: { required: true } }] }, { columns, rows }).problems.length, 1);
});

test('editing one field re-runs only that field and the row rules reading it', () => {
  const sample = { columns, rows };
  const first = previewRules(draft(), sample);
  assert.deepEqual(first.recomputed.fields, columns);
  const edited = draft();
  (edited.fields[3] as { constraints?: object }).constraints = { maximum: 6 };
  const second = previewRules(edited, sample, first.state ?? undefined);
  assert.deepEqual(second.recomputed, { fields: ['spend'], rowRules: ['free_is_free', 'big'] });
  assert.equal(second.columnValues[1], first.columnValues[1], 'untouched columns are shared');
  assert.deepEqual(first.columnValues[3], [10, 5, 0, 7, 1], 'earlier results are not mutated');
  assert.equal(second.groups.find((g) => g.rule === 'maximum' && g.field === 'spend')?.count, 2);
  const third = previewRules(edited, sample, second.state ?? undefined);
  assert.deepEqual(third.recomputed, { fields: [], rowRules: [] });
  assert.deepEqual(third.groups, second.groups);
});

// Speed is measured by the validation bench (npm run bench), never asserted here: this checks the big preview is right.
test('preview of 10,000 rows x 10 columns: every failing cell and row rule is counted, and a rerun gives the same answer', () => {
  const wide = Array.from({ length: 10 }, (_, i) => `c${i}`);
  const cell = (r: number, c: number) => (r * c) % 97;
  const sample = { columns: wide, rows: Array.from({ length: 10_000 }, (_, r) => wide.map((_, c) => String(cell(r, c)))) };
  const schema = {
    fields: wide.map((name, i) => (i % 2 ? { name, type: 'integer', constraints: { maximum: 90 } } : { name, constraints: { maxLength: 2 } })),
    'sluice:rowRules': [{ name: 'r', expr: 'c1 <= c3 or c5 > 3' }],
  };
  const first = previewRules(schema, sample);
  let tooBig = 0;
  let ruleFails = 0;
  for (let r = 0; r < 10_000; r += 1) {
    for (let c = 1; c < 10; c += 2) if (cell(r, c) > 90) tooBig += 1;
    if (!(cell(r, 1) <= cell(r, 3) || cell(r, 5) > 3)) ruleFails += 1;
  }
  const count = (rule: string) => first.groups.filter((g) => g.rule === rule).reduce((sum, g) => sum + g.count, 0);
  assert.equal(count('maximum'), tooBig);
  assert.equal(count('r'), ruleFails);
  assert.equal(count('maxLength'), 0);
  const again = previewRules(schema, sample);
  assert.deepEqual(again.groups, first.groups);
  assert.equal(again.invalidRows, first.invalidRows);
});
