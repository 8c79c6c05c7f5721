import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { queryAll } from '../helpers/cli.js';
import { prng } from '../helpers/generate.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';

/** SLUICE_SOAK=1 turns the reliability tests into their long soak variants. */
export const SOAK = process.env.SLUICE_SOAK === '1';

export interface ProcessOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export interface TimedRun {
  /** Resolves when the process has exited. */
  done: Promise<ProcessOutcome>;
  /** Sends a signal; returns when it was sent. */
  kill(signal: NodeJS.Signals): void;
  /** Resolves once stderr matches (e.g. the import has started and its signal handlers are in place), or the process exits. */
  stderrMatches(pattern: RegExp): Promise<void>;
  startedAt: number;
}

/** Starts the CLI without blocking the test process, so several runs (or a held lock) can overlap. */
export function startSluice(args: string[], env: Record<string, string> = {}, uid?: number): TimedRun {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
    elapsedMs: Date.now() - startedAt,
  }));
  const stderrMatches = (pattern: RegExp) =>
    Promise.race([
      done.then(() => undefined),
      new Promise<void>((resolve) => {
        const check = () => {
          if (!pattern.test(stderr)) return;
          child.stderr.off('data', check);
          resolve();
        };
        child.stderr.on('data', check);
        check();
      }),
    ]);
  return { done, kill: (signal) => void child.kill(signal), stderrMatches, startedAt };
}

export function runSluice(args: string[], env: Record<string, string> = {}, uid?: number): Promise<ProcessOutcome> {
  return startSluice(args, env, uid).done;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface StoreSnapshot {
  table: Record<string, unknown>[];
  quarantine: Record<string, unknown>[];
  warnings: Record<string, unknown>[];
}

/** What a user sees after an import: the table in insertion order, the quarantine and the warnings. */
export function snapshot(db: string, table: string): StoreSnapshot {
  return {
    table: queryAll(db, `SELECT * FROM "${table.replace(/"/g, '""')}" ORDER BY rowid`),
    quarantine: queryAll(db, 'SELECT row_number, line, byte_offset, raw, errors FROM _sluice_quarantine ORDER BY row_number'),
    warnings: queryAll(db, 'SELECT row_number, line, warnings FROM _sluice_warnings ORDER BY row_number'),
  };
}

/** The newest import record's status, or null when no import record was ever written. */
export function latestImportStatus(db: string): string | null {
  if (!fs.existsSync(db)) return null;
  try {
    const handle = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const row = handle.prepare('SELECT status FROM _sluice_imports ORDER BY id DESC LIMIT 1').get() as { status: string } | undefined;
      return row?.status ?? null;
    } finally {
      handle.close();
    }
  } catch {
    return null; // killed before the store had its tables
  }
}

/** Whether a table exists yet; false while the store file is still being created. */
export function tableExists(db: string, table: string): boolean {
  try {
    return count(db, `SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = '${table}'`) > 0;
  } catch {
    return false;
  }
}

export function count(db: string, sql: string): number {
  return Number(queryAll(db, sql)[0]?.n ?? 0);
}

/** Rule sets exercised by the crash tests, for the columns of writeMessyCsv / writeMessyJsonl. */
export const RULE_SETS: Record<string, unknown> = {
  none: null,
  typed: {
    fields: [
      { name: 'id', type: 'integer', constraints: { required: true, minimum: 1 } },
      { name: 'name', type: 'string', constraints: { required: true, maxLength: 40 }, 'sluice:transforms': ['trim'] },
      { name: 'email', type: 'string', format: 'email' },
      { name: 'age', type: 'integer', constraints: { minimum: 0, maximum: 130 } },
      { name: 'plan', type: 'string', constraints: { enum: ['free', 'pro', 'team'] } },
      { name: 'spend', type: 'number', constraints: { minimum: 0 } },
      { name: 'notes', type: 'string' },
    ],
    missingValues: [''],
  },
  keyed: {
    fields: [
      { name: 'id', type: 'integer' },
      { name: 'name', type: 'string', constraints: { pattern: '[A-Za-zÀ-ž ]+[0-9]*' } },
      { name: 'email', type: 'string' },
      { name: 'age', type: 'integer' },
      { name: 'plan', type: 'string' },
      { name: 'spend', type: 'number' },
      { name: 'notes', type: 'string' },
    ],
    primaryKey: ['id'],
    missingValues: [''],
    'sluice:rowRules': [{ name: 'adults_pay', expr: 'plan == "free" or age >= 18', severity: 'warn', message: 'paid plans are for adults' }],
  },
  unique: {
    fields: [
      { name: 'id', type: 'integer', constraints: { unique: true } },
      { name: 'email', type: 'string', constraints: { required: true } },
      { name: 'plan', type: 'string', constraints: { enum: ['free', 'pro', 'team'] } },
    ],
  },
};

const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Radia', 'Zoë', 'Łukasz', '  Padded  '];
const PLANS = ['free', 'pro', 'team', 'gold', ''];

interface MessyRow {
  id: string;
  name: string;
  email: string;
  age: string;
  plan: string;
  spend: string;
  notes: string;
  ragged: boolean;
}

/** Rows with duplicate ids (upserts, unique failures), bad values, quotes, embedded newlines and ragged lines. */
function messyRows(rows: number, seed: number): MessyRow[] {
  const random = prng(seed);
  const out: MessyRow[] = [];
  for (let i = 1; i <= rows; i++) {
    const name = NAMES[Math.floor(random() * NAMES.length)]!;
    const roll = random();
    const id = roll < 0.01 ? String(1 + Math.floor(random() * i)) : roll < 0.012 ? 'x' + i : String(i);
    const noteRoll = random();
    out.push({
      id,
      name: `${name}${i}`,
      email: random() < 0.01 ? 'not-an-email' : `${name.trim().toLowerCase()}${i}@example.com`,
      age: random() < 0.01 ? 'abc' : String(Math.floor(random() * 100)),
      plan: PLANS[Math.floor(random() * (random() < 0.05 ? PLANS.length : 3))]!,
      spend: random() < 0.01 ? '-5' : (random() * 200).toFixed(2),
      notes: noteRoll < 0.05 ? 'likes "quotes", and commas' : noteRoll < 0.08 ? 'line one\nline two' : noteRoll < 0.09 ? 'crlf\r\ninside' : '',
      ragged: random() < 0.003,
    });
  }
  return out;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export function writeMessyCsv(file: string, rows: number, seed: number): void {
  const lines = ['id,name,email,age,plan,spend,notes'];
  for (const row of messyRows(rows, seed)) {
    if (row.ragged) lines.push(`${row.id},${csvField(row.name)}`);
    else lines.push([row.id, row.name, row.email, row.age, row.plan, row.spend, row.notes].map(csvField).join(','));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

export function writeMessyJsonl(file: string, rows: number, seed: number): void {
  const lines: string[] = [];
  for (const row of messyRows(rows, seed)) {
    if (row.ragged) lines.push(`{"id": ${JSON.stringify(row.id)}, "name": "unterminated`);
    else {
      const { ragged: _ragged, ...fields } = row;
      lines.push(JSON.stringify({ ...fields, id: /^\d+$/.test(row.id) ? Number(row.id) : row.id }));
    }
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

export function writeRules(dir: string, name: string): string | null {
  const rules = RULE_SETS[name];
  if (rules === null || rules === undefined) return null;
  const file = path.join(dir, `${name}.rules.json`);
  fs.writeFileSync(file, JSON.stringify(rules));
  return file;
}
