import type Database from 'better-sqlite3';
import { INTERNAL_TABLE_PREFIX, quoteIdentifier } from './identifiers.js';
import { rowidName, type GridColumn } from './table-filter.js';

/**
 * What changes when a table's rows do, read in well under a millisecond: its declaration, its last row id,
 * and the import records that wrote it (Sluice writes a table only through imports: a batch commits with
 * its checkpoint, a retried row with its child import, an undo with its status). null: no such table.
 */
export function tableFingerprint(db: Database.Database, table: string, columnsOf: (table: string) => GridColumn[]): string | null {
  const declared = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`).pluck().get(table) as string | undefined;
  if (declared === undefined) return null;
  const rowid = rowidName(columnsOf(table));
  const last = db.prepare(`SELECT max(${rowid}) FROM ${quoteIdentifier(table)}`).pluck().get() as number | null;
  const imports = db
    .prepare(
      `SELECT count(*) || '/' || coalesce(max(updated_at), '') || '/' || coalesce(sum(next_row_number), 0) || '/' || coalesce(group_concat(status), '')
       FROM ${INTERNAL_TABLE_PREFIX}imports WHERE table_name = ? COLLATE NOCASE`,
    )
    .pluck()
    .get(table) as string;
  return JSON.stringify([declared, last, imports]);
}
