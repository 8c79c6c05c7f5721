import type Database from 'better-sqlite3';
import type { RowFailure } from '../types.js';

export interface QuarantineEntry {
  rowNumber: number;
  line: number;
  byteOffset: number;
  raw: string;
  errors: RowFailure[];
}

export type QuarantineStatus = 'open' | 'fixed' | 'dismissed' | 'undone';

export interface QuarantinedRow extends QuarantineEntry {
  id: number;
  importId: number;
  status: QuarantineStatus;
}

export interface QuarantineQuery {
  importId?: number;
  status?: QuarantineStatus;
  /** Only rows with a failure of this rule and/or field. */
  rule?: string;
  field?: string;
  offset?: number;
  limit?: number;
}

interface QuarantineRow {
  id: number;
  import_id: number;
  row_number: number;
  line: number;
  byte_offset: number;
  raw: string;
  errors: string;
  status: QuarantineStatus;
}

/** `_sluice_quarantine` and `_sluice_warnings`. Statements prepared once. */
export class QuarantineRecords {
  private readonly insertStatement: Database.Statement;
  private readonly warningStatement: Database.Statement;
  private readonly setStatusStatement: Database.Statement;
  private readonly updateStatement: Database.Statement;
  private readonly byIdStatement: Database.Statement;

  constructor(private readonly db: Database.Database) {
    // OR REPLACE keeps a replayed batch from recording a row twice.
    this.insertStatement = db.prepare(`
      INSERT OR REPLACE INTO _sluice_quarantine (import_id, row_number, line, byte_offset, raw, errors)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.warningStatement = db.prepare(`
      INSERT OR REPLACE INTO _sluice_warnings (import_id, row_number, line, warnings) VALUES (?, ?, ?, ?)`);
    this.setStatusStatement = db.prepare(`
      UPDATE _sluice_quarantine SET status = ?, resolved_at = CASE WHEN ? = 'open' THEN NULL ELSE ? END WHERE id = ?`);
    this.updateStatement = db.prepare(`UPDATE _sluice_quarantine SET raw = ?, errors = COALESCE(?, errors) WHERE id = ?`);
    this.byIdStatement = db.prepare('SELECT * FROM _sluice_quarantine WHERE id = ?');
  }

  add(importId: number, entry: QuarantineEntry): void {
    this.insertStatement.run(importId, entry.rowNumber, entry.line, entry.byteOffset, entry.raw, JSON.stringify(entry.errors));
  }

  addWarning(importId: number, rowNumber: number, line: number, warnings: RowFailure[]): void {
    this.warningStatement.run(importId, rowNumber, line, JSON.stringify(warnings));
  }

  get(id: number): QuarantinedRow | null {
    const row = this.byIdStatement.get(id) as QuarantineRow | undefined;
    return row ? toQuarantined(row) : null;
  }

  setStatus(id: number, status: QuarantineStatus): void {
    const now = new Date().toISOString();
    this.setStatusStatement.run(status, status, now, id);
  }

  /** Stores an edited row's text, and its new errors when it still fails (null keeps the old ones). */
  update(id: number, raw: string, errors: RowFailure[] | null): void {
    this.updateStatement.run(raw, errors === null ? null : JSON.stringify(errors), id);
  }

  /** Filtered page; filters are bound parameters, so this SQL is fixed per filter shape. */
  page(query: QuarantineQuery): { rows: QuarantinedRow[]; total: number } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.importId !== undefined) {
      where.push('import_id = ?');
      params.push(query.importId);
    }
    if (query.status) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.rule !== undefined || query.field !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM json_each(errors) AS e WHERE (? IS NULL OR e.value ->> '$.rule' = ?) AND (? IS NULL OR e.value ->> '$.field' = ?))`);
      params.push(query.rule ?? null, query.rule ?? null, query.field ?? null, query.field ?? null);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM _sluice_quarantine ${whereSql}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM _sluice_quarantine ${whereSql} ORDER BY import_id, row_number LIMIT ? OFFSET ?`)
      .all(...params, query.limit ?? 100, query.offset ?? 0) as QuarantineRow[];
    return { rows: rows.map(toQuarantined), total };
  }

  /** Counts of failures per rule and field, for filters and summaries. */
  summary(importId?: number): { rule: string; field: string | null; count: number }[] {
    return this.db
      .prepare(
        `SELECT e.value ->> '$.rule' AS rule, e.value ->> '$.field' AS field, count(*) AS count
         FROM _sluice_quarantine AS q, json_each(q.errors) AS e
         WHERE (? IS NULL OR q.import_id = ?) AND q.status = 'open'
         GROUP BY 1, 2 ORDER BY count DESC`,
      )
      .all(importId ?? null, importId ?? null) as { rule: string; field: string | null; count: number }[];
  }

  /** Streams rows in order without loading them all. */
  *iterate(importId: number): IterableIterator<QuarantinedRow> {
    const statement = this.db.prepare('SELECT * FROM _sluice_quarantine WHERE import_id = ? ORDER BY row_number');
    for (const row of statement.iterate(importId) as IterableIterator<QuarantineRow>) yield toQuarantined(row);
  }

  /** Rows of an undone import: kept, marked 'undone'. */
  markUndone(importId: number): void {
    this.db.prepare(`UPDATE _sluice_quarantine SET status = 'undone', resolved_at = ? WHERE import_id = ?`).run(new Date().toISOString(), importId);
  }

  /** Records which (child) import wrote a fixed row, so undoing that import reopens it. */
  setFixedBy(id: number, importId: number): void {
    this.db.prepare('UPDATE _sluice_quarantine SET fixed_by_import_id = ? WHERE id = ?').run(importId, id);
  }

  /** Rows fixed by an import that is being undone go back to 'open'. */
  reopenFixedBy(importId: number): void {
    this.db
      .prepare(`UPDATE _sluice_quarantine SET status = 'open', resolved_at = NULL, fixed_by_import_id = NULL WHERE fixed_by_import_id = ? AND status = 'fixed'`)
      .run(importId);
  }

  deleteForImport(importId: number): void {
    this.db.prepare('DELETE FROM _sluice_quarantine WHERE import_id = ?').run(importId);
    this.db.prepare('DELETE FROM _sluice_warnings WHERE import_id = ?').run(importId);
  }
}

function toQuarantined(row: QuarantineRow): QuarantinedRow {
  return {
    id: row.id,
    importId: row.import_id,
    rowNumber: row.row_number,
    line: row.line,
    byteOffset: row.byte_offset,
    raw: row.raw,
    errors: JSON.parse(row.errors) as RowFailure[],
    status: row.status,
  };
}
