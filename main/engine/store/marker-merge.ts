import type Database from 'better-sqlite3';
import { ABSENT_COLUMN, PROVENANCE_COLUMN, isBookkeepingColumn } from './bookkeeping-columns.js';
import { quoteIdentifier } from './identifiers.js';
import { markerFactsOf, type MarkerFacts } from './absent-keys.js';
import { concatenated } from './sql-trees.js';

/**
 * Per import id: the columns it wrote into its rows, lower-cased (null: unknown, take them all). Called while SQLite
 * runs the UPDATE, so it must not query the store (absent-keys.ts `writtenColumnsLookup` reads it all beforehand).
 */
export type ColumnsWrittenLookup = (importId: number) => ReadonlySet<string> | null;

/**
 * The absent-keys marker of a row an upsert updates while leaving some of the table's columns alone.
 *
 * The row's provenance becomes this import, and an export takes a NULL in a column its last import did not write
 * for an absent key (export/key-presence.ts). A column this import leaves alone keeps its old value, though, and
 * that may be an explicit null or an absent key: the new marker lists them as `present` or absent, next to the keys
 * this record lacked.
 *
 * And a matched row is "unchanged" when its values are the same and so is every written column's presence: the
 * marker's text may differ (written by another import, in the other form, or with its names in another order) while
 * it means the same, so every upsert that writes the marker compares presence, not text.
 *
 * SQL sees functions of the old row and the incoming marker (an UPDATE's right-hand side reads the old row), so the
 * set-based and row-by-row upserts use the same expressions.
 */
export interface MarkerMerge {
  /** The SQL of the merged marker: `incoming` is the marker the import writes, `row` the old row's alias prefix ('' or 't.'). */
  expression(incoming: string, row: string): string;
  /** The SQL of "writing this row would leave every column's presence as it is" (given the values are the same). */
  samePresence(incoming: string, row: string): string;
}

/** `tableColumns`: the table's columns (its row images' will do). Null when the import writes no marker (then the table has none, or the import is a plain insert). */
export function markerMergeOf(
  db: Database.Database,
  tableColumns: readonly string[],
  written: readonly string[],
  importId: number,
  lookupOfWritten: () => ColumnsWrittenLookup,
): MarkerMerge | null {
  const writes = new Set(written.map((name) => name.toLowerCase()));
  if (!writes.has(ABSENT_COLUMN)) return null;
  const leftAlone = tableColumns.filter((name) => !isBookkeepingColumn(name) && !writes.has(name.toLowerCase()));
  const writtenValues = written.filter((name) => !isBookkeepingColumn(name));
  const writtenBy = lookupOfWritten();
  const absentBefore = (oldMarker: unknown, oldOwner: unknown) => {
    const facts = markerFactsOf(oldMarker);
    const ownerWrote = typeof oldOwner === 'number' || typeof oldOwner === 'bigint' ? writtenBy(Number(oldOwner)) : null;
    return (name: string) => wasAbsent(name.toLowerCase(), facts, ownerWrote);
  };
  const merge = `sluice_merged_marker_${importId}`;
  db.function(merge, { deterministic: true }, (incoming: unknown, oldMarker: unknown, oldOwner: unknown, nullFlags: unknown) => {
    const absent = absentBefore(oldMarker, oldOwner);
    // Both kinds of left-alone NULL said outright: the provenance rule cannot tell them (an import with rules counts as writing every column).
    const lacked = typeof incoming === 'string' ? (JSON.parse(incoming) as string[]) : [];
    const present: string[] = [];
    leftAlone.forEach((name, i) => {
      if (String(nullFlags)[i] === '1') (absent(name) ? lacked : present).push(name);
    });
    if (present.length > 0) return JSON.stringify({ absent: lacked, present });
    return lacked.length > 0 ? JSON.stringify(lacked) : null;
  });
  const same = `sluice_same_presence_${importId}`;
  db.function(same, { deterministic: true }, (incoming: unknown, oldMarker: unknown, oldOwner: unknown, nullFlags: unknown) => {
    const absent = absentBefore(oldMarker, oldOwner);
    const lacked = markerFactsOf(incoming).absent;
    return writtenValues.every((name, i) => String(nullFlags)[i] !== '1' || absent(name) === lacked.has(name.toLowerCase())) ? 1 : 0;
  });
  // One '1' or '0' per column: whether the old row holds NULL there.
  const nullFlags = (names: readonly string[], row: string) => concatenated(names.map((name) => `(${row}${quoteIdentifier(name)} IS NULL)`));
  const oldRow = (row: string) => `${row}${quoteIdentifier(ABSENT_COLUMN)}, ${row}${quoteIdentifier(PROVENANCE_COLUMN)}`;
  return {
    // With every column written there is nothing to keep: the incoming marker is the row's.
    expression: (incoming, row) => (leftAlone.length === 0 ? incoming : `${merge}(${incoming}, ${oldRow(row)}, ${nullFlags(leftAlone, row)})`),
    samePresence: (incoming, row) => `${same}(${incoming}, ${oldRow(row)}, ${nullFlags(writtenValues, row)})`,
  };
}

/** Whether a NULL column of a row was an absent key: its marker says so, or the import that wrote it last did not write that column. */
function wasAbsent(name: string, before: MarkerFacts, ownerWrote: ReadonlySet<string> | null): boolean {
  return before.absent.has(name) || (!before.present.has(name) && ownerWrote !== null && !ownerWrote.has(name));
}
