import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseRuleFile, ruleModelOf } from '../../../main/engine/rules/parse-rule-file.js';
import { compileToSql } from '../../../main/engine/rules/sql/compile-sql.js';
import type { SqlTarget } from '../../../main/engine/rules/sql/dialect.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { SPARK_CONSTRUCTS } from './sql-spark-constructs.js';

/** No Spark runs here: these pin the Spark SQL each construct compiles to. */

function compile(target: SqlTarget, field: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  const ruleFile = parseRuleFile({ fields: [{ name: 'f', ...field }, { name: 'g', type: 'integer' }], ...extra });
  return compileToSql(ruleModelOf(ruleFile), {
    target,
    source: { format: 'csv', path: '/data/customers.csv', delimiter: ',', quoteChar: '"', hasHeader: true, columns: ['f', 'g'] },
  });
}

for (const entry of SPARK_CONSTRUCTS) {
  test(`Spark SQL for ${entry.construct}`, () => {
    const sql = compile('spark', entry.field, entry.ruleFile);
    assert.ok(sql.includes(entry.snippet), `missing ${entry.snippet}\n${sql}`);
  });
}

test('Spark SQL is the DuckDB SQL with Spark spellings: same stages, no DuckDB-only syntax', () => {
  const field = { type: 'date', format: 'any', constraints: { required: true }, 'sluice:transforms': ['trim'] };
  const spark = compile('spark', field, { 'sluice:rowRules': [{ name: 'r', expr: 'len(f) > g' }] });
  const duckdb = compile('duckdb', field, { 'sluice:rowRules': [{ name: 'r', expr: 'len(f) > g' }] });
  const stages = (sql: string): string[] => [...sql.matchAll(/\b(sluice_\w+) AS \(/g)].map((m) => m[1] as string);
  assert.deepEqual(stages(spark), stages(duckdb));
  for (const duckdbOnly of ['regexp_full_match', 'list_filter', 'list_transform', 'read_text', "{'field'", 'TEMP VIEW', 'generate_subscripts', 'to_minutes']) {
    assert.ok(!spark.includes(duckdbOnly), `Spark SQL contains ${duckdbOnly}`);
  }
  // Spark string literals treat backslashes as escapes, DuckDB's do not.
  assert.ok(spark.includes("'^(?:\\\\d{4}-\\\\d{2}-\\\\d{2})$'"));
  assert.ok(duckdb.includes("'\\d{4}-\\d{2}-\\d{2}'"));
});

test('JSONL sources are refused for Spark with the reason', () => {
  const ruleFile = parseRuleFile({ fields: [{ name: 'f' }] });
  assert.throws(() => compileToSql(ruleModelOf(ruleFile), { target: 'spark', source: { format: 'jsonl', path: 'x.jsonl', columns: ['f'] } }),
    /JSONL sources: Spark SQL has no per-value JSON type test/);
});

test('README documents each construct with the Spark SQL it compiles to', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  for (const entry of SPARK_CONSTRUCTS) {
    assert.ok(readme.includes(`| ${entry.construct} | \`${entry.snippet}\``), `README lacks the row for ${entry.construct}`);
  }
});
