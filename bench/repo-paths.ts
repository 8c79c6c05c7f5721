import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputKind } from './cases.js';

/** Compiled bench scripts live in dist/bench/; the child scripts sit next to this file. */
export const DIST_BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

function findRepoRoot(): string {
  let dir = DIST_BENCH_DIR;
  while (!fs.existsSync(path.join(dir, 'package.json')) || dir.endsWith(`${path.sep}dist`)) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repo root not found above ' + DIST_BENCH_DIR);
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot();
export const BENCH_DIR = path.join(REPO_ROOT, 'bench');
export const DATA_DIR = path.join(BENCH_DIR, '.data');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
export const RULES_FILE = path.join(BENCH_DIR, 'customers.rules.json');
/** The rules of the narrow flight records (`csv-narrow` cases). */
export const FLIGHTS_RULES_FILE = path.join(BENCH_DIR, 'flights.rules.json');
/** SLUICE_BENCH_CLI points the bench at another build of the CLI, e.g. to compare two branches. */
export const SLUICE_CLI = process.env['SLUICE_BENCH_CLI'] ?? path.join(REPO_ROOT, 'bin', 'sluice.js');

export function childScript(relativeJs: string): string {
  return path.join(DIST_BENCH_DIR, relativeJs);
}

/** Each input's rule file: the narrow records have their own. */
export function rulesFileFor(input: InputKind): string {
  return input === 'csv-narrow' ? FLIGHTS_RULES_FILE : RULES_FILE;
}
