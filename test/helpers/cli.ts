import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { CLI, REPO_ROOT } from './paths.js';
import { BOOKKEEPING_COLUMNS } from '../../main/engine/store/bookkeeping-columns.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function sluice(args: string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The JSON summary `import --json` prints as its last stdout line. */
export function lastJson(run: CliRun): Record<string, unknown> {
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, unknown>;
}

/** Starts the CLI without waiting, for signal tests. */
export function spawnSluice(args: string[]) {
  return spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Sluice's per-row bookkeeping columns: tests see tables the way users do (exports, Data screen), without them. */
const BOOKKEEPING = new Set(BOOKKEEPING_COLUMNS);

export function queryAll(dbPath: string, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  return queryRaw(dbPath, sql, ...params)
    .filter((row) => !BOOKKEEPING.has(row.name as string))
    .map((row) => (Object.keys(row).some((key) => BOOKKEEPING.has(key)) ? Object.fromEntries(Object.entries(row).filter(([key]) => !BOOKKEEPING.has(key))) : row));
}

/** Rows exactly as SQLite returns them, bookkeeping included. */
export function queryRaw(dbPath: string, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
