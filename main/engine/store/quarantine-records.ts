import type Database from 'better-sqlite3';
import type { RowFailure } from '../types.js';
import { QuarantineBatch, reasonKeys } from './quarantine-batch.js';

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
  /** The text the import read, when the row was edited since (null: unedited). */
  originalRaw: string | null;
  /** Why the user dismissed it. */
  dismissReason: string | null;
  /** The (child) import that wrote it to the table, when fixed. */
  fixedByImportId: number | null;
}

export interface QuarantineQuery {
  importId?: number;
  status?: QuarantineStatus;
  /** Only this row (by its row number in the import). */
  rowNumber?: number;
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
  original_raw: string | null;
  dismiss_reason: string | null;
  fixed_by_import_id: number | null;
}

/** `_sluice_quarantine` and `_sluice_warnings`. Statements prepared once. */
export class QuarantineRecords {
  private readonly insertStatement: Database.Statement;
  private readonly replaceStatement: Database.Statement;
  private readonly warningStatement: Database.Statement;
  private readonly replaceWarningStatement: Database.Statement;
  private readonly setStatusStatement: Database.Statement;
  private readonly updateStatement: Database.Statement;
  private readonly byIdStatement: Database.Statement;
  private readonly batch: QuarantineBatch;

  constructor(private readonly db: Database.Database) {
    // A replayed batch must not record a row twice: the row it already recorded is replaced. The plain
    // insert comes first because OR REPLACE, with foreign keys on, makes SQLite keep a statement journal
    // (a copy of every page the insert touches): 13-25 µs a row against 6-8 µs (10,000 rows, measured).
    const columns = '(import_id, row_number, line, byte_offset, raw, errors, reason_rules, reason_fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
    this.insertStatement = db.prepare(`INSERT INTO _sluice_quarantine ${columns} ON CONFLICT (import_id, row_number) DO NOTHING`);
    this.replaceStatement = db.prepare(`INSERT OR REPLACE INTO _sluice_quarantine ${columns}`);
    const warningColumns = '(import_id, row_number, line, warnings) VALUES (?, ?, ?, ?)';
    this.warningStatement = db.prepare(`INSERT INTO _sluice_warnings ${warningColumns} ON CONFLICT (import_id, row_number) DO NOTHING`);
    this.replaceWarningStatement = db.prepare(`INSERT OR REPLACE INTO _sluice_warnings ${warningColumns}`);
    this.setStatusStatement = db.prepare(`
      UPDATE _sluice_quarantine SET status = ?, resolved_at = CASE WHEN ? = 'open' THEN NULL ELSE ? END WHERE id = ?`);
    // The first edit moves the import's text to original_raw; later edits keep it there.
    this.updateStatement = db.prepare(`
      UPDATE _sluice_quarantine SET original_raw = CASE WHEN raw = @raw THEN original_raw ELSE COALESCE(original_raw, raw) END,
        raw = @raw, errors = COALESCE(@errors, errors), reason_rules = COALESCE(@rules, reason_rules), reason_fields = COALESCE(@fields, reason_fields)
      WHERE id = @id`);
    this.byIdStatement = db.prepare('SELECT * FROM _sluice_quarantine WHERE id = ?');
    this.batch = new QuarantineBatch(db, (importId, entry) => this.add(importId, entry));
  }

  /** A batch's quarantined rows, in order (the same as `add` for each, in fewer statements). Call inside a transaction. */
  addAll(importId: number, entries: readonly QuarantineEntry[]): void {
    if (entries.length > 0) this.batch.addAll(importId, entries);
  }

  add(importId: number, entry: QuarantineEntry): void {
    const keys = reasonKeys(entry.errors);
    const errors = JSON.stringify(entry.errors);
    if (this.insertStatement.run(importId, entry.rowNumber, entry.line, entry.byteOffset, entry.raw, errors, keys.rules, keys.fields).changes === 0) {
      this.replaceStatement.run(importId, entry.rowNumber, entry.line, entry.byteOffset, entry.raw, errors, keys.rules, keys.fields);
    }
  }

  addWarning(importId: number, rowNumber: number, line: number, warnings: RowFailure[]): void {
    const text = JSON.stringify(warnings);
    if (this.warningStatement.run(importId, rowNumber, line, text).changes === 0) this.replaceWarningStatement.run(importId, rowNumber, line, text);
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
    const keys = errors === null ? { rules: null, fields: null } : reasonKeys(errors);
    this.updateStatement.run({ raw, errors: errors === null ? null : JSON.stringify(errors), id, ...keys });
  }

  /** Filtered page; filters are bound parameters, so this SQL is fixed per filter shape. */
  page(query: QuarantineQuery): { rows: QuarantinedRow[]; total: number } {
    const { whereSql, params } = whereOf(query);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM _sluice_quarantine ${whereSql}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM _sluice_quarantine ${whereSql} ORDER BY import_id, row_number LIMIT ? OFFSET ?`)
      .all(...params, query.limit ?? 100, query.offset ?? 0) as QuarantineRow[];
    return { rows: rows.map(toQuarantined), total };
  }

  /** Every row matching a query, streamed in row order (bulk fixes, dismissals, exports). */
  *select(query: QuarantineQuery): IterableIterator<QuarantinedRow> {
    const { whereSql, params } = whereOf(query);
    const statement = this.db.prepare(`SELECT * FROM _sluice_quarantine ${whereSql} ORDER BY import_id, row_number`);
    for (const row of statement.iterate(...params) as IterableIterator<QuarantineRow>) yield toQuarantined(row);
  }

  /** Sets rows aside for good, with the user's reason; returns how many. */
  dismiss(ids: readonly number[], reason: string): number {
    const statement = this.db.prepare(`UPDATE _sluice_quarantine SET status = 'dismissed', dismiss_reason = ?, resolved_at = ? WHERE id = ? AND status = 'open'`);
    const now = new Date().toISOString();
    let changed = 0;
    for (const id of ids) changed += statement.run(reason, now, id).changes;
    return changed;
  }

  /** How many of an import's quarantined rows are open, fixed, dismissed, undone. */
  statusCounts(importId: number): Record<QuarantineStatus, number> {
    const counts: Record<QuarantineStatus, number> = { open: 0, fixed: 0, dismissed: 0, undone: 0 };
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM _sluice_quarantine WHERE import_id = ? GROUP BY status').all(importId) as { status: QuarantineStatus; n: number }[];
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /** Counts of failures per rule and field, for filters and summaries. */
  summary(importId?: number, status: QuarantineStatus | 'all' = 'open'): { rule: string; field: string | null; count: number }[] {
    return this.db
      .prepare(
        `SELECT e.value ->> '$.rule' AS rule, e.value ->> '$.field' AS field, count(*) AS count
         FROM _sluice_quarantine AS q, json_each(q.errors) AS e
         WHERE (? IS NULL OR q.import_id = ?) AND (? = 'all' OR q.status = ?)
         GROUP BY 1, 2 ORDER BY count DESC`,
      )
      .all(importId ?? null, importId ?? null, status, status) as { rule: string; field: string | null; count: number }[];
  }

  /** Rows per failing rule and per failing field (a row counts once per rule and once per field), for facets. */
  facets(importId: number, status: QuarantineStatus | 'all' = 'open'): { rules: { rule: string; count: number }[]; fields: { field: string; count: number }[] } {
    // Rows are grouped by their key strings in SQL (a handful of distinct combinations), then split here.
    const rules = new Map<string, number>();
    const fields = new Map<string, number>();
    const tally = (map: Map<string, number>, column: 'reason_rules' | 'reason_fields') => {
      const groups = this.db
        .prepare(`SELECT ${column} AS keys, count(*) AS n FROM _sluice_quarantine WHERE import_id = ? AND (? = 'all' OR status = ?) GROUP BY 1`)
        .all(importId, status, status) as { keys: string; n: number }[];
      for (const group of groups) for (const key of group.keys.split('|')) if (key !== '') map.set(key, (map.get(key) ?? 0) + group.n);
    };
    tally(rules, 'reason_rules');
    tally(fields, 'reason_fields');
    const byCount = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return {
      rules: byCount(rules).map(([rule, count]) => ({ rule, count })),
      fields: byCount(fields).map(([field, count]) => ({ field, count })),
    };
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

  /** Rows fixed by an import that is being undone go back to 'open', with the text and reasons they had before it. */
  reopenFixedBy(importId: number): void {
    this.db
      .prepare(`UPDATE _sluice_quarantine SET status = 'open', resolved_at = NULL, fixed_by_import_id = NULL WHERE fixed_by_import_id = ? AND status = 'fixed'`)
      .run(importId);
    this.revertEditsBy(importId);
  }

  /** Logs a row's text and reasons before `importId` (a bulk fix or retry) changes them. */
  logEdit(importId: number, id: number): void {
    this.db
      .prepare(
        `INSERT INTO _sluice_quarantine_edits (import_id, quarantine_id, raw, original_raw, errors, reason_rules, reason_fields)
         SELECT ?, id, raw, original_raw, errors, reason_rules, reason_fields FROM _sluice_quarantine WHERE id = ?`,
      )
      .run(importId, id);
  }

  /** Puts back what `importId` changed: per row, the state logged first (before its first change). */
  private revertEditsBy(importId: number): void {
    this.db
      .prepare(
        `UPDATE _sluice_quarantine AS q SET raw = e.raw, original_raw = e.original_raw, errors = e.errors, reason_rules = e.reason_rules, reason_fields = e.reason_fields
         FROM (SELECT quarantine_id, raw, original_raw, errors, reason_rules, reason_fields FROM _sluice_quarantine_edits
               WHERE id IN (SELECT min(id) FROM _sluice_quarantine_edits WHERE import_id = ? GROUP BY quarantine_id)) AS e
         WHERE q.id = e.quarantine_id`,
      )
      .run(importId);
    this.db.prepare('DELETE FROM _sluice_quarantine_edits WHERE import_id = ?').run(importId);
  }

  /** Forgets the edits `importId` logged (its quarantined rows went with a restart): nothing is put back. */
  forgetEditsBy(importId: number): void {
    this.db.prepare('DELETE FROM _sluice_quarantine_edits WHERE import_id = ?').run(importId);
  }

  deleteForImport(importId: number): void {
    this.db.prepare('DELETE FROM _sluice_quarantine WHERE import_id = ?').run(importId);
    this.db.prepare('DELETE FROM _sluice_warnings WHERE import_id = ?').run(importId);
  }
}

function whereOf(query: QuarantineQuery): { whereSql: string; params: unknown[] } {
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
  if (query.rule !== undefined) {
    where.push('instr(reason_rules, ?) > 0');
    params.push(`|${query.rule}|`);
  }
  if (query.field !== undefined) {
    where.push('instr(reason_fields, ?) > 0');
    params.push(`|${query.field}|`);
  }
  // Both given: one failure must have that rule on that field, not the rule on one field and the field on another.
  if (query.rule !== undefined && query.field !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM json_each(errors) AS e WHERE e.value ->> '$.rule' = ? AND e.value ->> '$.field' = ?)`);
    params.push(query.rule, query.field);
  }
  if (query.rowNumber !== undefined) {
    where.push('row_number = ?');
    params.push(query.rowNumber);
  }
  return { whereSql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
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
    originalRaw: row.original_raw ?? null,
    dismissReason: row.dismiss_reason ?? null,
    fixedByImportId: row.fixed_by_import_id ?? null,
  };
}
