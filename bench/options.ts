import os from 'node:os';
import { parseArgs } from 'node:util';

export interface BenchOptions {
  rows: number;
  seed: number;
  /** Case names to run; a trailing `*` matches a prefix. Empty runs all. */
  only: string[];
  skipPeers: boolean;
  scaling: boolean;
  /** Rows for csvkit, which is too slow for the full size. */
  csvkitRows: number;
  jsonOut: string | null;
  tmpDir: string;
  timeoutMs: number;
  /** Timed runs per case (peers: one); the median run is reported. */
  repeat: number;
  /** Also the Sluice rules import pinned to CPU 0, then to CPUs 0 and 1, and with 1, 2 and 4 workers. */
  scalingCores: boolean;
  /** A built checkout of the frozen baseline: the chosen Sluice cases also run with its CLI, alternating. */
  baselineDir: string | null;
}

const DEFAULT_ROWS = 1_000_000;
const DEFAULT_CSVKIT_ROWS = 100_000;
const DEFAULT_TIMEOUT_S = 3600;
/** This machine's speed drifts by ±15% between runs a minute apart; a median of three steadies the ratios. */
const DEFAULT_REPEAT = 3;

export const USAGE = `usage: npm run bench -- [options]
  --rows N          rows in the data set (default $BENCH_ROWS or ${DEFAULT_ROWS})
  --seed N          PRNG seed (default 42)
  --only a,b,c*     run only these cases (a trailing * matches a prefix)
  --skip-peers      skip sqlite-utils and csvkit
  --scaling         also run Sluice with rules at --rows and 5x --rows
  --csvkit-rows N   rows for csvsql (default ${DEFAULT_CSVKIT_ROWS}, capped at --rows)
  --json-out PATH   where to write results (default bench/results/<timestamp>.json)
  --tmp-dir DIR     where the fresh databases go (default the OS temp dir)
  --timeout-s N     per-run time limit (default ${DEFAULT_TIMEOUT_S})
  --repeat N        timed runs per case, median reported (default ${DEFAULT_REPEAT}; peers run once)
  --scaling-cores   also the rules import on 1 CPU and on 2 CPUs (taskset), and with 1, 2 and 4 workers
  --baseline-dir D  a built checkout of the frozen baseline (c6383ad): every chosen Sluice import case
                    also runs with D's CLI, alternating with this version's in each round, side by side
  --list            print case names and exit`;

function positiveInteger(text: string, flag: string): number {
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${flag} must be a positive integer, got "${text}"`);
  return value;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions | 'help' | 'list' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string' },
      seed: { type: 'string', default: '42' },
      only: { type: 'string', default: '' },
      'skip-peers': { type: 'boolean', default: false },
      scaling: { type: 'boolean', default: false },
      'csvkit-rows': { type: 'string', default: String(DEFAULT_CSVKIT_ROWS) },
      'json-out': { type: 'string' },
      'tmp-dir': { type: 'string', default: os.tmpdir() },
      'timeout-s': { type: 'string', default: String(DEFAULT_TIMEOUT_S) },
      repeat: { type: 'string', default: String(DEFAULT_REPEAT) },
      'scaling-cores': { type: 'boolean', default: false },
      'baseline-dir': { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.list) return 'list';
  const rows = positiveInteger(values.rows ?? process.env['BENCH_ROWS'] ?? String(DEFAULT_ROWS), '--rows');
  return {
    rows,
    seed: Number(values.seed),
    only: values.only.split(',').map((name) => name.trim()).filter((name) => name !== ''),
    skipPeers: values['skip-peers'],
    scaling: values.scaling,
    csvkitRows: Math.min(rows, positiveInteger(values['csvkit-rows'], '--csvkit-rows')),
    jsonOut: values['json-out'] ?? null,
    tmpDir: values['tmp-dir'],
    timeoutMs: positiveInteger(values['timeout-s'], '--timeout-s') * 1000,
    repeat: positiveInteger(values.repeat, '--repeat'),
    scalingCores: values['scaling-cores'],
    baselineDir: values['baseline-dir'] ?? null,
  };
}

export function isSelected(name: string, only: readonly string[]): boolean {
  if (only.length === 0) return true;
  return only.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}
