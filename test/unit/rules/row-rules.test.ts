import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, rulesError } from './rules-harness.js';
import { parseRuleFile } from '../../../main/engine/rules/index.js';

const columns = ['start_date', 'end_date', 'country', 'zip', 'age', 'plan', 'spend', 'name'];
const fields = [
  { name: 'start_date', type: 'date' }, { name: 'end_date', type: 'date' }, { name: 'country' }, { name: 'zip' },
  { name: 'age', type: 'integer' }, { name: 'plan' }, { name: 'spend', type: 'number' }, { name: 'name' },
];
const row = (values: Partial<Record<string, string>>): string[] => columns.map((c) => values[c] ?? '');
const rules = (expr: string, values: Partial<Record<string, string>>, severity = 'error'): string[] =>
  check({ fields, 'sluice:rowRules': [{ name: 'r', expr, severity }] }, columns, row(values)).rules;

test('comparisons of dates, numbers and text', () => {
  assert.deepEqual(rules('end_date >= start_date', { start_date: '2024-01-02', end_date: '2024-01-01' }), ['(row):r']);
  assert.deepEqual(rules('end_date >= start_date', { start_date: '2024-01-01', end_date: '2024-01-01' }), []);
  assert.deepEqual(rules('age * 2 < 100 and spend / 2 >= 1', { age: '30', spend: '2' }), []);
});

test('missing values compare as null; unknown results pass, like SQL CHECK', () => {
  assert.deepEqual(rules('end_date >= start_date', { start_date: '2024-01-02' }), []);
  assert.deepEqual(rules('country == "US" or zip == ""', { country: 'FR' }), []);
  assert.deepEqual(rules('country == "US" or zip == ""', { country: 'FR', zip: '75001' }), ['(row):r']);
  assert.deepEqual(rules('country == "US" or zip == ""', { country: 'US', zip: '10001' }), []);
  assert.deepEqual(rules('is_missing(zip)', { zip: 'x' }), ['(row):r']);
  assert.deepEqual(rules('not is_missing(zip)', { zip: 'x' }), []);
});

test('functions, in-lists, ternaries and field()', () => {
  assert.deepEqual(rules('len(trim(name)) >= 2 and lower(plan) in ["free", "pro"]', { name: ' Al ', plan: 'PRO' }), []);
  assert.deepEqual(rules('upper(country) == "US"', { country: 'fr' }), ['(row):r']);
  assert.deepEqual(rules('abs(spend) <= max(age, 10) and min(age, 3) == 3', { spend: '-5', age: '7' }), []);
  assert.deepEqual(rules('matches(zip, "[0-9]{5}")', { zip: '1234' }), ['(row):r']);
  assert.deepEqual(rules('coalesce(zip, "none") != "none"', {}), ['(row):r']);
  assert.deepEqual(rules('plan == "free" ? spend == 0 : spend > 0', { plan: 'free', spend: '3' }), ['(row):r']);
  assert.deepEqual(rules('field("zip") != ""', { zip: '1' }), []);
  assert.deepEqual(rules('!(age > 3) || age == 5 && true', { age: '5' }), []);
});

test('warn severity keeps the row and records a warning with the values read', () => {
  const result = check({ fields, 'sluice:rowRules': [{ name: 'adult', expr: 'age >= 18', severity: 'warn', message: 'should be an adult' }] }, columns, row({ age: '12' }));
  assert.equal(result.outcome?.errors, null);
  assert.deepEqual(result.outcome?.warnings, [{ field: null, rule: 'adult', message: 'should be an adult (age: 12)' }]);
});

test('expressions are checked at load: unknown names, operators and functions', () => {
  const load = (expr: string): string => rulesError(() => parseRuleFile({ fields, 'sluice:rowRules': [{ name: 'r', expr }] }));
  assert.match(load('agee > 1'), /sluice:rowRules\[0\]\.expr: unknown field "agee" \(did you mean "age"\?\)/);
  assert.match(load('age > 1 &'), /cannot parse expression/);
  assert.match(load('age | 1'), /operator "\|" is not supported/);
  assert.match(load('eval("1")'), /unknown function "eval"/);
  assert.match(load('name.constructor'), /"\." and \[\] access are not supported/);
  assert.match(load('this'), /not supported/);
  assert.match(load('not age == 1'), /write not \(a == b\)/);
  // (a+)+ was refused by the old heuristic; on RE2 it is harmless. What RE2 cannot run is refused instead.
  assert.doesNotThrow(() => parseRuleFile({ fields, 'sluice:rowRules': [{ name: 'r', expr: 'matches(name, "(a+)+")' }] }));
  assert.match(load('matches(name, "(a)\\\\1")'), /sluice:rowRules\[0\]\.expr: matches\(\): invalid regular expression/);
  assert.match(load('matches(name, zip)'), /must be a quoted string/);
});

test('only the interpreter\'s own functions are callable: Object.prototype names are refused at load with the JSON path', () => {
  // Issue 13, hole 5: these passed validation (ARITY[name] found Object.prototype's members) and failed later as INTERNAL.
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    const message = rulesError(() => parseRuleFile({ fields, 'sluice:rowRules': [{ name: 'r', expr: `${name}(age)` }] }));
    assert.match(message, new RegExp(`sluice:rowRules\\[0\\]\\.expr: unknown function "${name}"`), name);
  }
});
