import type Database from 'better-sqlite3';
import { quoteIdentifier } from '../store/identifiers.js';
import { PROVENANCE_COLUMN, type ImportRecord } from '../store/import-records.js';
import { restoreExpression, userColumnsOf } from '../store/row-images.js';

export interface TakeBackCounts {
  /** Rows the import inserted, now removed. */
  removed: number;
  /** Rows the import changed, now back to their previous values. */
  restored: number;
}

/**
 * Per row, the state before the import: its earliest pre-image with values.
 * A row whose earliest pre-image names the import itself as previous writer was
 * inserted by it (then changed by a repeat of its key): it has nothing to go back to.
 */
const RESTORABLE = `
  SELECT p.row_id, p.prev_import_id, p.row_values FROM _sluice_preimages AS p
  WHERE p.import_id = @importId AND p.row_values IS NOT NULL
    AND p.id = (SELECT min(q.id) FROM _sluice_preimages AS q WHERE q.import_id = @importId AND q.row_id = p.row_id AND q.row_values IS NOT NULL)
    AND p.prev_import_id IS NOT @importId`;

/** The table an import wrote into, as it is named now (null when it no longer exists). */
export function tableOf(db: Database.Database, record: ImportRecord): string | null {
  const row = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`).get(record.table) as
    | { name: string }
    | undefined;
  return row?.name ?? null;
}

function hasProvenanceColumn(db: Database.Database, table: string): boolean {
  return db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get(table, PROVENANCE_COLUMN) !== undefined;
}

/**
 * Takes back the rows an import still owns: rows it inserted are deleted,
 * rows it changed get their previous values (and previous writer) back, with
 * their rowid. Rows a later import has written since are left alone (undo
 * refuses before it gets here; a restart supersedes only what is still its own).
 * Call inside a transaction; consumes the import's pre-images.
 */
export function takeBackRows(db: Database.Database, record: ImportRecord): TakeBackCounts {
  const table = tableOf(db, record);
  const importId = record.id;
  if (!table || !hasProvenanceColumn(db, table)) {
    db.prepare('DELETE FROM _sluice_preimages WHERE import_id = ?').run(importId);
    return { removed: 0, restored: 0 };
  }
  const quoted = quoteIdentifier(table);
  const provenance = quoteIdentifier(PROVENANCE_COLUMN);
  db.exec('CREATE TEMP TABLE IF NOT EXISTS _sluice_restore (row_id INTEGER PRIMARY KEY, prev_import_id INTEGER, row_values TEXT)');
  db.exec('DELETE FROM temp._sluice_restore');
  db.prepare(
    `INSERT INTO temp._sluice_restore SELECT r.row_id, r.prev_import_id, r.row_values FROM (${RESTORABLE}) AS r
     JOIN ${quoted} AS t ON t.rowid = r.row_id WHERE t.${provenance} IS @importId`,
  ).run({ importId });
  const restoring = (db.prepare('SELECT count(*) AS n FROM temp._sluice_restore').get() as { n: number }).n;
  // Delete first, then put the old rows back: restoring in place could collide, mid-way, on a unique value that another restored row gives up.
  const deleted = db.prepare(`DELETE FROM ${quoted} WHERE ${provenance} IS ?`).run(importId).changes;
  if (restoring > 0) {
    const present = new Set(userColumnsOf(db, table));
    const columns = record.writtenColumns.map((name, index) => ({ name, index })).filter((column) => present.has(column.name));
    const names = ['rowid', ...columns.map((column) => quoteIdentifier(column.name)), provenance].join(', ');
    const values = ['row_id', ...columns.map((column) => restoreExpression('row_values', column.index)), 'prev_import_id'].join(', ');
    db.exec(`INSERT INTO ${quoted} (${names}) SELECT ${values} FROM temp._sluice_restore`);
  }
  db.exec('DELETE FROM temp._sluice_restore');
  db.prepare('DELETE FROM _sluice_preimages WHERE import_id = ?').run(importId);
  return { removed: deleted - restoring, restored: restoring };
}

/**
 * Imports outside `ids` (and not undone) that changed rows last written by one of `ids`,
 * or edited a quarantined row after one of `ids` edited it (putting back the older text
 * under a later edit would leave the row fixed by text it no longer holds).
 */
export function laterWriters(db: Database.Database, ids: readonly number[]): number[] {
  if (ids.length === 0) return [];
  const list = JSON.stringify(ids);
  const rows = db
    .prepare(
      `WITH chosen AS (SELECT value AS id FROM json_each(@list)),
         mine AS (SELECT quarantine_id, min(id) AS first FROM _sluice_quarantine_edits WHERE import_id IN chosen GROUP BY quarantine_id),
         later AS (
           SELECT p.import_id AS id FROM _sluice_preimages AS p
           WHERE p.row_values IS NOT NULL AND p.prev_import_id IN chosen AND p.import_id NOT IN chosen
           UNION
           SELECT e.import_id FROM _sluice_quarantine_edits AS e JOIN mine AS m ON m.quarantine_id = e.quarantine_id
           WHERE e.id > m.first AND e.import_id NOT IN chosen)
       SELECT DISTINCT l.id FROM later AS l JOIN _sluice_imports AS i ON i.id = l.id
       WHERE i.status NOT IN ('undone', 'superseded') ORDER BY l.id DESC`,
    )
    .all({ list }) as { id: number }[];
  return rows.map((row) => row.id);
}
