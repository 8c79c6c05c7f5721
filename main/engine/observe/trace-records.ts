import type Database from 'better-sqlite3';
import type { ImportTrace } from './import-trace.js';

/** `_sluice_trace`: one trace per run of an import (a resume is a new run). Statements prepared once. */
export class TraceRecords {
  private readonly saveStatement: Database.Statement;
  private readonly nextRunStatement: Database.Statement;
  private readonly listStatement: Database.Statement;

  constructor(db: Database.Database) {
    this.saveStatement = db.prepare('INSERT OR REPLACE INTO _sluice_trace (import_id, run, trace) VALUES (?, ?, ?)');
    this.nextRunStatement = db.prepare('SELECT coalesce(max(run), 0) + 1 AS next FROM _sluice_trace WHERE import_id = ?');
    this.listStatement = db.prepare('SELECT trace FROM _sluice_trace WHERE import_id = ? ORDER BY run');
  }

  save(importId: number, trace: ImportTrace): void {
    this.saveStatement.run(importId, trace.run, JSON.stringify(trace));
  }

  nextRun(importId: number): number {
    return (this.nextRunStatement.get(importId) as { next: number }).next;
  }

  /** Every run's trace, oldest first. */
  list(importId: number): ImportTrace[] {
    return (this.listStatement.all(importId) as { trace: string }[]).map((row) => JSON.parse(row.trace) as ImportTrace);
  }
}

/** Tables a reader may open before they exist (a store of an older format opened read-only). */
export function hasObserveTables(db: Database.Database): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '_sluice_trace'`).get() !== undefined;
}
