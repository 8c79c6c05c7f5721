/**
 * Rows per second of the compiled validator (10-field schema, with and without
 * 3 row rules, with a pattern constraint), the live preview's time for 10,000
 * rows, and re2js against V8 per pattern test (regex-bench.ts). Run:
 *   npx tsc -p tsconfig.json && node dist/bench/validate-bench.js [--regex-only]
 */
import { compileRules, parseRuleFile, previewRules, type RuleFile, type SqlValue } from '../main/engine/rules/index.js';
import { benchRegexEngines } from './regex-bench.js';

if (process.argv.includes('--regex-only')) {
  benchRegexEngines(20_000);
  process.exit(0);
}

const COLUMNS = ['id', 'name', 'email', 'country', 'signup_date', 'age', 'plan', 'monthly_spend', 'active', 'notes'];
const ROW_RULES = [
  { name: 'free_is_free', expr: 'plan != "free" or monthly_spend == 0' },
  { name: 'adult', expr: 'age >= 18 or plan == "free"', severity: 'warn' },
  { name: 'recent', expr: 'signup_date >= "2000-01-01" and len(name) > 0' },
];

function schema(withRowRules: boolean, emailPattern = false): RuleFile {
  return parseRuleFile({
    fields: [
      { name: 'id', type: 'integer', constraints: { required: true, minimum: 1 } },
      { name: 'name', type: 'string', constraints: { required: true, maxLength: 100 } },
      emailPattern
        ? { name: 'email', type: 'string', constraints: { pattern: '[^@\\s]+@[^@\\s]+\\.[a-z]{2,}' } }
        : { name: 'email', type: 'string', format: 'email' },
      { name: 'country', type: 'string', constraints: { enum: ['US', 'FR', 'DE', 'GB', 'JP'] } },
      { name: 'signup_date', type: 'date' },
      { name: 'age', type: 'integer', constraints: { minimum: 0, maximum: 130 } },
      { name: 'plan', type: 'string', constraints: { enum: ['free', 'pro', 'team'] } },
      { name: 'monthly_spend', type: 'number', constraints: { minimum: 0 } },
      { name: 'active', type: 'boolean' },
      { name: 'notes', type: 'string' },
    ],
    primaryKey: 'id',
    ...(withRowRules ? { 'sluice:rowRules': ROW_RULES } : {}),
  });
}

function makeRows(count: number): string[][] {
  const countries = ['US', 'FR', 'DE', 'GB', 'JP'];
  const plans = ['free', 'pro', 'team'];
  return Array.from({ length: count }, (_, i) => {
    const plan = plans[i % 3] as string;
    return [
      String(i + 1), `Customer ${i}`, `user${i}@example.com`, countries[i % 5] as string,
      `20${String(10 + (i % 14))}-0${1 + (i % 9)}-1${i % 10}`, String(18 + (i % 60)), plan,
      plan === 'free' ? '0' : `${(i % 500) + 0.5}`, i % 2 ? 'true' : 'false', i % 7 ? '' : 'vip',
    ];
  });
}

function measure(label: string, ruleFile: RuleFile, rows: string[][]): void {
  const compiled = compileRules(ruleFile, { sourceColumns: COLUMNS, redact: false, sourceKind: 'csv' });
  const out: SqlValue[] = new Array(compiled.columns.length);
  let failing = 0;
  for (let warm = 0; warm < 3; warm += 1) for (const row of rows) compiled.validate(row, out);
  const rounds = 5;
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round += 1) {
    for (const row of rows) if (compiled.validate(row, out)?.errors) failing += 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = Math.round((rows.length * rounds) / seconds);
  console.log(`${label}: ${perSecond.toLocaleString('en-US')} rows/s (${failing / rounds} failing rows per pass)`);
}

const rows = makeRows(200_000);
measure('validate, 10 fields, type/constraint checks', schema(false), rows);
measure('validate, 10 fields + 3 row rules', schema(true), rows);
measure('validate, 10 fields, email checked by a pattern (re2js)', schema(false, true), rows);
benchRegexEngines();

const sample = { columns: COLUMNS, rows: makeRows(10_000) };
const draft = schema(true);
const timings = (run: () => void): string => {
  const ms: number[] = [];
  for (let i = 0; i < 7; i += 1) {
    const started = performance.now();
    run();
    ms.push(performance.now() - started);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  return `first ${(ms[0] as number).toFixed(1)} ms, median ${(sorted[3] as number).toFixed(1)} ms, max ${(sorted[6] as number).toFixed(1)} ms`;
};
let state = previewRules(draft, sample).state ?? undefined;
console.log(`previewRules, 10,000 rows x 10 columns, full: ${timings(() => { state = previewRules(draft, sample).state ?? undefined; })}`);
let maximum = 60;
let rerun = '';
console.log(`previewRules, one field edited (incremental): ${timings(() => {
  const edited = structuredClone(draft);
  maximum += 1;
  (edited.fields[5] as { constraints: { maximum: number } }).constraints.maximum = maximum;
  const result = previewRules(edited, sample, state);
  state = result.state ?? undefined;
  rerun = result.recomputed.fields.join(', ');
})} (re-ran fields: ${rerun})`);
