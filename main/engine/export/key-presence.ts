import type { Store } from '../store/store.js';
import { ABSENT_COLUMN, PROVENANCE_COLUMN } from '../store/bookkeeping-columns.js';
import { columnsWrittenBy, markerFactsOf } from '../store/absent-keys.js';

/**
 * Which keys a JSONL export leaves out of a row, so a key absent from the imported record stays absent
 * (an explicit null still comes back as null; CSV and SQL see NULL for both). A column is left out of a row when
 *   - the row's absent-keys marker lists it (store/absent-keys.ts: the JSONL record lacked the key), or
 *   - the import that wrote the row last (its provenance) did not write that column, the row holds NULL
 *     there, and its marker does not say the NULL is an explicit null (an upsert that left the column alone):
 *     a column the table gained from a later import, or one an import into a wider table lacked.
 *     Without rules an import writes its layout's columns; with rules, every column the table had then
 *     (renamed and derived columns are not its source's). A value is never left out: only NULLs.
 * Rows without provenance (stores from before it) have every column.
 */
export interface KeyPresence {
  /** Per exported column of a row read with the bookkeeping columns after it: whether to leave it out (null: write them all). */
  leftOut(row: readonly unknown[]): readonly boolean[] | null;
}

/** The bookkeeping columns a JSONL export reads after the exported ones, in this order (empty: none to read). */
export function presenceColumnsOf(store: Store, table: string): string[] {
  const all = new Set(store.rawTableColumns(table));
  return [ABSENT_COLUMN, PROVENANCE_COLUMN].filter((name) => all.has(name));
}

/** Reads the `extra` columns (presenceColumnsOf) that follow the exported `columns` in each row; null when there are none. */
export function keyPresenceOf(store: Store, columns: readonly string[], extra: readonly string[]): KeyPresence | null {
  if (extra.length === 0) return null;
  const markerAt = extra.includes(ABSENT_COLUMN) ? columns.length + extra.indexOf(ABSENT_COLUMN) : -1;
  const provenanceAt = extra.includes(PROVENANCE_COLUMN) ? columns.length + extra.indexOf(PROVENANCE_COLUMN) : -1;
  const lowerColumns = columns.map((name) => name.toLowerCase());
  // Per import id: the exported columns it did not write (null: it wrote them all).
  const unwritten = new Map<number, readonly number[] | null>();
  const unwrittenBy = (importId: number): readonly number[] | null => {
    let found = unwritten.get(importId);
    if (found === undefined) {
      const written = columnsWrittenBy(store.imports.get(importId));
      const missing = written === null ? [] : lowerColumns.flatMap((name, i) => (written.has(name) ? [] : [i]));
      found = missing.length > 0 ? missing : null;
      unwritten.set(importId, found);
    }
    return found;
  };
  return {
    leftOut(row) {
      const marker = markerAt >= 0 ? row[markerAt] : null;
      const provenance = provenanceAt >= 0 ? row[provenanceAt] : null;
      const missing = provenance === null || provenance === undefined ? null : unwrittenBy(Number(provenance));
      if ((marker === null || marker === undefined) && missing === null) return null;
      const out = new Array<boolean>(columns.length).fill(false);
      const facts = markerFactsOf(marker);
      lowerColumns.forEach((name, i) => {
        if (facts.absent.has(name)) out[i] = true;
      });
      if (missing) for (const i of missing) if (row[i] === null && !facts.present.has(lowerColumns[i]!)) out[i] = true;
      return out;
    },
  };
}
