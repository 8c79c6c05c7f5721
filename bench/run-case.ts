/** Runs one bench case: untimed setup, the timed step, then a row count of what it wrote. */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { BenchCase, CaseContext, CaseKind, CasePlan, InputFile, InputKind } from './cases.js';
import { lastLine, runMeasured, type MeasuredRun } from './measure.js';
import { REPO_ROOT } from './repo-paths.js';

const BYTES_PER_MB = 1e6;
const KIB_PER_MIB = 1024;

export interface BenchResult {
  name: string;
  kind: CaseKind;
  status: 'ok' | 'failed' | 'skipped';
  note: string;
  /** Which data file (absent in results files written before the narrow cases). */
  input?: InputKind;
  format: 'csv' | 'jsonl' | null;
  rows: number | null;
  bytes: number | null;
  wallMs: number | null;
  rowsPerSec: number | null;
  mbPerSec: number | null;
  peakRssMiB: number | null;
  rssSource: string | null;
  rssByMethodKiB: Record<string, number> | null;
  /** This row's rows/s over sqlite3 .import's (above 1 is faster). */
  vsSqlite3: number | null;
  /** This row's rows/s over the naive papaparse loop's. */
  vsNaive: number | null;
  rowsInDb: number | null;
  command: string | null;
  /** The child's own JSON summary (Sluice --json, or the baselines' inner timing). */
  reported: Record<string, unknown> | null;
  /** Wall time of every timed run, when the case ran more than once (this result is the median run). */
  wallMsRuns: number[] | null;
  /** Where the CPU went in this run (ms, whole run, not per row); null when nothing could be read. */
  cpu: CpuFigures | null;
  /** Each run's CPU, when the case ran more than once. */
  cpuRuns: (CpuFigures | null)[] | null;
  /** This row's rows/s over the DuckDB-with-checks peer's (duckdb-compiled-rules). */
  vsDuckdbChecks: number | null;
}

export interface CpuFigures {
  /** The import thread's own reading at its end (Sluice's trace); null for other tools and older versions. */
  importThreadMs: number | null;
  /** Each chunk worker's own reading at its end. */
  workersMs: number[];
  /** Import thread + workers; null without the import thread's reading. */
  threadsMs: number | null;
  /** The whole child process tree (GNU time %U + %S): start-up, the CLI's main thread, GC helpers included. */
  processMs: number | null;
}

function emptyResult(benchCase: BenchCase, input: InputFile | null): BenchResult {
  return {
    name: benchCase.name,
    kind: benchCase.kind,
    status: 'skipped',
    note: '',
    input: benchCase.input,
    format: input?.format ?? null,
    rows: input?.rows ?? null,
    bytes: input?.bytes ?? null,
    wallMs: null,
    rowsPerSec: null,
    mbPerSec: null,
    peakRssMiB: null,
    rssSource: null,
    rssByMethodKiB: null,
    vsSqlite3: null,
    vsNaive: null,
    rowsInDb: null,
    command: null,
    reported: null,
    wallMsRuns: null,
    cpu: null,
    cpuRuns: null,
    vsDuckdbChecks: null,
  };
}

/**
 * The median run by wall time (the lower middle for an even count), noting
 * the spread; a failed run stands for the case, since a result would hide it.
 */
export function medianRun(runs: readonly BenchResult[]): BenchResult {
  const failedRun = runs.find((run) => run.status !== 'ok');
  if (failedRun !== undefined || runs.length === 1) return failedRun ?? runs[0]!;
  const sorted = [...runs].sort((a, b) => a.wallMs! - b.wallMs!);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const seconds = (ms: number): string => (ms / 1000).toFixed(2);
  const spread = `median of ${runs.length} runs (${seconds(sorted[0]!.wallMs!)}–${seconds(sorted[sorted.length - 1]!.wallMs!)} s)`;
  return {
    ...median,
    wallMsRuns: runs.map((run) => run.wallMs!),
    cpuRuns: runs.map((run) => run.cpu),
    note: [spread, median.note].filter(Boolean).join('; '),
  };
}

export function skippedResult(benchCase: BenchCase, input: InputFile | null, note: string): BenchResult {
  return { ...emptyResult(benchCase, input), note };
}

function failureNote(run: MeasuredRun): string {
  if (run.timedOut) return 'timed out';
  const line = lastLine(run.stderr);
  if (line !== '') return line;
  return run.signal !== null ? `killed by ${run.signal}` : `exit code ${run.exitCode}`;
}

function lastJsonLine(stdout: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(lastLine(stdout));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function countRows(dbPath: string, table: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`).get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

/** The per-thread CPU an import wrote into its trace (this version's `_sluice_trace.threadCpuMs`), if any. */
function threadCpuFromTrace(dbPath: string, importId: unknown): { importThread: number | null; workers: number[] } | null {
  if (typeof importId !== 'number') return null;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const hasTrace = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '_sluice_trace'`).get() !== undefined;
    if (!hasTrace) return null;
    const row = db.prepare('SELECT trace FROM _sluice_trace WHERE import_id = ? ORDER BY run DESC LIMIT 1').get(importId) as { trace: string } | undefined;
    const trace = row === undefined ? null : (JSON.parse(row.trace) as { threadCpuMs?: { importThread: number | null; workers: number[] } });
    return trace?.threadCpuMs ?? null;
  } finally {
    db.close();
  }
}

function cpuFigures(processMs: number | null, threads: { importThread: number | null; workers: number[] } | null): CpuFigures | null {
  if (processMs === null && threads === null) return null;
  const importThreadMs = threads?.importThread ?? null;
  const workersMs = threads?.workers ?? [];
  const threadsMs = importThreadMs === null ? null : importThreadMs + workersMs.reduce((sum, ms) => sum + ms, 0);
  return { importThreadMs, workersMs, threadsMs, processMs };
}

function removeDatabase(dbPath: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(dbPath + suffix, { force: true });
}

function sluiceNote(summary: Record<string, unknown>, input: InputFile, withRules: boolean): string {
  const number = (key: string): string => (typeof summary[key] === 'number' ? String(summary[key]) : '?');
  const expected = withRules ? input.invalidRows : 0;
  const parts = [`inserted ${number('rowsInserted')}`];
  if (summary['rowsUpdated'] !== 0) parts.push(`updated ${number('rowsUpdated')}`);
  parts.push(`quarantined ${number('rowsQuarantined')} (${expected} expected)`);
  if (summary['status'] !== undefined && summary['status'] !== 'completed') parts.push(`status ${String(summary['status'])}`);
  return parts.join(', ');
}

/** A failed run keeps its wall time and RSS for the record, but no rate: it would look like a result. */
function failed(result: BenchResult, note: string): BenchResult {
  return { ...result, status: 'failed', note, rowsPerSec: null, mbPerSec: null };
}

export async function runCase(benchCase: BenchCase, plan: CasePlan, context: CaseContext): Promise<BenchResult> {
  const { input } = context;
  const result = emptyResult(benchCase, input);
  const runOptions = { cwd: REPO_ROOT, timeoutMs: context.options.timeoutMs };
  result.command = [plan.timed.command, ...plan.timed.args].join(' ');
  if (plan.dbPath !== null) removeDatabase(plan.dbPath);
  try {
    for (const step of plan.setup) {
      const setupRun = await runMeasured(step.command, step.args, runOptions);
      if (setupRun.exitCode !== 0 || setupRun.timedOut) {
        return failed(result, `setup failed: ${failureNote(setupRun)}`);
      }
    }

    const run = await runMeasured(plan.timed.command, plan.timed.args, runOptions);
    result.wallMs = run.wallMs;
    result.peakRssMiB = run.peakRssKiB === null ? null : run.peakRssKiB / KIB_PER_MIB;
    result.rssSource = run.rssSource;
    result.rssByMethodKiB = run.rssByMethodKiB;
    result.reported = lastJsonLine(run.stdout);
    result.cpu = cpuFigures(run.processCpuMs, null);
    if (run.exitCode !== 0 || run.timedOut) return failed(result, failureNote(run));

    result.status = 'ok';
    result.rowsPerSec = input.rows / (run.wallMs / 1000);
    result.mbPerSec = input.bytes / BYTES_PER_MB / (run.wallMs / 1000);

    let table = 'customers';
    const innerMs = result.reported?.['innerMs'];
    if (benchCase.kind === 'floor' && typeof innerMs === 'number') {
      // Wall time includes Node's start-up, as it does for Sluice; the read alone is the pure I/O number.
      result.note = `read alone ${innerMs.toFixed(0)} ms (${(input.bytes / BYTES_PER_MB / (innerMs / 1000)).toFixed(0)} MB/s)`;
    }
    if (typeof result.reported?.['note'] === 'string' && typeof result.reported['newMs'] === 'number') {
      // A grid case: its rate means nothing (it reads a page, not the file); its own figures are the result.
      result.note = result.reported['note'];
      result.rowsPerSec = null;
      result.mbPerSec = null;
    } else if (benchCase.kind !== 'floor' && typeof result.reported?.['note'] === 'string') result.note = result.reported['note'];
    if (plan.readsSluiceSummary) {
      const summary = result.reported;
      if (summary === null || typeof summary['table'] !== 'string') {
        return failed(result, 'no --json summary on the last stdout line');
      }
      table = summary['table'];
      const withRules = plan.timed.args.includes('--schema') || typeof summary['lagP99Ms'] === 'number';
      result.note = sluiceNote(summary, input, withRules);
      if (typeof summary['lagP99Ms'] === 'number') {
        result.note += `; UI event-loop lag p50 ${String(summary['lagP50Ms'])} ms, p99 ${String(summary['lagP99Ms'])} ms; request p99 ${String(summary['requestP99Ms'])} ms`;
      }
    }
    if (plan.dbPath !== null && plan.readsSluiceSummary) {
      result.cpu = cpuFigures(run.processCpuMs, threadCpuFromTrace(plan.dbPath, result.reported?.['importId']));
    }
    if (plan.dbPath !== null) {
      result.rowsInDb = countRows(plan.dbPath, table);
      if (!plan.readsSluiceSummary && result.rowsInDb !== input.rows) {
        result.note = `${result.rowsInDb} rows in the table, ${input.rows} expected`;
      }
    }
    if (input.rows !== context.options.rows) result.note = [`${input.rows} rows`, result.note].filter(Boolean).join('; ');
    return result;
  } catch (error) {
    return failed(result, error instanceof Error ? error.message : String(error));
  } finally {
    if (plan.dbPath !== null) removeDatabase(plan.dbPath);
  }
}
