import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRuleFile, ruleModelOf } from '../../../main/engine/rules/parse-rule-file.js';
import { compileToSql } from '../../../main/engine/rules/sql/compile-sql.js';

/** What SQL cannot say the way Sluice means it is refused with its JSON path and the reason, never approximated. */

function refusal(ruleFile: unknown, format: 'csv' | 'jsonl' = 'csv'): string {
  const model = ruleModelOf(parseRuleFile(ruleFile));
  const columns = model.fields.map((f) => f.source);
  const source = format === 'csv'
    ? { format, path: 'x.csv', delimiter: ',', quoteChar: '"', hasHeader: true, columns }
    : { format, path: 'x.jsonl', columns };
  try {
    compileToSql(model, { target: 'duckdb', source });
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'RULES_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected the rule file to be refused');
}

test('transforms and types without an SQL equivalent are refused at their path', () => {
  assert.match(refusal({ fields: [{ name: 'a', 'sluice:transforms': ['trim', 'title'] }] }), /fields\[0\]\.sluice:transforms: title: title case/);
  assert.match(refusal({ fields: [{ name: 'a' }, { name: 'd', type: 'duration' }] }), /fields\[1\]: the ISO 8601 duration check uses look-ahead/);
  assert.match(refusal({ fields: [{ name: 'o', type: 'object' }] }), /fields\[0\]: type "object" holds JSON structures/);
  assert.match(refusal({ fields: [{ name: 'a', type: 'any' }] }, 'jsonl'), /fields\[0\]: a JSON value of type "any"/);
  assert.match(refusal({ fields: [{ name: 'a', 'sluice:transforms': [{ op: 'replace', pattern: 'a', with: "$'" }] }] }), /fields\[0\]\.sluice:transforms: replace:/);
});

test('keys whose outcome depends on row order under upserts are refused', () => {
  assert.match(refusal({ fields: [{ name: 'id', type: 'integer' }, { name: 'email', constraints: { unique: true } }], primaryKey: 'id' }),
    /fields\[1\]\.constraints\.unique: with a primaryKey Sluice upserts/);
  assert.match(refusal({ fields: [{ name: 'a', constraints: { unique: true } }, { name: 'b', constraints: { unique: true } }] }),
    /fields\[1\]\.constraints\.unique: Sluice checks several unique keys row by row/);
});

test('row rules whose value has no single SQL type are refused; every problem is listed at once', () => {
  const message = refusal({
    fields: [{ name: 'a' }, { name: 'n', type: 'integer' }, { name: 't', 'sluice:transforms': ['title'] }],
    'sluice:rowRules': [{ name: 'ok', expr: 'a != ""' }, { name: 'mixed', expr: '(n > 1 ? a : n) != 0' }, { name: 'c', expr: 'coalesce(a, n) != 1' }],
  });
  assert.match(message, /sluice:rowRules\[1\]\.expr: the two branches of \?: have different kinds of value/);
  assert.match(message, /sluice:rowRules\[2\]\.expr: the arguments of coalesce\(\)/);
  assert.match(message, /fields\[2\]\.sluice:transforms: title/);
  assert.match(message, /3 problems/);
});

test('a unique key that is the primary key itself is enforced, not refused (no row is then replaced)', () => {
  const model = ruleModelOf(parseRuleFile({ fields: [{ name: 'id', type: 'integer', constraints: { unique: true } }], primaryKey: 'id' }));
  const sql = compileToSql(model, { target: 'duckdb', source: { format: 'csv', path: 'x.csv', delimiter: ',', quoteChar: '"', hasHeader: true, columns: ['id'] } });
  assert.ok(sql.includes("'unique'"), 'the key is checked for duplicates within the input');
});
