import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRules, parseRuleFile } from '../../../main/engine/rules/index.js';
import { check, one } from './rules-harness.js';

test('required: "" and missingValues are missing', () => {
  assert.deepEqual(one({ constraints: { required: true } }, '').messages, ['f: value is required']);
  assert.deepEqual(one({ type: 'integer', constraints: { required: true } }, '1').rules, []);
  const schema = { missingValues: ['', 'NA'], fields: [{ name: 'f', type: 'integer', constraints: { required: true } }] };
  assert.deepEqual(check(schema, ['f'], ['NA']).rules, ['f:required']);
  assert.deepEqual(check({ fields: [{ name: 'f', type: 'integer', missingValues: ['-'] }] }, ['f'], ['-']).out, [null]);
});

test('minimum, maximum and the exclusive forms, for numbers and dates', () => {
  const age = { type: 'integer', constraints: { minimum: 0, maximum: 130 } };
  assert.deepEqual(one(age, '130').rules, []);
  assert.deepEqual(one(age, '131').messages, ['f: "131" is greater than the maximum 130']);
  assert.deepEqual(one(age, '-1').rules, ['f:minimum']);
  const open = { type: 'number', constraints: { exclusiveMinimum: 0, exclusiveMaximum: 1 } };
  assert.deepEqual(one(open, '0').rules, ['f:exclusiveMinimum']);
  assert.deepEqual(one(open, '1').rules, ['f:exclusiveMaximum']);
  assert.deepEqual(one(open, '0.5').rules, []);
  const date = { type: 'date', format: '%d/%m/%Y', constraints: { minimum: '2020-01-01' } };
  assert.deepEqual(one(date, '31/12/2019').rules, ['f:minimum']);
  assert.deepEqual(one(date, '01/01/2020').rules, []);
});

test('minLength and maxLength count characters, not UTF-16 units', () => {
  const name = { constraints: { minLength: 2, maxLength: 3 } };
  assert.deepEqual(one(name, 'a').rules, ['f:minLength']);
  assert.deepEqual(one(name, 'abcd').messages, ['f: "abcd" is longer than 3 characters']);
  assert.deepEqual(one(name, '😀😀😀').rules, []);
  assert.deepEqual(one({ type: 'array', constraints: { maxLength: 1 } }, '[1,2]').rules, ['f:maxLength']);
});

test('pattern matches the whole value, as Table Schema says', () => {
  const code = { constraints: { pattern: '[A-Z]{2}' } };
  assert.deepEqual(one(code, 'US').rules, []);
  assert.deepEqual(one(code, 'USA').rules, ['f:pattern']);
  assert.deepEqual(one(code, 'xUS').rules, ['f:pattern']);
  assert.deepEqual(one({ constraints: { pattern: 'a|b' } }, 'ab').rules, ['f:pattern']);
  // RE2 matches in linear time, so long values are checked too (they used to be refused unchecked).
  assert.deepEqual(one(code, 'A'.repeat(5000)).messages, ['f: "' + 'A'.repeat(80) + '…" does not match the pattern [A-Z]{2}']);
});

test('enum compares cast values', () => {
  assert.deepEqual(one({ constraints: { enum: ['free', 'pro'] } }, 'team').messages, ['f: "team" is not one of "free", "pro"']);
  assert.deepEqual(one({ type: 'integer', constraints: { enum: [1, '2'] } }, '02').rules, []);
  assert.deepEqual(one({ type: 'integer', constraints: { enum: [1, 2] } }, '3').rules, ['f:enum']);
});

test('a row collects every failure, not just the first', () => {
  const schema = { fields: [
    { name: 'a', type: 'integer' },
    { name: 'b', constraints: { required: true } },
    { name: 'c', constraints: { maxLength: 1, pattern: '[0-9]+' } },
  ] };
  assert.deepEqual(check(schema, ['a', 'b', 'c'], ['x', '', 'ab']).rules, ['a:type', 'b:required', 'c:maxLength', 'c:pattern']);
});

test('unique and primaryKey are reported for the store to enforce', () => {
  const compiled = compileRules(parseRuleFile({
    fields: [{ name: 'id', type: 'integer' }, { name: 'email', constraints: { unique: true } }, { name: 'a' }, { name: 'b' }],
    primaryKey: ['id'], uniqueKeys: [['a', 'b']],
  }), { sourceColumns: ['id', 'email', 'a', 'b'], redact: false, sourceKind: 'csv' });
  assert.deepEqual(compiled.primaryKey, ['id']);
  assert.deepEqual(compiled.uniqueKeys, [['a', 'b'], ['email']]);
  const out: never[] = [];
  assert.deepEqual(compiled.validate(['', 'x', '', ''], out)?.errors?.map((f) => f.rule), ['required'], 'key fields are required');
});

test('redaction keeps values out of messages and failures', () => {
  const schema = { fields: [{ name: 'age', type: 'integer', constraints: { maximum: 5 } }, { name: 'b', constraints: { pattern: 'x' } }], 'sluice:rowRules': [{ name: 'r', expr: 'age > 100' }] };
  const { outcome } = check(schema, ['age', 'b'], ['7', 'secret'], { redact: true });
  const failures = outcome?.errors ?? [];
  assert.equal(failures.length, 3);
  for (const failure of failures) {
    assert.equal('value' in failure, false);
    assert.doesNotMatch(failure.message, /7|secret/);
  }
  assert.equal(failures[0]?.message, 'age: value is greater than the maximum 5');
  const plain = check(schema, ['age', 'b'], ['abc', 'secret']).outcome?.errors ?? [];
  assert.equal(plain[0]?.message, 'age: "abc" is not an integer');
  assert.equal(plain[0]?.value, 'abc');
});

test('NaN, INF and -INF are Table Schema numbers in any case (pandas writes inf and nan)', () => {
  for (const [text, expected] of [['nan', NaN], ['Nan', NaN], ['inf', Infinity], ['Inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity], ['-Inf', -Infinity]] as const) {
    assert.deepEqual(one({ type: 'number' }, text).rules, [], text);
    assert.ok(Object.is(one({ type: 'number' }, text).value, expected), text);
  }
  assert.deepEqual(one({ type: 'number' }, 'infinity').rules, ['f:type']);
});

test('a NaN or infinite number out of a range says so, not that -INF is greater than the maximum', () => {
  assert.deepEqual(one({ type: 'number', constraints: { maximum: 10 } }, '-INF').messages, ['f: "-INF" is not a finite number (maximum 10)']);
  assert.deepEqual(one({ type: 'number', constraints: { minimum: 0 } }, 'NaN').messages, ['f: "NaN" is not a finite number (minimum 0)']);
  assert.deepEqual(one({ type: 'number', constraints: { exclusiveMinimum: 0 } }, 'INF').rules, ['f:exclusiveMinimum']);
  assert.deepEqual(one({ type: 'number', constraints: { maximum: 10 } }, '11').messages, ['f: "11" is greater than the maximum 10']);
});
