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
  assert.deepEqual(field('customer_id'), { name: 'customer_id', type: 'integer', constraints: { required: true, minimum: 0 } });
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

test('a few bad values do not stop a type from being inferred; they are what the draft quarantines', () => {
  const ages = Array.from({ length: 40 }, (_, i) => [String(20 + i)]);
  ages[7] = ['abc'];
  const ruleFile = inferRules({ columns: ['age'], rows: ages });
  assert.equal(ruleFile.fields[0]?.type, 'integer');
  const compiled = compileRules(ruleFile, { sourceColumns: ['age'], redact: false, sourceKind: 'csv' });
  const out: SqlValue[] = [];
  assert.equal(compiled.validate(['abc'], out)?.errors?.[0]?.rule, 'type');
  assert.equal(compiled.validate(['200'], out), null, 'no maximum is guessed from the sample');
  const spends = Array.from({ length: 30 }, (_, i) => [i === 3 ? 12.5 : 49]);
  assert.equal(inferRules({ columns: ['spend'], rows: spends }).fields[0]?.type, 'number', 'a decimal among whole numbers means a decimal column');
  const plans = Array.from({ length: 30 }, (_, i) => [i === 5 ? 'enterprise' : ['free', 'pro', 'team'][i % 3]!]);
  assert.deepEqual(inferRules({ columns: ['plan'], rows: plans }).fields[0]?.constraints?.enum, ['free', 'pro', 'team']);
});
