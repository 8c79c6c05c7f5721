/**
 * The cost of linear-time patterns: ns per whole-value test with re2js (what
 * `pattern`, `matches()` and `replace` run on) against V8's backtracking
 * RegExp, on typical patterns and values, plus the validator's rows/s with a
 * pattern constraint on each engine. Part of the validation benchmark
 * (validate-bench.ts); alone: `node dist/bench/validate-bench.js --regex-only`.
 */
import { linearRegex } from '../main/engine/rules/index.js';

const CASES: { pattern: string; values: (i: number) => string }[] = [
  { pattern: '[A-Z]{2}', values: (i) => ['US', 'FR', 'de', 'GBR'][i % 4] as string },
  { pattern: '\\d{5}(-\\d{4})?', values: (i) => (i % 3 ? String(10000 + (i % 89999)) : `${10000 + (i % 89999)}-1234`) },
  { pattern: '[^@\\s]+@[^@\\s]+\\.[a-z]{2,}', values: (i) => (i % 9 ? `user${i}@example.com` : `broken${i}.example.com`) },
  { pattern: '\\p{L}[\\p{L} \'-]*', values: (i) => (i % 5 ? `Customer Élodie ${i % 2 ? 'Ann' : 'Zoë'}` : `Customer ${i}`) },
];

/** Counts matches so the engine cannot skip the work; printed nowhere. */
let hits = 0;

function nsPerTest(test: (value: string) => boolean, values: string[]): number {
  for (let warm = 0; warm < 3; warm += 1) for (const value of values) if (test(value)) hits += 1;
  const rounds = 5;
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round += 1) for (const value of values) if (test(value)) hits += 1;
  return Number(process.hrtime.bigint() - started) / (values.length * rounds);
}

export function benchRegexEngines(valueCount = 200_000): void {
  for (const { pattern, values } of CASES) {
    const inputs = Array.from({ length: valueCount }, (_, i) => values(i));
    const re2 = linearRegex(pattern);
    const v8 = new RegExp(`^(?:${pattern})$`, 'u');
    const re2Ns = nsPerTest((value) => re2.testWhole(value), inputs);
    const v8Ns = nsPerTest((value) => v8.test(value), inputs);
    console.log(`pattern ${pattern}: re2js ${re2Ns.toFixed(0)} ns/test, V8 ${v8Ns.toFixed(0)} ns/test (${(re2Ns / v8Ns).toFixed(1)}x)`);
  }
  const slow = 'a'.repeat(10 * 1024);
  const started = performance.now();
  for (const pattern of ['(a|b?a)+', 'a*a*a*a*a*b', '.*.*.*.*.*=']) linearRegex(pattern).testWhole(slow);
  if (hits < 0) console.log(hits);
  console.log(`the three catastrophic patterns on 10 kB with re2js: ${(performance.now() - started).toFixed(1)} ms in all (V8: minutes on a few hundred characters)`);
}
