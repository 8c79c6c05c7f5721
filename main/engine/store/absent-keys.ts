import type Database from 'better-sqlite3';
import type { TableSpec } from './table-writer.js';
import { ABSENT_COLUMN } from './bookkeeping-columns.js';
import { quoteIdentifier } from './identifiers.js';

/**
 * What an import writes into a table's absent-keys marker (bookkeeping-columns.ts), as one more value after
 * each row's columns, so both write paths, upserts and pre-images carry it like any value:
 *   - 'mark': a JSONL import without rules, whose records may lack keys: the list of the columns each one lacked.
 *     With rules, output columns are renamed or derived, so a missing key is not a missing column: no marker.
 *   - 'clear': an upsert by any other import into a table that has the marker: NULL (every column it writes is
 *     present), so a row it replaces does not keep a stale list that would hide the values it wrote.
 *   - null: nothing (plain inserts of CSV or with rules: new rows read NULL there).
 */
export type AbsentKeys = 'mark' | 'clear' | null;

export function absentKeysFor(
  db: Database.Database,
  table: string,
  format: 'csv' | 'jsonl',
  ruleFile: unknown,
  keyed: boolean,
): AbsentKeys {
  if (format === 'jsonl' && ruleFile === null) return 'mark';
  if (keyed && tableHasMarker(db, table)) return 'clear';
  return null;
}

function tableHasMarker(db: Database.Database, table: string): boolean {
  return db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get(table, ABSENT_COLUMN) !== undefined;
}

/**
 * Adds the marker column to a table that lacks it; existing rows read NULL there (every key present, as they
 * were written). Also for a resumed import started by a version that did not write the marker.
 */
export function addAbsentColumn(db: Database.Database, table: string): void {
  if (!tableHasMarker(db, table)) db.exec(`ALTER TABLE ${quoteIdentifier(table)} ADD COLUMN ${quoteIdentifier(ABSENT_COLUMN)} TEXT`);
}

/** The columns the table writer writes: the import's, then the marker when it writes one (last, where the worker puts it). */
export function writerSpecOf(spec: TableSpec, absentKeys: AbsentKeys): TableSpec {
  if (absentKeys === null) return spec;
  return { ...spec, columns: [...spec.columns, { name: ABSENT_COLUMN, sqlType: 'TEXT' }] };
}
