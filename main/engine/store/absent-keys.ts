import type Database from 'better-sqlite3';
import type { TableSpec } from './table-writer.js';
import { ABSENT_COLUMN, isBookkeepingColumn } from './bookkeeping-columns.js';
import { quoteIdentifier } from './identifiers.js';

/**
 * What an import writes into a table's absent-keys marker (bookkeeping-columns.ts), as one more value after
 * each row's columns, so both write paths, upserts and pre-images carry it like any value:
 *   - 'mark': a JSONL import without rules, whose records may lack keys: the list of the columns each one lacked.
 *     With rules, output columns are renamed or derived, so a missing key is not a missing column: no marker.
 *   - 'clear': an upsert by any other import into a table that has the marker, or whose rows keep columns the
 *     import does not write: NULL (every column it writes is present). A row it replaces does not keep a stale
 *     list that would hide the values it wrote; the columns it leaves alone keep their presence (marker-merge.ts).
 *   - null: nothing (plain inserts of CSV or with rules: new rows read NULL there).
 */
export type AbsentKeys = 'mark' | 'clear' | null;

export function absentKeysFor(
  db: Database.Database,
  table: string,
  format: 'csv' | 'jsonl',
  ruleFile: unknown,
  writes: { key: readonly string[]; columns: readonly { name: string }[] },
): AbsentKeys {
  if (format === 'jsonl' && ruleFile === null) return 'mark';
  if (writes.key.length === 0) return null;
  const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).map((name) => name.toLowerCase());
  if (columns.includes(ABSENT_COLUMN)) return 'clear';
  // An upsert that leaves some columns alone: the rows it updates must keep saying which of those were null and which absent.
  const written = new Set(writes.columns.map((column) => column.name.toLowerCase()));
  return columns.some((name) => !isBookkeepingColumn(name) && !written.has(name)) ? 'clear' : null;
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

/**
 * A row's marker, read. Two forms (lower-cased names; SQLite's column names ignore case):
 *   - a JSON array: the keys its record lacked;
 *   - `{"absent": [...], "present": [...]}`, written by an upsert that left some columns alone (marker-merge.ts):
 *     `present` names columns that hold an explicit null although the import that wrote the row last did not write
 *     them, so the provenance rule (export/key-presence.ts) must not take them for absent.
 */
export interface MarkerFacts {
  absent: ReadonlySet<string>;
  present: ReadonlySet<string>;
}

const NO_FACTS: MarkerFacts = { absent: new Set(), present: new Set() };

export function markerFactsOf(marker: unknown): MarkerFacts {
  if (typeof marker !== 'string') return NO_FACTS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(marker);
  } catch {
    // Only Sluice writes the marker; a damaged one hides nothing.
    return NO_FACTS;
  }
  const names = (list: unknown): Set<string> =>
    new Set(Array.isArray(list) ? list.filter((name): name is string => typeof name === 'string').map((name) => name.toLowerCase()) : []);
  if (Array.isArray(parsed)) return { absent: names(parsed), present: new Set() };
  if (parsed === null || typeof parsed !== 'object') return NO_FACTS;
  const object = parsed as { absent?: unknown; present?: unknown };
  return { absent: names(object.absent), present: names(object.present) };
}

/** An import as far as presence goes: which columns its rows got from it. */
export interface WrittenColumnsSource {
  schema: unknown;
  layout: { columns: readonly string[] };
  writtenColumns?: readonly string[] | null;
}

/**
 * The columns an import wrote into its rows, lower-cased; null: unknown, take them all. Without rules an import
 * writes its layout's columns; with rules, every column the table had then (renamed and derived columns are not its source's).
 */
export function columnsWrittenBy(record: WrittenColumnsSource | null): Set<string> | null {
  if (!record) return null;
  const columns = record.schema === null ? record.layout.columns : record.writtenColumns;
  if (!Array.isArray(columns) || columns.length === 0) return null;
  return new Set((columns as string[]).map((name) => name.toLowerCase()));
}

/**
 * Per import id, the columns it wrote, for the imports given (a table's): worked out before a write starts, because
 * the marker merge asks while SQLite runs an UPDATE, when the connection can run no other query.
 */
export function writtenColumnsLookup(records: readonly (WrittenColumnsSource & { id: number })[]): (importId: number) => ReadonlySet<string> | null {
  const byId = new Map(records.map((record) => [record.id, columnsWrittenBy(record)]));
  return (importId) => byId.get(importId) ?? null;
}
