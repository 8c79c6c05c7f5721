/**
 * Columns that hold values stored as they came although the table's schema types them: without rules a
 * column is typed from a sample, and a value whose conversion would lose something (`TRUE` in a true/false
 * column, `abc` or `007` in an integer column, a date that does not exist) is kept as text (lossless-columns.ts).
 * Each import counts those values per column in its checkpointed counters; this reads them back for the
 * imports whose rows are still in the table, so the printed schema can call those columns what they hold.
 * The stored schema keeps its type: it decides how later imports store values, and changing it would make
 * the same key a different value (1 is not '1' in a column without affinity).
 */
import type Database from 'better-sqlite3';

/** Name → the format of the source that put text in it ('csv': printed as string; 'jsonl': as any). */
export function keptTextColumns(db: Database.Database, table: string): Map<string, 'csv' | 'jsonl'> {
  const kept = new Map<string, 'csv' | 'jsonl'>();
  let rows: { layout: string; counters: string }[];
  try {
    rows = db
      .prepare(`SELECT layout, counters FROM _sluice_imports WHERE table_name = ? AND status NOT IN ('undone', 'superseded') AND counters LIKE '%"keptAsText"%'`)
      .all(table) as { layout: string; counters: string }[];
  } catch {
    return kept; // a store from before imports were recorded
  }
  for (const row of rows) {
    try {
      const counts = (JSON.parse(row.counters) as { keptAsText?: unknown }).keptAsText;
      const layout = JSON.parse(row.layout) as { columns?: unknown; dialect?: { format?: unknown } };
      if (!Array.isArray(counts) || !Array.isArray(layout.columns)) continue;
      const format = layout.dialect?.format === 'jsonl' ? 'jsonl' : 'csv';
      counts.forEach((count, i) => {
        const name: unknown = (layout.columns as unknown[])[i];
        if (typeof count === 'number' && count > 0 && typeof name === 'string' && !kept.has(name)) kept.set(name, format);
      });
    } catch {
      // An unreadable record names no column.
    }
  }
  return kept;
}

/** The type a column that holds kept text is printed with: every value, typed or not, fits it. */
export function textTypeFor(format: 'csv' | 'jsonl'): 'string' | 'any' {
  return format === 'jsonl' ? 'any' : 'string';
}
