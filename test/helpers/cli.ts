import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { CLI, REPO_ROOT } from './paths.js';

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
const BOOKKEEPING_COLUMNS = new Set(['_sluice_import_id', '_sluice_absent']);

export function queryAll(dbPath: string, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  return queryRaw(dbPath, sql, ...params)
    .filter((row) => !BOOKKEEPING_COLUMNS.has(row.name as string))
    .map((row) => (Object.keys(row).some((key) => BOOKKEEPING_COLUMNS.has(key)) ? Object.fromEntries(Object.entries(row).filter(([key]) => !BOOKKEEPING_COLUMNS.has(key))) : row));
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
