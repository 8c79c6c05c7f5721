/** The bench's side-by-side summaries: this version against the frozen baseline, and 1 vs 2 CPUs / 1, 2, 4 workers. */
import { secondsPerMillionRows } from './report.js';
import type { BenchResult, CpuFigures } from './run-case.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** A figure over the runs: the median and the range, in rows/s or CPU s per 1M rows. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

function spread(values: readonly number[]): Spread | null {
  const middle = median(values);
  return middle === null ? null : { median: middle, min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

function rates(result: BenchResult): Spread | null {
  if (result.status !== 'ok' || result.rows === null) return null;
  // The median of the wall times (as the main table's median run), then turned into rows/s.
  const walls = spread(result.wallMsRuns ?? (result.wallMs === null ? [] : [result.wallMs]));
  if (walls === null) return null;
  const rate = (ms: number): number => result.rows! / (ms / 1000);
  return { median: rate(walls.median), min: rate(walls.max), max: rate(walls.min), runs: walls.runs };
}

function cpuSpread(result: BenchResult, pick: (cpu: CpuFigures) => number | null): Spread | null {
  const runs = result.cpuRuns ?? [result.cpu];
  const values = runs.flatMap((cpu) => {
    const ms = cpu === null ? null : pick(cpu);
    const seconds = secondsPerMillionRows(ms, result.rows);
    return seconds === null ? [] : [seconds];
  });
  return spread(values);
}

const workersTotal = (cpu: CpuFigures): number | null => (cpu.workersMs.length === 0 ? null : cpu.workersMs.reduce((sum, ms) => sum + ms, 0));

export interface SideBySide {
  name: string;
  /** The baseline's per-thread figures exist only where its trace records them (not at c6383ad). */
  baseline: { rowsPerSec: Spread | null; processCpuS: Spread | null; totalThreadCpuS: Spread | null };
  current: {
    rowsPerSec: Spread | null;
    processCpuS: Spread | null;
    importThreadCpuS: Spread | null;
    workerCpuS: Spread | null;
    totalThreadCpuS: Spread | null;
  };
  /** Change of the median rows/s and of the median process CPU per 1M rows, in %. */
  rateChangePct: number | null;
  cpuChangePct: number | null;
  /**
   * The speed change of each round (this run against the baseline's run of the same round, back to back), in %:
   * a machine that speeds up or slows down between rounds moves both runs of a round alike, so on a noisy host
   * this says more than the change of the medians.
   */
  pairedChangePct: Spread | null;
}

/**
 * Per round: the baseline's wall time over this version's, as a speed change in %; rounds run in order in both lists
 * (null unless both ran every round). pool-paired.ts pools these over several invocations.
 */
export function pairedChanges(current: BenchResult, baseline: BenchResult): number[] | null {
  const mine = current.wallMsRuns ?? [];
  const theirs = baseline.wallMsRuns ?? [];
  if (current.status !== 'ok' || baseline.status !== 'ok' || mine.length === 0 || mine.length !== theirs.length) return null;
  return mine.map((ms, round) => (theirs[round]! / ms - 1) * 100);
}

function pairedChange(current: BenchResult, baseline: BenchResult): Spread | null {
  const changes = pairedChanges(current, baseline);
  return changes === null ? null : spread(changes);
}

function change(now: Spread | null, before: Spread | null): number | null {
  return now === null || before === null ? null : (now.median / before.median - 1) * 100;
}

export function baselineComparison(results: readonly BenchResult[]): SideBySide[] {
  const byName = new Map(results.map((result) => [result.name, result]));
  return results.flatMap((twin) => {
    const name = twin.name.endsWith('@baseline') ? twin.name.slice(0, -'@baseline'.length) : null;
    const current = name === null ? undefined : byName.get(name);
    if (name === null || current === undefined) return [];
    const entry: SideBySide = {
      name,
      baseline: {
        rowsPerSec: rates(twin),
        processCpuS: cpuSpread(twin, (cpu) => cpu.processMs),
        totalThreadCpuS: cpuSpread(twin, (cpu) => cpu.threadsMs),
      },
      current: {
        rowsPerSec: rates(current),
        processCpuS: cpuSpread(current, (cpu) => cpu.processMs),
        importThreadCpuS: cpuSpread(current, (cpu) => cpu.importThreadMs),
        workerCpuS: cpuSpread(current, workersTotal),
        totalThreadCpuS: cpuSpread(current, (cpu) => cpu.threadsMs),
      },
      rateChangePct: null,
      cpuChangePct: null,
      pairedChangePct: pairedChange(current, twin),
    };
    entry.rateChangePct = change(entry.current.rowsPerSec, entry.baseline.rowsPerSec);
    entry.cpuChangePct = change(entry.current.processCpuS, entry.baseline.processCpuS);
    return [entry];
  });
}

function showRate(value: Spread | null): string {
  return value === null ? '-' : `${integer.format(value.median)} (${integer.format(value.min)}–${integer.format(value.max)})`;
}

function showSeconds(value: Spread | null): string {
  return value === null ? '-' : `${value.median.toFixed(2)} (${value.min.toFixed(2)}–${value.max.toFixed(2)})`;
}

function showPct(value: number | null): string {
  return value === null ? '-' : `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
}

function table(header: string[], body: string[][]): string {
  const rows = [header, ...body];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]): string => row.map((text, column) => (column === 0 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!))).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}

export function formatBaselineComparison(entries: readonly SideBySide[], baselineDir: string | null): string {
  const body = entries.map((entry) => [
    entry.name,
    showRate(entry.baseline.rowsPerSec),
    showRate(entry.current.rowsPerSec),
    showPct(entry.rateChangePct),
    entry.pairedChangePct === null
      ? '-'
      : `${showPct(entry.pairedChangePct.median)} (${showPct(entry.pairedChangePct.min)}–${showPct(entry.pairedChangePct.max)})`,
    showSeconds(entry.baseline.processCpuS),
    showSeconds(entry.current.processCpuS),
    showPct(entry.cpuChangePct),
    showSeconds(entry.baseline.totalThreadCpuS),
    showSeconds(entry.current.totalThreadCpuS),
  ]);
  return `Against the frozen baseline (${baselineDir ?? '?'}), same rounds, alternating; medians (min–max):\n` + table(
    ['case', 'baseline rows/s', 'this rows/s', 'change', 'paired change per round', 'baseline process CPU s/1M', 'this process CPU s/1M', 'change', 'baseline threads CPU s/1M', 'this threads CPU s/1M'],
    body,
  );
}

export interface CoresEntry {
  name: string;
  rowsPerSec: Spread | null;
  importThreadCpuS: Spread | null;
  workerCpuS: Spread | null;
  totalThreadCpuS: Spread | null;
  /** rows/s over the 1-CPU (for the pinned cases) or 1-worker case's. */
  speedup: number | null;
}

const CORES_ROWS: [name: string, base: string][] = [
  ['sluice-rules-w2-1cpu', 'sluice-rules-w2-1cpu'],
  ['sluice-rules-w2-2cpu', 'sluice-rules-w2-1cpu'],
  ['sluice-rules-w1', 'sluice-rules-w1'],
  ['sluice-rules-w2', 'sluice-rules-w1'],
  ['sluice-rules-w4', 'sluice-rules-w1'],
];

/** 1 vs 2 CPUs (taskset) and 1, 2, 4 workers, when those cases ran. */
export function coresSummary(results: readonly BenchResult[]): CoresEntry[] {
  const byName = new Map(results.map((result) => [result.name, result]));
  const pinned = results.some((result) => result.kind === 'cores');
  return CORES_ROWS.flatMap(([name, baseName]) => {
    const result = byName.get(name);
    if (!pinned || result === undefined || result.status !== 'ok') return [];
    const rowsPerSec = rates(result);
    const base = byName.get(baseName);
    const baseRate = base === undefined ? null : rates(base);
    return [{
      name,
      rowsPerSec,
      importThreadCpuS: cpuSpread(result, (cpu) => cpu.importThreadMs),
      workerCpuS: cpuSpread(result, workersTotal),
      totalThreadCpuS: cpuSpread(result, (cpu) => cpu.threadsMs),
      speedup: rowsPerSec === null || baseRate === null ? null : rowsPerSec.median / baseRate.median,
    }];
  });
}

export function formatCores(entries: readonly CoresEntry[]): string {
  const body = entries.map((entry) => [
    entry.name,
    showRate(entry.rowsPerSec),
    entry.speedup === null ? '-' : `${entry.speedup.toFixed(2)}x`,
    showSeconds(entry.importThreadCpuS),
    showSeconds(entry.workerCpuS),
    showSeconds(entry.totalThreadCpuS),
  ]);
  return 'Scaling with CPUs (taskset) and workers; medians (min–max):\n' + table(
    ['case', 'rows/s', 'speed-up', 'import-thread CPU s/1M', 'worker CPU s/1M', 'total CPU s/1M'],
    body,
  );
}
