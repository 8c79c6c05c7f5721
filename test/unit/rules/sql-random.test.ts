import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { tempDir } from '../../helpers/paths.js';
import { bothOutcomes } from '../../helpers/sql-differential.js';

/**
 * Random rule files over random tricky values: whatever Sluice accepts and
 * quarantines (and why), DuckDB running the compiled SQL must too. Bounded to
 * 120 cases (each is a real import plus a DuckDB run); a failure prints the
 * seed and the shrunk rule file and data.
 */

const dir = tempDir('sluice-sql-random-');

const TRICKY = [
  '', ' ', 'N/A', '0', '-0', '+1', '1', '2', '7', '-5', '12', '007', '1.5', '.5', '5.', '1e3', '-1E-2', '1,000', '1.000,5', '$12', '12 %',
  'NaN', 'INF', '-INF', '9223372036854775807', '9223372036854775808', 'true', 'True', 'false', 'yes', 'no', 'Y', 'n',
  '2024-02-29', '2023-02-29', '2024-1-5', '29/02/2024', '3 Mar 2024', '10:30:00', '25:00:00', '2024-01-01T10:00:00+02:00', '2024', '24',
  'a@b.co', 'a@b', 'https://x.org', 'free', 'pro', 'team', 'FREE', ' pro ', 'Ann', 'Bob', 'x', 'ab', 'abc', 'AB12', 'Zoë', '中文', '😀',
  '2024-01-01T10:00:00', '2024-01-01 10:00:00+0230', '2024-03-01T00:30:00-01:00', '1999-12-31T23:59:59.5Z', '9:05 PM', '13:00 AM', '2024-02', '2024-13',
  '1e21', '-0.0', '0x10', '١٢', 'a,b', 'say "hi"', 'two\nlines', 'tab\there', '\u00a0nbsp\u00a0', '  spaced   out  ',
];

const types = ['string', 'integer', 'number', 'boolean', 'date', 'year', 'time', 'datetime', 'yearmonth'] as const;
type FieldType = (typeof types)[number];

const constraintsFor = (type: FieldType): fc.Arbitrary<Record<string, unknown>> => {
  const common = { required: fc.boolean() };
  switch (type) {
    case 'string': return fc.record({ ...common, minLength: fc.integer({ min: 0, max: 3 }), maxLength: fc.integer({ min: 3, max: 8 }), pattern: fc.constantFrom('[a-z]+', '.*\\d.*', '[A-Za-z ]*', '\\w{2,}'), enum: fc.constant(['free', 'pro', 'team', 'Ann', 'x']) }, { requiredKeys: [] });
    case 'integer': return fc.record({ ...common, minimum: fc.integer({ min: -5, max: 5 }), maximum: fc.integer({ min: 5, max: 2000 }), enum: fc.constant([0, 1, 2, 7, 12, 1000]) }, { requiredKeys: [] });
    case 'number': return fc.record({ ...common, minimum: fc.constantFrom(-1, 0, 0.5), exclusiveMaximum: fc.constantFrom(10, 1000.5) }, { requiredKeys: [] });
    case 'date': return fc.record({ ...common, minimum: fc.constant('2024-01-01'), maximum: fc.constant('2024-12-31') }, { requiredKeys: [] });
    case 'year': return fc.record({ ...common, minimum: fc.constant(2000) }, { requiredKeys: [] });
    default: return fc.record(common, { requiredKeys: [] });
  }
};

const transform = fc.constantFrom<unknown>(
  'trim', 'lower', 'upper', 'collapseSpaces',
  { op: 'default', value: '0' }, { op: 'default', value: 1 },
  { op: 'replace', pattern: '[$%,]', with: '' }, { op: 'replace', pattern: '(\\d+)\\.(\\d+)', with: '$2.$1' },
  { op: 'map', values: { y: 'yes', n: 'no', 'N/A': null } }, { op: 'map', values: { free: 'pro', x: 1 }, caseInsensitive: true },
);

const field = (name: string): fc.Arbitrary<Record<string, unknown>> =>
  fc.constantFrom(...types).chain((type) => fc.record({
    name: fc.constant(name),
    type: fc.constant(type),
    format: type === 'date' ? fc.constantFrom('default', 'any', '%d/%m/%Y') : type === 'string' ? fc.constantFrom('default', 'default', 'email', 'uri') : type === 'time' ? fc.constantFrom('default', 'any', '%I:%M %p') : type === 'datetime' ? fc.constantFrom('default', 'any', '%Y-%m-%d %H:%M:%S%z') : fc.constant('default'),
    constraints: constraintsFor(type),
    'sluice:transforms': fc.array(transform, { maxLength: 3 }),
    ...(type === 'boolean' ? { trueValues: fc.constantFrom(['true', '1'], ['yes', 'Y', 'true']), falseValues: fc.constantFrom(['false', '0'], ['no', 'n']) } : {}),
    ...(type === 'number' || type === 'integer' ? { bareNumber: fc.boolean(), groupChar: fc.constantFrom(',', ' ') } : {}),
  }, { requiredKeys: ['name', 'type'] }));

const ROW_RULES = [
  'a == b', 'a != "free" or is_missing(b)', 'len(a) < 5', 'not (a > b)', 'a in ["x", "pro", 1, true]', 'coalesce(a, b) != "N/A"',
  'abs(a) < 100', 'max(a, b) == a', 'a > 0 ? b != "x" : is_missing(b)', 'not a or b', '-a < b', 'min(a, b, 3) >= 0', 'a + b != 3', 'a * 2 >= b or b / 2 < a', 'matches(a, "[a-z]+")', 'lower(a) == upper(b)', 'a % 2 == 0',
];

function quote(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const caseArbitrary = fc.record({
  a: field('a'),
  b: field('b'),
  rules: fc.array(fc.constantFrom(...ROW_RULES), { maxLength: 2 }),
  missingValues: fc.constantFrom([''], ['', 'N/A'], []),
  unique: fc.boolean(),
  key: fc.boolean(),
  rows: fc.array(fc.record({ a: fc.constantFrom(...TRICKY), b: fc.constantFrom(...TRICKY), ragged: fc.integer({ min: 0, max: 30 }) }), { minLength: 1, maxLength: 25 }),
});

test('random rule files and tricky values: DuckDB accepts and quarantines what Sluice does, for the same reasons', async () => {
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(caseArbitrary, async (c) => {
      const constraints = (f: Record<string, unknown>): Record<string, unknown> => ({ ...(f.constraints as object), ...(c.unique && f.name === 'a' ? { unique: true } : {}) });
      const ruleFile = {
        missingValues: c.missingValues,
        fields: [{ ...c.a, constraints: constraints(c.a) }, c.b],
        'sluice:rowRules': c.rules.map((expr, i) => ({ name: `rule_${i}`, expr, severity: i === 1 ? 'warn' : 'error' })),
        ...(c.key ? { primaryKey: 'a' } : {}),
      };
      const lines = c.rows.map((row) => (row.ragged === 0 ? quote(row.a) : row.ragged === 1 ? `${quote(row.a)},${quote(row.b)},extra` : `${quote(row.a)},${quote(row.b)}`));
      const file = path.join(dir, 'random.csv');
      fs.writeFileSync(file, `a,b\n${lines.join('\n')}\n`);
      let outcomes;
      try {
        outcomes = await bothOutcomes(file, ruleFile, dir);
      } catch (error) {
        // A rule file SQL refuses (with its path) is a valid answer, not a mismatch.
        if ((error as { code?: string }).code === 'RULES_INVALID') return;
        throw error;
      }
      compared += 1;
      assert.deepEqual(outcomes.duckdb, outcomes.sluice, JSON.stringify({ ruleFile, data: fs.readFileSync(file, 'utf8') }));
    }),
    { numRuns: 120, seed: Number(process.env.SLUICE_SQL_SEED ?? 20261126) },
  );
  assert.ok(compared > 60, `only ${compared} cases were compiled; the generator makes too many refused rule files`);
});

const JSON_TRICKY: unknown[] = [
  null, 0, 1, -1, 2, 7, 12, 1.5, 2.0, -0.5, 1e3, 1e21, 9007199254740993, true, false, '', ' ', 'N/A', '1', '1.5', '+1', 'true', 'yes',
  'free', 'pro', 'Ann', 'x', 'abc', '2024-02-29', '2023-02-29', '10:30:00', '2024', 'a@b.co', 'Zoë', '😀', [1, 2], { a: 1 },
];

const jsonlCase = fc.record({
  a: field('a'),
  b: field('b'),
  rules: fc.array(fc.constantFrom(...ROW_RULES), { maxLength: 2 }),
  missingValues: fc.constantFrom([''], ['', 'N/A']),
  rows: fc.array(fc.record({ a: fc.constantFrom(...JSON_TRICKY), b: fc.constantFrom(...JSON_TRICKY), shape: fc.integer({ min: 0, max: 20 }) }), { minLength: 1, maxLength: 20 }),
});

test('random rule files over JSONL values of every JSON type: DuckDB agrees with Sluice', async () => {
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(jsonlCase, async (c) => {
      const ruleFile = { missingValues: c.missingValues, fields: [c.a, c.b], 'sluice:rowRules': c.rules.map((expr, i) => ({ name: `rule_${i}`, expr, severity: i === 1 ? 'warn' : 'error' })) };
      const lines = c.rows.map((row) => (row.shape === 0 ? '{"a": 1, "zz": 2}' : row.shape === 1 ? '[1]' : row.shape === 2 ? '{"a": ' : row.shape === 3 ? '' : JSON.stringify({ a: row.a, b: row.b })));
      const file = path.join(dir, 'random.jsonl');
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      let outcomes;
      try {
        outcomes = await bothOutcomes(file, ruleFile, dir);
      } catch (error) {
        if ((error as { code?: string }).code === 'RULES_INVALID') return;
        throw error;
      }
      compared += 1;
      assert.deepEqual(outcomes.duckdb, outcomes.sluice, JSON.stringify({ ruleFile, data: fs.readFileSync(file, 'utf8') }));
    }),
    { numRuns: 60, seed: Number(process.env.SLUICE_SQL_SEED ?? 20261126) },
  );
  assert.ok(compared > 30, `only ${compared} cases were compiled`);
});
