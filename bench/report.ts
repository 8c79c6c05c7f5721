/** The printed table and the results file. */
import fs from 'node:fs';
import path from 'node:path';
import type { BenchResult } from './run-case.js';

const MAX_NOTE_CHARS = 90;

function ratio(result: BenchResult, baseline: BenchResult | undefined): number | null {
  if (result.rowsPerSec === null || baseline?.rowsPerSec == null) return null;
  return result.rowsPerSec / baseline.rowsPerSec;
}

/** A narrow-file row is compared with the peers' runs on the same narrow file (`<peer>-narrow`). */
export function withRatios(results: readonly BenchResult[]): BenchResult[] {
  const peer = (result: BenchResult, name: string): BenchResult | undefined => {
    const wanted = result.input === 'csv-narrow' ? `${name}-narrow` : name;
    return results.find((candidate) => candidate.name === wanted);
  };
  return results.map((result) => ({
    ...result,
    vsSqlite3: ratio(result, peer(result, 'sqlite3-import')),
    vsNaive: ratio(result, peer(result, 'naive-papaparse')),
    vsDuckdbChecks: ratio(result, peer(result, 'duckdb-compiled-rules')),
  }));
}

/** CPU seconds per 1,000,000 rows of input. */
export function secondsPerMillionRows(ms: number | null, rows: number | null): number | null {
  return ms === null || rows === null || rows === 0 ? null : (ms * 1000) / rows;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function cell(value: number | null, format: (value: number) => string): string {
  return value === null ? '-' : format(value);
}

function noteCell(result: BenchResult): string {
  const prefix = result.status === 'ok' ? '' : `${result.status.toUpperCase()}: `;
  const note = prefix + result.note;
  return note.length > MAX_NOTE_CHARS ? `${note.slice(0, MAX_NOTE_CHARS - 1)}…` : note;
}

export function formatTable(results: readonly BenchResult[]): string {
  const header = ['name', 'rows/s', 'MB/s', 'wall s', 'peak RSS MiB', 'vs sqlite3', 'vs duckdb+checks', 'vs naive',
    'import-thread CPU s/1M', 'worker CPU s/1M', 'total CPU s/1M', 'process CPU s/1M', 'note'];
  const perMillion = (result: BenchResult, ms: number | null | undefined): string =>
    cell(secondsPerMillionRows(ms ?? null, result.rows), (value) => value.toFixed(2));
  const body = results.map((result) => [
    result.name,
    cell(result.rowsPerSec, (value) => integer.format(value)),
    cell(result.mbPerSec, (value) => value.toFixed(1)),
    cell(result.status === 'ok' ? result.wallMs : null, (value) => (value / 1000).toFixed(2)),
    cell(result.peakRssMiB, (value) => value.toFixed(0)),
    cell(result.vsSqlite3, (value) => `${value.toFixed(2)}x`),
    cell(result.vsDuckdbChecks, (value) => `${value.toFixed(2)}x`),
    cell(result.vsNaive, (value) => `${value.toFixed(2)}x`),
    perMillion(result, result.cpu?.importThreadMs),
    result.cpu === null || result.cpu.workersMs.length === 0
      ? '-'
      : `${perMillion(result, result.cpu.workersMs.reduce((sum, ms) => sum + ms, 0))} (${result.cpu.workersMs.length})`,
    perMillion(result, result.cpu?.threadsMs),
    perMillion(result, result.cpu?.processMs),
    noteCell(result),
  ]);
  const rows = [header, ...body];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  // Names and notes read left to right; numbers line up on the right.
  const leftAligned = new Set([0, header.length - 1]);
  const line = (row: string[]): string =>
    row
      .map((text, column) => (leftAligned.has(column) ? text.padEnd(widths[column] ?? 0) : text.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

export interface ScalingSummary {
  baseRows: number;
  scaledRows: number;
  rowsPerSec: [number, number];
  peakRssMiB: [number | null, number | null];
}

export function scalingSummary(results: readonly BenchResult[]): ScalingSummary | null {
  const base = results.find((result) => result.name === 'sluice-scale-1x');
  const scaled = results.find((result) => result.name === 'sluice-scale-5x');
  if (base?.status !== 'ok' || scaled?.status !== 'ok' || base.rowsPerSec === null || scaled.rowsPerSec === null || base.rows === null || scaled.rows === null) return null;
  return {
    baseRows: base.rows,
    scaledRows: scaled.rows,
    rowsPerSec: [base.rowsPerSec, scaled.rowsPerSec],
    peakRssMiB: [base.peakRssMiB, scaled.peakRssMiB],
  };
}

export function formatScaling(summary: ScalingSummary): string {
  const [baseRate, scaledRate] = summary.rowsPerSec;
  const [baseRss, scaledRss] = summary.peakRssMiB;
  const rss = baseRss === null || scaledRss === null
    ? 'peak RSS unknown'
    : `peak RSS ${baseRss.toFixed(0)} -> ${scaledRss.toFixed(0)} MiB (x${(scaledRss / baseRss).toFixed(2)})`;
  return `scaling ${integer.format(summary.baseRows)} -> ${integer.format(summary.scaledRows)} rows: ` +
    `${integer.format(baseRate)} -> ${integer.format(scaledRate)} rows/s (x${(scaledRate / baseRate).toFixed(2)}), ${rss}`;
}

export function writeResultsFile(filePath: string, payload: unknown): void {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  fs.writeFileSync(filePath, `${JSON.stringify(payload, null, 2)}\n`);
}
