import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { runImport } from '../../main/engine/pipeline/run-import.js';
import { parseRuleFile } from '../../main/engine/rules/parse-rule-file.js';
import { rulesToSql, type SqlTarget } from '../../main/engine/rules/sql/index.js';

/**
 * Runs one source through a Sluice import and through the SQL compiled from
 * the same rule file in DuckDB, and reduces both to what must agree: the
 * accepted row numbers and the (row, field, rule) reasons of quarantined rows.
 */
export interface Outcome {
  accepted: number[];
  /** "row field rule", sorted. */
  reasons: string[];
  /** "row rule" of warn row rules, sorted. */
  warnings: string[];
}

let importCount = 0;

export async function sluiceOutcome(sourcePath: string, ruleFile: unknown, dir: string): Promise<Outcome> {
  importCount += 1;
  const dbPath = path.join(dir, `sluice-${importCount}.sqlite`);
  const summary = await runImport({ sourcePath, dbPath, schema: ruleFile, workers: 1, table: 't' });
  if (summary.status !== 'completed') throw new Error(`import ${summary.status}: ${summary.error?.message ?? ''}`);
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT row_number, errors FROM _sluice_quarantine WHERE import_id = ? ORDER BY row_number').all(summary.importId) as { row_number: number; errors: string }[];
    const quarantined = new Set(rows.map((r) => r.row_number));
    const accepted: number[] = [];
    for (let row = 1; row <= summary.rowsRead; row++) if (!quarantined.has(row)) accepted.push(row);
    const reasons = rows.flatMap((r) => (JSON.parse(r.errors) as { field: string | null; rule: string }[]).map((e) => `${r.row_number} ${e.field ?? '-'} ${e.rule}`));
    const warned = db.prepare('SELECT row_number, warnings FROM _sluice_warnings WHERE import_id = ?').all(summary.importId) as { row_number: number; warnings: string }[];
    const warnings = warned.flatMap((r) => (JSON.parse(r.warnings) as { rule: string }[]).map((w) => `${r.row_number} ${w.rule}`));
    return { accepted, reasons: reasons.sort(), warnings: warnings.sort() };
  } finally {
    db.close();
    fs.rmSync(dbPath, { force: true });
    fs.rmSync(`${dbPath}-wal`, { force: true });
    fs.rmSync(`${dbPath}-shm`, { force: true });
  }
}

let shared: DuckDBConnection | null = null;

async function connection(): Promise<DuckDBConnection> {
  if (shared === null) {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    shared = await instance.connect();
  }
  return shared;
}

export async function duckdbOutcome(sql: string): Promise<Outcome> {
  const db = await connection();
  await db.run(sql);
  const accepted = (await db.runAndReadAll('SELECT row_number FROM accepted ORDER BY row_number')).getRows().map((r) => Number(r[0]));
  const quarantined = (await db.runAndReadAll(
    "SELECT row_number, coalesce(e.field, '-'), e.rule FROM (SELECT row_number, unnest(errors) AS e FROM quarantined)",
  )).getRows();
  const reasons = quarantined.map((r) => `${Number(r[0])} ${String(r[1])} ${String(r[2])}`);
  const warned = (await db.runAndReadAll('SELECT row_number, w.rule FROM (SELECT row_number, unnest(warnings) AS w FROM warned)')).getRows();
  const warnings = warned.map((r) => `${Number(r[0])} ${String(r[1])}`);
  return { accepted, reasons: reasons.sort(), warnings: warnings.sort() };
}

export async function compileFor(ruleFile: unknown, sourcePath: string, target: SqlTarget = 'duckdb'): Promise<string> {
  return rulesToSql(parseRuleFile(ruleFile), { target, sourcePath });
}

/** Both outcomes for one source and rule file. */
export async function bothOutcomes(sourcePath: string, ruleFile: unknown, dir: string): Promise<{ sluice: Outcome; duckdb: Outcome; sql: string }> {
  const sql = await compileFor(ruleFile, sourcePath);
  const sluice = await sluiceOutcome(sourcePath, ruleFile, dir);
  const duckdb = await duckdbOutcome(sql);
  return { sluice, duckdb, sql };
}
