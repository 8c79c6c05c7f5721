import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRules, inferRules, parseRuleFile, type FieldDescriptor, type SqlValue } from '../../../main/engine/rules/index.js';

const columns = ['customer_id', 'name', 'email', 'plan', 'age', 'spend', 'active', 'joined', 'zip', 'score', 'when'];
const plans = ['free', 'pro', 'team'];
const rows: string[][] = Array.from({ length: 40 }, (_, i) => [
  String(100 + i), `Name ${i}`, `u${i}@example.com`, plans[i % 3] as string, String(20 + i), (i * 1.5).toFixed(2),
  i % 2 ? 'true' : 'false', `${13 + (i % 15)}/0${1 + (i % 9)}/2023`, `0${2100 + i}`, i % 4 ? String(i) : 'NA', i % 5 ? `2024-01-0${1 + (i % 9)}T10:00:00Z` : '',
]);

test('inference finds types, formats, enums, bounds, missing tokens and a key', () => {
  const ruleFile = inferRules({ columns, rows });
  const field = (name: string): FieldDescriptor => ruleFile.fields.find((f) => f.name === name) as FieldDescriptor;
  assert.deepEqual(field('customer_id'), { name: 'customer_id', type: 'integer', constraints: { required: true, minimum: 100, maximum: 139 } });
  assert.equal(field('email').format, 'email');
  assert.deepEqual(field('plan').constraints, { required: true, enum: ['free', 'pro', 'team'] });
  assert.equal(field('name').constraints?.enum, undefined);
  assert.equal(field('spend').type, 'number');
  assert.equal(field('active').type, 'boolean');
  assert.deepEqual([field('joined').type, field('joined').format], ['date', '%d/%m/%Y']);
  assert.equal(field('zip').type, 'string', 'leading zeros keep codes as text');
  assert.deepEqual([field('score').type, field('score').missingValues], ['integer', ['', 'NA']]);
  assert.deepEqual([field('when').type, field('when').constraints], ['datetime', undefined]);
  assert.equal(ruleFile.primaryKey, 'customer_id');
});

test('the inferred rule file is valid and accepts the rows it came from', () => {
  const ruleFile = parseRuleFile(JSON.parse(JSON.stringify(inferRules({ columns, rows }))));
  const compiled = compileRules(ruleFile, { sourceColumns: columns, redact: false, sourceKind: 'csv' });
  const out: SqlValue[] = [];
  for (const row of rows) assert.equal(compiled.validate(row, out), null, JSON.stringify(row));
});

test('JSONL samples, 0/1 columns, ambiguous dates and small samples', () => {
  const ruleFile = inferRules({
    columns: ['id', 'flag', 'd', 'meta', 'mixed'],
    rows: [[1, 0, '01/02/2023', { a: 1 }, 'x'], [2, 1, '03/04/2023', { b: 2 }, 3], [3, 1, '05/06/2023', undefined, null]],
  });
  assert.deepEqual(ruleFile.fields.map((f) => f.type), ['integer', 'integer', 'string', 'object', 'string']);
  assert.equal(ruleFile.primaryKey, 'id');
  assert.deepEqual(inferRules({ columns: ['a'], rows: [] }).fields, [{ name: 'a', type: 'string' }]);
  assert.equal(inferRules({ columns: ['email'], rows: [['a@b.co'], ['c@d.co']] }).primaryKey, undefined, 'a unique email is not proposed as key');
  assert.equal(inferRules({ columns: ['n'], rows: [['1'], ['2']] }, { bounds: 'none' }).fields[0]?.constraints?.minimum, undefined);
});
