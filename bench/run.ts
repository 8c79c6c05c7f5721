/**
 * Sluice benchmark: imports one synthetic customer file with Sluice and with
 * the tools people would otherwise use, one after the other, and prints one
 * table (rows/s, MB/s, wall time, peak RSS, ratios to sqlite3's .import and to
 * a naive papaparse + better-sqlite3 loop). Results also go to
 * bench/results/<timestamp>.json.
 *
 *   npm run bench                                   # 1,000,000 rows (about 100 MB of CSV)
 *   npm run bench -- --rows 100000                  # or BENCH_ROWS=100000 npm run bench
 *   npm run bench -- --only 'io-floor-csv,sqlite3-import,sluice-*'
 *   npm run bench -- --skip-peers --scaling         # also Sluice at 5x --rows
 *   npm run bench -- --list                         # case names; --help for every flag
 *
 * SLUICE_BENCH_CLI=/path/to/sluice.js benches another build of the CLI.
 *
 * Optional tools, each row skipped with a note when absent (Debian packages):
 *   apt-get install -y sqlite3 sqlite-utils csvkit time
 *
 * Fairness: every run reads the same cached file from bench/.data/ (made
 * once per rows+seed by bench/generate-data.ts), writes a fresh database in
 * the same temporary directory, and runs as a child process measured the same
 * way (bench/measure.ts says how peak RSS is taken). Each data file is read
 * once before the first timed run so every run starts from a warm page cache;
 * the I/O floor rows then show how fast reading alone is from that cache.
 * Before every timed run, earlier writes are flushed and the input is read
 * again (both untimed), so no run pays for the one before it.
 * Wall time includes each tool's start-up (Node, Python, sqlite3). The
 * cases run in --repeat rounds (default 3; peers only in the first) and each
 * reports its median run, with the spread in the note.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BENCH_CASES, inputFor, type BenchCase, type CaseContext, type CasePlan, type Datasets, type InputFile, type Tools } from './cases.js';
import { ensureDataset, type Dataset } from './generate-data.js';
import { rssMethod } from './measure.js';
import { isSelected, parseBenchOptions, USAGE, type BenchOptions } from './options.js';
import { formatScaling, formatTable, scalingSummary, withRatios, writeResultsFile } from './report.js';
import { baselineComparison, coresSummary, formatBaselineComparison, formatCores } from './report-compare.js';
import { RESULTS_DIR, SLUICE_CLI } from './repo-paths.js';
import { medianRun, runCase, skippedResult, type BenchResult } from './run-case.js';
import { findOnPath, versionOf } from './tools.js';

const WARM_READ_BUFFER_BYTES = 1024 * 1024;
const SCALING_FACTOR = 5;
/** The narrow file has three times the main file's rows (1M → 3M flight records, about 80 MB). */
const NARROW_FACTOR = 3;

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/**
 * The cases --scaling-cores adds: the rules import pinned to 1 and 2 CPUs, on 1, 2 and 4 workers, and on each
 * write path (the per-thread CPU of the scratch path is what the many-core figures rest on).
 */
const CORES_CASES = new Set([
  'sluice-rules-w2-1cpu',
  'sluice-rules-w2-2cpu',
  'sluice-rules-w1',
  'sluice-rules-w2',
  'sluice-rules-w4',
  'sluice-rules-w2-direct',
  'sluice-rules-w2-scratch',
  'sluice-rules-w4-scratch',
]);

function selectCases(options: BenchOptions): BenchCase[] {
  const chosen = BENCH_CASES.filter((benchCase) => {
    if (options.scalingCores && CORES_CASES.has(benchCase.name)) return true;
    if (!isSelected(benchCase.name, options.only)) return false;
    // Scaling doubles the run time at least, so it needs --scaling or naming the case outright (likewise the pinned-CPU cases).
    if (benchCase.kind === 'scaling') return options.scaling || options.only.includes(benchCase.name);
    if (benchCase.kind === 'cores') return options.scalingCores || options.only.includes(benchCase.name);
    return true;
  });
  if (options.baselineDir === null) return chosen;
  // Each Sluice import case gets its twin with the baseline's CLI right behind it; rounds alternate which runs first.
  const baselineCli = baselineCliOf(options.baselineDir);
  return chosen.flatMap((benchCase) => (benchCase.withCli === undefined ? [benchCase] : [benchCase, benchCase.withCli(baselineCli)]));
}

/** The baseline checkout's CLI, after checking that it is built. */
function baselineCliOf(dir: string): string {
  const cli = path.resolve(dir, 'bin', 'sluice.js');
  const entry = path.resolve(dir, 'dist', 'main', 'cli', 'sluice.js');
  if (!fs.existsSync(cli) || !fs.existsSync(entry)) {
    throw new Error(`--baseline-dir ${dir}: no built CLI there (expected bin/sluice.js and dist/main/cli/sluice.js; run npm run build:engine in it)`);
  }
  return cli;
}

/** Round order: in even rounds each case and its baseline twin swap places, so neither always runs second. */
function roundOrder<T extends { benchCase: BenchCase }>(planned: readonly T[], round: number): T[] {
  const order = [...planned];
  if (round % 2 === 1) return order;
  for (let i = 0; i + 1 < order.length; i++) {
    if (order[i + 1]!.benchCase.baselineOf === order[i]!.benchCase.name) {
      [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
      i++;
    }
  }
  return order;
}

function detectTools(): Tools {
  return {
    sqlite3: findOnPath('sqlite3'),
    sqliteUtils: findOnPath('sqlite-utils'),
    csvsql: findOnPath('csvsql'),
    sluiceCli: fs.existsSync(SLUICE_CLI) ? SLUICE_CLI : null,
    taskset: findOnPath('taskset'),
  };
}

function toolVersions(tools: Tools): Record<string, string | null> {
  const db = new Database(':memory:');
  const bundled = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  return {
    node: process.version,
    betterSqlite3Sqlite: bundled,
    sqlite3: tools.sqlite3 === null ? null : versionOf(tools.sqlite3),
    sqliteUtils: tools.sqliteUtils === null ? null : versionOf(tools.sqliteUtils),
    csvsql: tools.csvsql === null ? null : versionOf(tools.csvsql),
  };
}

function prepareDatasets(options: BenchOptions, cases: readonly BenchCase[], tools: Tools): Datasets {
  const needs = (kind: string): boolean => cases.some((benchCase) => benchCase.input === kind);
  const base = { seed: options.seed, log };
  const main = ensureDataset({ ...base, rows: options.rows, withJsonl: needs('jsonl') });
  const csvkitRuns = needs('csv-small') && tools.csvsql !== null && !options.skipPeers;
  const small = csvkitRuns && options.csvkitRows < options.rows
    ? ensureDataset({ ...base, rows: options.csvkitRows, withJsonl: false })
    : null;
  const scaled = needs('csv-scaled')
    ? ensureDataset({ ...base, rows: options.rows * SCALING_FACTOR, withJsonl: false })
    : null;
  const narrow = needs('csv-narrow')
    ? ensureDataset({ ...base, rows: options.rows * NARROW_FACTOR, withJsonl: false, shape: 'flights' })
    : null;
  return { main, small, scaled, narrow };
}

/** Reads a file once so the timed runs all start from the page cache, not from disk. */
function warmPageCache(filePath: string): void {
  const fd = fs.openSync(filePath, 'r');
  const buffer = Buffer.allocUnsafe(WARM_READ_BUFFER_BYTES);
  while (fs.readSync(fd, buffer, 0, buffer.length, null) > 0);
  fs.closeSync(fd);
}

/**
 * Every timed run starts from the same state: the previous run's writes flushed (`sync`, untimed) and
 * its input read once, so it comes from the page cache. Without this, a run placed after one that wrote
 * or read a lot (the 5x import, the JSONL file) was measured here up to 30% slower than the same
 * command elsewhere in the round.
 */
function settleBeforeRun(inputPath: string): void {
  if (process.platform !== 'win32') spawnSync('sync', { stdio: 'ignore' });
  warmPageCache(inputPath);
}

async function runAll(options: BenchOptions, cases: readonly BenchCase[], tools: Tools, datasets: Datasets): Promise<BenchResult[]> {
  const workDir = fs.mkdtempSync(path.join(options.tmpDir, 'sluice-bench-'));
  const inputs = new Map<BenchCase, InputFile | Error>();
  for (const benchCase of cases) {
    try {
      inputs.set(benchCase, inputFor(benchCase.input, datasets));
    } catch (error) {
      inputs.set(benchCase, error as Error);
    }
  }
  for (const input of new Set([...inputs.values()].flatMap((value) => (value instanceof Error ? [] : [value.path])))) {
    warmPageCache(input);
  }

  // Planned cases run in rounds, every case once per round, so a drift in the machine's speed during
  // the bench (seen here: ±15% within minutes) touches every case alike instead of the last ones.
  const outcomes = new Map<BenchCase, BenchResult[]>();
  const planned: { index: number; benchCase: BenchCase; plan: CasePlan; context: CaseContext }[] = [];
  try {
    for (const [index, benchCase] of cases.entries()) {
      const input = inputs.get(benchCase);
      const progress = `[${index + 1}/${cases.length}] ${benchCase.name}`;
      if (input === undefined || input instanceof Error) {
        const note = input instanceof Error ? input.message : 'no input';
        outcomes.set(benchCase, [{ ...skippedResult(benchCase, null, note), status: 'failed' }]);
        log(`${progress}: failed (${note})`);
        continue;
      }
      const context: CaseContext = { options, tools, workDir, input };
      try {
        const plan = benchCase.plan(context);
        if ('skip' in plan) {
          outcomes.set(benchCase, [skippedResult(benchCase, input, plan.skip)]);
          log(`${progress}: skipped (${plan.skip})`);
        } else {
          planned.push({ index, benchCase, plan, context });
          outcomes.set(benchCase, []);
        }
      } catch (error) {
        const note = error instanceof Error ? error.message : String(error);
        outcomes.set(benchCase, [{ ...skippedResult(benchCase, input, note), status: 'failed' }]);
        log(`${progress}: failed (${note})`);
      }
    }
    for (let round = 1; round <= options.repeat; round++) {
      for (const { index, benchCase, plan, context } of roundOrder(planned, round)) {
        const runs = outcomes.get(benchCase)!;
        // Peers take minutes and only need to be in the right order of magnitude: one round. A failure is not retried.
        if (round > 1 && (benchCase.kind === 'peer' || runs.some((run) => run.status !== 'ok'))) continue;
        const progress = `[${index + 1}/${cases.length}] ${benchCase.name}${options.repeat > 1 ? ` (round ${round}/${options.repeat})` : ''}`;
        log(`${progress} on ${path.basename(context.input.path)} ...`);
        settleBeforeRun(context.input.path);
        const result = await runCase(benchCase, plan, context);
        runs.push(result);
        const wall = result.wallMs === null ? '' : ` in ${(result.wallMs / 1000).toFixed(2)} s`;
        log(`${progress}: ${result.status}${wall}${result.note === '' ? '' : ` (${result.note})`}`);
      }
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  return cases.map((benchCase) => medianRun(outcomes.get(benchCase)!));
}

function describeDataset(dataset: Dataset): Record<string, unknown> {
  return {
    rows: dataset.rows,
    seed: dataset.seed,
    invalidRows: dataset.invalidRows,
    csv: { path: dataset.csvPath, bytes: dataset.csvBytes },
    jsonl: dataset.jsonlPath === null ? null : { path: dataset.jsonlPath, bytes: dataset.jsonlBytes },
  };
}

async function main(): Promise<void> {
  const parsed = parseBenchOptions(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  if (parsed === 'list') {
    for (const benchCase of BENCH_CASES) console.log(`${benchCase.name}\t${benchCase.kind}\t${benchCase.input}`);
    return;
  }
  const options = parsed;
  const cases = selectCases(options);
  if (cases.length === 0) throw new Error(`--only ${options.only.join(',')} matches no case (see --list)`);

  const startedAt = new Date();
  const tools = detectTools();
  const datasets = prepareDatasets(options, cases, tools);
  const results = withRatios(await runAll(options, cases, tools, datasets));
  const scaling = scalingSummary(results);

  const main = datasets.main;
  console.log(`\nSluice bench: ${main.rows.toLocaleString('en-US')} rows, seed ${main.seed}, ` +
    `${(main.csvBytes / 1e6).toFixed(1)} MB CSV, ${main.invalidRows} invalid rows; ` +
    `${os.cpus().length} cores, Node ${process.version}; peak RSS = ${rssMethod()}\n`);
  console.log(formatTable(results));
  if (scaling !== null) console.log(`\n${formatScaling(scaling)}`);
  const cores = coresSummary(results);
  if (cores.length > 0) console.log(`\n${formatCores(cores)}`);
  const comparison = baselineComparison(results);
  if (comparison.length > 0) console.log(`\n${formatBaselineComparison(comparison, options.baselineDir)}`);

  const outPath = options.jsonOut ?? path.join(RESULTS_DIR, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeResultsFile(outPath, {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      totalMemoryGiB: os.totalmem() / 1024 ** 3,
      platform: `${os.platform()} ${os.release()}`,
    },
    tools: toolVersions(tools),
    rssMethod: rssMethod(),
    datasets: {
      main: describeDataset(main),
      small: datasets.small === null ? null : describeDataset(datasets.small),
      scaled: datasets.scaled === null ? null : describeDataset(datasets.scaled),
    },
    results,
    scaling,
    cores,
    baselineComparison: comparison,
  });
  console.log(`\nresults written to ${outPath}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
