import type Database from 'better-sqlite3';
import type { RowFailure } from '../types.js';
import type { QuarantineEntry } from './quarantine-records.js';
import { Savepoint } from './savepoint.js';

/** Rows per multi-row INSERT: 8 parameters each, far below SQLite's limit. */
const ROWS_PER_STATEMENT = 50;

const COLUMNS = '(import_id, row_number, line, byte_offset, raw, errors, reason_rules, reason_fields)';
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * Records a batch's quarantined rows with multi-row INSERTs: a quarantined row costs the import thread about
 * 5 µs instead of 8 (batches of 5,000 rows, measured), which a messy file, a third of its rows quarantined, feels. A group
 * that meets a row recorded before (a replayed batch) is rolled back to its savepoint and goes row by row, where
 * that row is replaced, as always.
 */
export class QuarantineBatch {
  private readonly bySize = new Map<number, Database.Statement>();
  private readonly savepoint: Savepoint;

  constructor(
    private readonly db: Database.Database,
    private readonly addOne: (importId: number, entry: QuarantineEntry) => void,
  ) {
    this.savepoint = new Savepoint(db, 'sluice_quarantine_group');
  }

  /** Call inside a transaction. */
  addAll(importId: number, entries: readonly QuarantineEntry[]): void {
    if (entries.length === 1) return this.addOne(importId, entries[0]!);
    for (let from = 0; from < entries.length; from += ROWS_PER_STATEMENT) {
      const group = entries.slice(from, from + ROWS_PER_STATEMENT);
      const params: unknown[] = [];
      for (const entry of group) {
        const keys = reasonKeys(entry.errors);
        params.push(importId, entry.rowNumber, entry.line, entry.byteOffset, entry.raw, JSON.stringify(entry.errors), keys.rules, keys.fields);
      }
      const statement = this.statementFor(group.length);
      const { kept } = this.savepoint.run(() => statement.run(...params).changes, (changes) => changes === group.length);
      if (!kept) for (const entry of group) this.addOne(importId, entry);
    }
  }

  private statementFor(rows: number): Database.Statement {
    let statement = this.bySize.get(rows);
    if (!statement) {
      statement = this.db.prepare(`INSERT INTO _sluice_quarantine ${COLUMNS} VALUES ${Array(rows).fill(ROW).join(', ')} ON CONFLICT (import_id, row_number) DO NOTHING`);
      this.bySize.set(rows, statement);
    }
    return statement;
  }
}

/** '|enum|minimum|': a row's failing rules (and fields), for filters and facets without parsing JSON. */
export function reasonKeys(errors: readonly RowFailure[]): { rules: string; fields: string } {
  // Most rows fail one rule: a single failure needs no sets (this runs once per quarantined row).
  if (errors.length === 1) {
    const only = errors[0]!;
    return { rules: `|${only.rule}|`, fields: only.field === null ? '||' : `|${only.field}|` };
  }
  const rules = new Set(errors.map((error) => error.rule));
  const fields = new Set(errors.flatMap((error) => (error.field === null ? [] : [error.field])));
  return { rules: `|${[...rules].join('|')}|`, fields: `|${[...fields].join('|')}|` };
}
