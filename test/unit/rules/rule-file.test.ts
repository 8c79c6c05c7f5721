import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkRuleFile, compileRules, loadRuleFile, parseRuleFile, type RuleFile } from '../../../main/engine/rules/index.js';
import { SAMPLES, tempDir } from '../../helpers/paths.js';
import { rulesError } from './rules-harness.js';

/** Written like the examples in the Table Schema specification, with everything a published schema may carry. */
const FRICTIONLESS_EXAMPLE = {
  title: 'Countries and their capitals',
  description: 'A list of countries with population figures',
  profile: 'tableschema',
  fields: [
    { name: 'id', title: 'Identifier', description: 'A unique id', type: 'integer', format: 'default', rdfType: 'http://schema.org/identifier', constraints: { required: true, unique: true } },
    { name: 'name', title: 'Country name', type: 'string', format: 'default', example: 'France', constraints: { required: true, minLength: 2, maxLength: 60 } },
    { name: 'capital_id', type: 'integer', description: 'Foreign key to cities' },
    { name: 'population', type: 'number', bareNumber: false, groupChar: ',', decimalChar: '.', constraints: { minimum: 0 } },
    { name: 'independence', type: 'date', format: '%Y-%m-%d' },
    { name: 'website', type: 'string', format: 'uri' },
    { name: 'un_member', type: 'boolean', trueValues: ['yes'], falseValues: ['no'] },
    { name: 'location', type: 'geopoint', format: 'default' },
  ],
  missingValues: ['', '-', 'NA'],
  primaryKey: ['id'],
  foreignKeys: [{ fields: 'capital_id', reference: { resource: 'cities', fields: 'id' } }],
};

test('a Frictionless example schema loads unchanged and validates its rows', () => {
  const original = structuredClone(FRICTIONLESS_EXAMPLE);
  const ruleFile = parseRuleFile(FRICTIONLESS_EXAMPLE);
  assert.equal(ruleFile, FRICTIONLESS_EXAMPLE as unknown);
  assert.deepEqual(ruleFile, original);
  const columns = FRICTIONLESS_EXAMPLE.fields.map((f) => f.name);
  const compiled = compileRules(ruleFile, { sourceColumns: columns, redact: false, sourceKind: 'csv' });
  const out: never[] = [];
  assert.equal(compiled.validate(['1', 'France', '7', '67,750,000 people', '1789-07-14', 'https://fr.example', 'yes', '2.35, 48.85'], out), null);
  assert.deepEqual(out, [1, 'France', 7, 67750000, '1789-07-14', 'https://fr.example', 1, '2.35,48.85']);
  assert.deepEqual(compiled.primaryKey, ['id']);
});

test('every problem is listed with its JSON path', () => {
  const message = rulesError(() => parseRuleFile({
    fields: [
      { name: 'a', type: 'integer', constraints: { minimum: 'x', minLength: 2 } },
      { name: 'b', constraints: { pattern: '([a-z' } },
      { name: 'c', type: 'date', format: '%d/%q/%Y' },
      { name: 'd', constraints: { pattern: '(a)\\1', enum: [] } },
      { name: 'a', 'sluice:transforms': ['shout', { op: 'replace', pattern: '(?=x)', with: '' }] },
      { type: 'string' },
      { name: 'e', format: 'phone', constraints: { requird: true } },
    ],
    primaryKey: 'zz',
    uniqueKeys: [['b', 'nope']],
    'sluice:rowRules': [{ name: 'r', expr: 'a >' }, { name: 'r', expr: 'b == 1', severity: 'fatal' }],
    'sluice:rowrules': [],
  }));
  const lines = [
    'fields[0].constraints.minimum: "x" is not an integer',
    'fields[0].constraints.minLength: does not apply to type integer',
    'fields[1].constraints.pattern: invalid regular expression',
    'fields[2].format: unknown directive %q',
    'fields[3].constraints.pattern: invalid regular expression',
    'fields[3].constraints.enum: must be a non-empty array',
    'fields[4].sluice:transforms[0].op: unknown transform "shout"',
    'fields[4].sluice:transforms[1].pattern: invalid regular expression',
    'fields[4].name: duplicate field name "a"',
    'fields[5].name: must be a non-empty string',
    'fields[6].format: unknown string format "phone"',
    'fields[6].constraints.requird: unknown constraint',
    'primaryKey: unknown field "zz"',
    'uniqueKeys[0][1]: unknown field "nope"',
    'sluice:rowRules[0].expr: cannot parse expression',
    'sluice:rowRules[1].name: duplicate row rule name "r"',
    'sluice:rowRules[1].severity: must be "error" or "warn"',
    'sluice:rowrules: unknown Sluice property',
  ];
  for (const line of lines) assert.ok(message.includes(line), `missing: ${line}\n${message}`);
  assert.match(message, /rule file has 18 problems/);
});

test('checkRuleFile returns problems instead of throwing', () => {
  assert.deepEqual(checkRuleFile([]).problems.map((p) => p.path), ['']);
  assert.deepEqual(checkRuleFile({}).problems, [{ path: 'fields', message: 'is required' }]);
});

test('source columns: required fields must exist; optional ones and extras are handled', () => {
  const ruleFile = parseRuleFile({ fields: [
    { name: 'id', type: 'integer', constraints: { required: true } },
    { name: 'email', constraints: { required: true } },
    { name: 'nickname' },
    { name: 'plan', constraints: { required: true }, 'sluice:transforms': [{ op: 'default', value: 'free' }] },
  ] });
  const missing = rulesError(() => compileRules(ruleFile, { sourceColumns: ['ID', 'notes'], redact: false, sourceKind: 'csv' }));
  assert.match(missing, /required field "email" has no column "email"/);
  assert.doesNotMatch(missing, /"id"|nickname|plan/);
  const compiled = compileRules(ruleFile, { sourceColumns: ['ID', 'email', 'notes'], redact: false, sourceKind: 'csv' });
  assert.deepEqual(compiled.columns.map((c) => `${c.name}:${c.sqlType}`), ['id:INTEGER', 'email:TEXT', 'nickname:TEXT', 'plan:TEXT', 'notes:TEXT']);
  const out: never[] = [];
  assert.equal(compiled.validate(['5', 'a@b', ''], out), null);
  assert.deepEqual(out, [5, 'a@b', null, 'free', null]);
  const strict = parseRuleFile({ fields: [{ name: 'id' }], 'sluice:extraColumns': 'error' });
  assert.match(rulesError(() => compileRules(strict, { sourceColumns: ['id', 'x'], redact: false, sourceKind: 'csv' })), /not described by any field: "x"/);
  const dropping = compileRules(parseRuleFile({ fields: [{ name: 'id' }], 'sluice:extraColumns': 'drop' }), { sourceColumns: ['id', 'x'], redact: false, sourceKind: 'csv' });
  assert.deepEqual(dropping.columns.map((c) => c.name), ['id']);
});

test('no rule file: CSV text with "" as NULL, JSONL values converted without loss', () => {
  const csv = compileRules(null, { sourceColumns: ['a', 'b'], redact: false, sourceKind: 'csv', keyOverride: ['a'] });
  // No affinity: SQLite stores exactly what the engine hands it; the logical type goes to the stored schema.
  assert.deepEqual(csv.columns, [{ name: 'a', sqlType: '', type: 'string' }, { name: 'b', sqlType: '', type: 'string' }]);
  assert.deepEqual(csv.primaryKey, ['a']);
  const out: unknown[] = [];
  assert.equal(csv.validate(['x', ''], out as never[]), null);
  assert.deepEqual(out, ['x', null]);
  const columnTypes = (['boolean', 'object', 'any', 'number', 'array'] as const).map((type) => ({ type }));
  const jsonl = compileRules(null, { sourceColumns: ['a', 'b', 'c', 'd', 'e'], redact: false, sourceKind: 'jsonl', columnTypes });
  assert.equal(jsonl.columns[0]?.sqlType, '');
  jsonl.validate([true, { x: 1 }, undefined, 2.5, [1]], out as never[]);
  assert.deepEqual(out, [1n, '{"x":1}', null, 2.5, '[1]']);
  // A value whose kind differs from its column's type is kept as the BLOB of its JSON text.
  jsonl.validate(['yes', 5, 'text', 7, null], out as never[]);
  assert.deepEqual((out as unknown[]).map((v) => (v instanceof Uint8Array ? `blob:${Buffer.from(v).toString()}` : v)), ['blob:"yes"', 'blob:5', 'text', 7n, null]);
  assert.throws(() => compileRules(null, { sourceColumns: ['a'], redact: false, sourceKind: 'csv', keyOverride: ['b'] }), { code: 'USAGE' });
});

test('loadRuleFile: missing file, bad JSON with line and column, and the customers sample', async () => {
  const dir = tempDir();
  await assert.rejects(loadRuleFile(path.join(dir, 'nope.json')), { code: 'FILE_NOT_FOUND' });
  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{\n  "fields": [\n    { "name": "a" },,\n  ]\n}');
  await assert.rejects(loadRuleFile(broken), (error: { code: string; message: string }) => {
    assert.equal(error.code, 'RULES_INVALID');
    assert.match(error.message, /line 3, column \d+/);
    return true;
  });
  const invalid = path.join(dir, 'invalid.json');
  fs.writeFileSync(invalid, JSON.stringify({ fields: [{ name: 'a', type: 'text' }] }));
  await assert.rejects(loadRuleFile(invalid), /invalid\.json: rule file has 1 problem:\n {2}fields\[0\]\.type: unknown type "text"/);
  const customers: RuleFile = await loadRuleFile(path.join(SAMPLES, 'customers.rules.json'));
  const columns = 'id,name,email,country,signup_date,age,plan,monthly_spend,active,notes'.split(',');
  const compiled = compileRules(customers, { sourceColumns: columns, redact: false, sourceKind: 'csv' });
  const out: unknown[] = [];
  assert.equal(compiled.validate(['1', ' Ann  Lee ', 'ANN@X.COM', 'us', '2024-01-05', '34', 'Pro', '$12.50', 'Y', ''], out as never[]), null);
  assert.deepEqual(out, [1, 'Ann Lee', 'ann@x.com', 'US', '2024-01-05', 34, 'pro', 12.5, 1, null]);
  const bad = compiled.validate(['2', 'Bo', 'bo@x.io', 'FR', '2024-01-05', '40', 'free', '9', 'no', ''], out as never[]);
  assert.deepEqual(bad?.errors?.map((f) => f.rule), ['free_plan_pays_nothing']);
});
