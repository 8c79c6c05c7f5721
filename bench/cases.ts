/**
 * Every row of the bench table: what it runs, on which file, and how its
 * output is read. The order here is the order they run in.
 */
import os from 'node:os';
import type { Dataset } from './generate-data.js';
import type { BenchOptions } from './options.js';
import { childScript, RULES_FILE, SLUICE_CLI, rulesFileFor } from './repo-paths.js';
import { DUCKDB_READ_CSV_CASE, FLOOR_CASES, PEER_CASES, TABLE, commandCase, dbFor, duckdbCompiledCase, node, sqlite3ImportCase } from './peer-cases.js';

/** `csv-narrow`: the 5-column flight records, three times the main file's rows (see flight-rows.ts). */
export type InputKind = 'csv' | 'jsonl' | 'csv-small' | 'csv-scaled' | 'csv-narrow';

export interface InputFile {
  format: 'csv' | 'jsonl';
  path: string;
  rows: number;
  bytes: number;
  invalidRows: number;
}

export interface Tools {
  sqlite3: string | null;
  sqliteUtils: string | null;
  csvsql: string | null;
  /** bin/sluice.js, or null while the CLI does not exist yet. */
  sluiceCli: string | null;
  /** util-linux `taskset`, for the 1 vs 2 cores cases. */
  taskset: string | null;
}

export interface CaseContext {
  options: BenchOptions;
  tools: Tools;
  /** Fresh directory for this bench run; every case gets its own database in it. */
  workDir: string;
  input: InputFile;
}

export interface Step {
  command: string;
  args: string[];
}

export interface CasePlan {
  /** Untimed steps before the timed one, e.g. the first import of an upsert pair. */
  setup: Step[];
  timed: Step;
  /** The database the timed step writes, counted afterwards; null for the I/O floor. */
  dbPath: string | null;
  /** The Sluice CLI names its own table and prints a --json summary; the others write `customers`. */
  readsSluiceSummary: boolean;
}

export type CaseKind = 'floor' | 'reference' | 'naive' | 'peer' | 'sluice' | 'scaling' | 'cores' | 'baseline';

export interface BenchCase {
  name: string;
  kind: CaseKind;
  input: InputKind;
  /** The plan, or why the case is skipped (a missing tool, a flag). A thrown error marks it failed. */
  plan(context: CaseContext): CasePlan | { skip: string };
  /** For a baseline twin: the case it repeats with the frozen baseline's CLI. */
  baselineOf?: string;
  /** Sluice import cases only: the same import with another checkout's CLI (see `--baseline-dir`). */
  withCli?: (cli: string) => BenchCase;
}

interface SluiceFlags {
  rules: boolean;
  workers?: number;
  upsert?: boolean;
  /** CPUs the whole import may run on (`taskset -c`), e.g. "0" or "0,1". */
  cpus?: string;
  /** Forces the write path (`SLUICE_WRITE_PATH`) instead of the one chosen from the machine's cores. */
  writePath?: 'scratch' | 'direct';
}

function sluiceCase(name: string, input: InputKind, flags: SluiceFlags, kind: CaseKind = 'sluice', cliOverride?: string): BenchCase {
  return {
    name,
    kind,
    input,
    ...(cliOverride === undefined ? {} : { baselineOf: name.replace(/@baseline$/, '') }),
    plan(context) {
      const cli = cliOverride ?? context.tools.sluiceCli;
      if (cli === null) throw new Error(`${SLUICE_CLI} not found (the CLI is not there yet)`);
      const dbPath = dbFor(context, name);
      const args = ['import', context.input.path, '--db', dbPath, '--json'];
      if (flags.rules) args.push('--schema', rulesFileFor(input));
      if (flags.upsert === true) args.push('--key', 'id');
      if (flags.workers !== undefined) args.push('--workers', String(flags.workers));
      let step = node(cli, args);
      // Through env(1), so GNU time still measures the import's own process tree.
      if (flags.writePath !== undefined) step = { command: '/usr/bin/env', args: [`SLUICE_WRITE_PATH=${flags.writePath}`, step.command, ...step.args] };
      if (flags.cpus !== undefined) {
        if (context.tools.taskset === null) return { skip: 'taskset not installed (apt-get install util-linux)' };
        const highest = Math.max(...flags.cpus.split(',').map(Number));
        if (highest >= os.cpus().length) return { skip: `this machine has no CPU ${highest}` };
        step = { command: context.tools.taskset, args: ['-c', flags.cpus, step.command, ...step.args] };
      }
      return { setup: flags.upsert === true ? [step] : [], timed: step, dbPath, readsSluiceSummary: true };
    },
    // A forced write path means nothing to an older CLI: no baseline twin.
    ...(cliOverride === undefined && flags.writePath === undefined ? { withCli: (cli: string) => sluiceCase(`${name}@baseline`, input, flags, 'baseline', cli) } : {}),
  };
}

/**
 * A data grid figure on the imported table (untimed setup: the import). The child times the new path and
 * today's for the same query and reports both; the row's wall time includes Node's start-up, its note the
 * figures that matter.
 */
function gridCase(which: 'first' | 'end' | 'sorted-deep' | 'filter-common' | 'filter-rare'): BenchCase {
  return commandCase(`grid-${which}`, 'sluice', 'csv', 'sqlite', (context, dbPath) => {
    const cli = context.tools.sluiceCli;
    if (cli === null) throw new Error(`${SLUICE_CLI} not found (the CLI is not there yet)`);
    return {
      setup: [node(cli, ['import', context.input.path, '--db', dbPath, '--table', TABLE, '--json'])],
      timed: node(childScript('baselines/grid-queries.js'), [dbPath, which]),
    };
  });
}

export const BENCH_CASES: readonly BenchCase[] = [
  ...FLOOR_CASES,
  sqlite3ImportCase('sqlite3-import', 'csv'),
  ...PEER_CASES,
  sluiceCase('sluice-no-rules', 'csv', { rules: false }),
  sluiceCase('sluice-rules-w1', 'csv', { rules: true, workers: 1 }),
  sluiceCase('sluice-rules-w2', 'csv', { rules: true, workers: 2 }),
  sluiceCase('sluice-rules-w4', 'csv', { rules: true, workers: 4 }),
  sluiceCase('sluice-upsert', 'csv', { rules: true, workers: 2, upsert: true }),
  sluiceCase('sluice-jsonl-rules', 'jsonl', { rules: true, workers: 2 }),
  commandCase('sluice-ui-lag', 'sluice', 'csv', 'sqlite', (context, dbPath) => ({
    timed: node(childScript('baselines/ui-lag.js'), [context.input.path, dbPath, RULES_FILE]),
  }), true),
  duckdbCompiledCase('duckdb-compiled-rules', 'csv'),
  DUCKDB_READ_CSV_CASE,
  ...(['first', 'end', 'sorted-deep', 'filter-common', 'filter-rare'] as const).map(gridCase),
  sluiceCase('sluice-rules-w2-1cpu', 'csv', { rules: true, workers: 2, cpus: '0' }, 'cores'),
  sluiceCase('sluice-rules-w2-2cpu', 'csv', { rules: true, workers: 2, cpus: '0,1' }, 'cores'),
  sluiceCase('sluice-rules-w2-scratch', 'csv', { rules: true, workers: 2, writePath: 'scratch' }, 'cores'),
  sluiceCase('sluice-rules-w4-scratch', 'csv', { rules: true, workers: 4, writePath: 'scratch' }, 'cores'),
  sluiceCase('sluice-rules-w2-direct', 'csv', { rules: true, workers: 2, writePath: 'direct' }, 'cores'),
  // Narrow rows: where per-row costs lead (issue 19 saw the widest gap to sqlite3 on a 5-column file).
  sqlite3ImportCase('sqlite3-import-narrow', 'csv-narrow'),
  duckdbCompiledCase('duckdb-compiled-rules-narrow', 'csv-narrow'),
  sluiceCase('sluice-narrow-rules-w2', 'csv-narrow', { rules: true, workers: 2 }),
  sluiceCase('sluice-scale-1x', 'csv', { rules: true, workers: 2 }, 'scaling'),
  sluiceCase('sluice-scale-5x', 'csv-scaled', { rules: true, workers: 2 }, 'scaling'),
];

/** Which data files the selected cases read. */
/** The data files one bench run made: the main one, and the others when a chosen case reads them. */
export interface Datasets {
  main: Dataset;
  small: Dataset | null;
  scaled: Dataset | null;
  narrow: Dataset | null;
}

export function inputFor(kind: InputKind, datasets: Datasets): InputFile {
  const pickCsv = (dataset: Dataset): InputFile => ({
    format: 'csv',
    path: dataset.csvPath,
    rows: dataset.rows,
    bytes: dataset.csvBytes,
    invalidRows: dataset.invalidRows,
  });
  switch (kind) {
    case 'csv':
      return pickCsv(datasets.main);
    case 'csv-small':
      return pickCsv(datasets.small ?? datasets.main);
    case 'csv-scaled':
      if (datasets.scaled === null) throw new Error('the 5x data set was not generated');
      return pickCsv(datasets.scaled);
    case 'csv-narrow':
      if (datasets.narrow === null) throw new Error('the narrow data set was not generated');
      return pickCsv(datasets.narrow);
    case 'jsonl':
      if (datasets.main.jsonlPath === null) throw new Error('the JSONL file was not generated');
      return {
        format: 'jsonl',
        path: datasets.main.jsonlPath,
        rows: datasets.main.rows,
        bytes: datasets.main.jsonlBytes,
        invalidRows: datasets.main.invalidRows,
      };
  }
}
