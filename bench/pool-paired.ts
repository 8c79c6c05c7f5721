/**
 * Pools the paired rounds of several bench invocations run with `--baseline-dir`: per case, every round's speed
 * change against the baseline's run of the same round, then their median and quartiles. One invocation on a noisy
 * host gives three to five such pairs; several together say whether a change holds.
 *
 *   node dist/bench/pool-paired.js bench/results/a.json bench/results/b.json …
 */
import fs from 'node:fs';
import { pairedChanges } from './report-compare.js';
import type { BenchResult } from './run-case.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: pool-paired.js <results.json> …');
  process.exit(2);
}

const pooled = new Map<string, number[]>();
for (const file of files) {
  const results = (JSON.parse(fs.readFileSync(file, 'utf8')) as { results: BenchResult[] }).results;
  const byName = new Map(results.map((result) => [result.name, result]));
  for (const baseline of results) {
    if (!baseline.name.endsWith('@baseline')) continue;
    const name = baseline.name.slice(0, -'@baseline'.length);
    const current = byName.get(name);
    const changes = current === undefined ? null : pairedChanges(current, baseline);
    if (changes === null) continue;
    pooled.set(name, [...(pooled.get(name) ?? []), ...changes]);
  }
}

const at = (sorted: readonly number[], fraction: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * fraction))]!;
const pct = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
console.log(`Paired speed change against the baseline, pooled over ${files.length} invocation(s):`);
for (const [name, changes] of pooled) {
  const sorted = [...changes].sort((a, b) => a - b);
  console.log(`  ${name.padEnd(22)} ${String(sorted.length).padStart(3)} rounds  median ${pct(at(sorted, 0.5)).padStart(6)}  quartiles ${pct(at(sorted, 0.25))} … ${pct(at(sorted, 0.75))}`);
}
