import type { Store } from '../store/store.js';

/**
 * The names a table's columns had in the files imported into it, for the columns the import renamed so
 * SQLite could hold them (`rowid` → `rowid_2`, `name` beside `Name` → `name_2`, a blank or padded header).
 * An export writes these again, so a file imported without rules exports with its own header or keys:
 * a JSONL object with `Name` and `name` comes back with both. Taken from each import's stored layout
 * (the later import wins); a column no import renamed is absent from the map.
 */
export function sourceNamesOf(store: Store, table: string): Map<string, string> {
  const names = new Map<string, string>();
  let layouts: { layout: string }[];
  try {
    layouts = store.db.prepare('SELECT layout FROM _sluice_imports WHERE table_name = ? ORDER BY id').all(table) as { layout: string }[];
  } catch {
    return names; // a store from before imports were recorded: nothing was renamed by them
  }
  for (const { layout } of layouts) {
    let parsed: { columns?: unknown; rawHeader?: unknown };
    try {
      parsed = JSON.parse(layout) as { columns?: unknown; rawHeader?: unknown };
    } catch {
      continue;
    }
    const { columns, rawHeader } = parsed;
    if (!Array.isArray(columns) || !Array.isArray(rawHeader)) continue;
    columns.forEach((column, i) => {
      const raw: unknown = rawHeader[i];
      if (typeof column !== 'string' || typeof raw !== 'string') return;
      if (raw !== column) names.set(column, raw);
      else names.delete(column);
    });
  }
  return names;
}

/**
 * Whether the table's last CSV source had a header line, from the imports' stored layouts: for tables whose
 * stored schema predates its `header: false` mark. Null when no CSV import says.
 */
export function lastCsvSourceHadHeader(store: Store, table: string): boolean | null {
  let rows: { layout: string }[];
  try {
    rows = store.db.prepare(`SELECT layout FROM _sluice_imports WHERE table_name = ? AND status NOT IN ('undone', 'superseded') ORDER BY id DESC`).all(table) as { layout: string }[];
  } catch {
    return null;
  }
  for (const { layout } of rows) {
    try {
      const dialect = (JSON.parse(layout) as { dialect?: { format?: unknown; hasHeader?: unknown } }).dialect;
      if (dialect?.format === 'csv' && typeof dialect.hasHeader === 'boolean') return dialect.hasHeader;
    } catch {
      // An unreadable layout says nothing.
    }
  }
  return null;
}
