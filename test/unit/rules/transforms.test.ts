import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRules, parseRuleFile } from '../../../main/engine/rules/index.js';
import { check, one } from './rules-harness.js';

const t = (transforms: unknown[], value: string, extra: Record<string, unknown> = {}) => one({ ...extra, 'sluice:transforms': transforms }, value);

test('text transforms: trim, collapseSpaces, case', () => {
  assert.equal(t(['trim'], '  a b  ').value, 'a b');
  assert.equal(t(['collapseSpaces'], 'a   b\t c').value, 'a b c');
  assert.equal(t([{ op: 'lower' }], 'ÀB').value, 'àb');
  assert.equal(t(['upper'], 'ab').value, 'AB');
  assert.equal(t(['title'], "o'neil mary-jane smith").value, "O'Neil Mary-Jane Smith");
});

test('transforms run before validation', () => {
  assert.equal(t(['trim'], ' 42 ', { type: 'integer' }).value, 42);
  assert.deepEqual(t(['trim'], '   ', { constraints: { required: true } }).rules, ['f:required']);
  assert.deepEqual(t(['upper'], 'us', { constraints: { enum: ['US'] } }).rules, []);
});

test('default fills missing values, after earlier transforms', () => {
  assert.equal(t(['trim', { op: 'default', value: 'free' }], '  ').value, 'free');
  assert.equal(t([{ op: 'default', value: 0 }], '', { type: 'integer', constraints: { required: true } }).value, 0);
  assert.equal(t([{ op: 'default', value: 'x' }], 'y').value, 'y');
});

test('replace uses a guarded regex, applied globally', () => {
  assert.equal(t([{ op: 'replace', pattern: '[^0-9]', with: '' }], '(555) 123-4567').value, '5551234567');
  assert.equal(t([{ op: 'replace', pattern: 'usa', with: 'US', flags: 'i' }], 'USA').value, 'US');
});

test('map turns Y/N into booleans, optionally ignoring case', () => {
  const yn = [{ op: 'map', values: { Y: true, N: false } }];
  assert.equal(t(yn, 'Y', { type: 'boolean' }).value, 1);
  assert.equal(t(yn, 'N', { type: 'boolean' }).value, 0);
  assert.deepEqual(t(yn, 'y', { type: 'boolean' }).rules, ['f:type']);
  assert.equal(t([{ op: 'map', values: { y: true }, caseInsensitive: true }], 'Y', { type: 'boolean' }).value, 1);
  assert.equal(t([{ op: 'map', values: { 'n/a': null } }], 'n/a', { type: 'integer' }).value, null);
});

test('rename reads another source column; drop validates but does not store', () => {
  const schema = { fields: [
    { name: 'email', format: 'email', 'sluice:transforms': [{ op: 'rename', from: 'E-mail Address' }, 'lower'] },
    { name: 'internal', type: 'integer', 'sluice:transforms': ['drop'] },
  ], 'sluice:rowRules': [{ name: 'pos', expr: 'internal > 0' }] };
  const compiled = compileRules(parseRuleFile(schema), { sourceColumns: ['E-mail Address', 'internal'], redact: false, sourceKind: 'csv' });
  assert.deepEqual(compiled.columns, [{ name: 'email', sqlType: 'TEXT', type: 'string' }]);
  const out: never[] = [];
  assert.equal(compiled.validate(['A@B.CO', '3'], out), null);
  assert.deepEqual(out, ['a@b.co']);
  assert.deepEqual(check(schema, ['E-mail Address', 'internal'], ['a@b.co', '-1']).rules, ['(row):pos']);
});
