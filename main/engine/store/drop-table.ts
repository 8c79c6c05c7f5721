import { SluiceError } from '../errors.js';
import { INTERNAL_TABLE_PREFIX, quoteIdentifier } from './identifiers.js';
import type { Store } from './store.js';
import { TableSchemas } from './table-schemas.js';

/** What dropping a table loses: the confirmation shows these numbers before anything is deleted. */
export interface DropTableSummary {
  table: string;
  rows: number;
  /** Imports that wrote into the table (their history entries stay, marked undone). */
  imports: number;
  /** Quarantined rows of those imports, any status: they go with the table. */
  quarantinedRows: number;
  /** Imports that could still be undone: their undo data goes with the table. */
  undoableImports: number;
}

/** The numbers a confirmation shows; nothing is changed. */
export function dropTablePreview(store: Store, table: string): DropTableSummary {
  const name = userTable(store, table);
  const records = store.imports.forTable(name);
  const ids = records.map((record) => record.id);
  const rows = (store.db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(name)}`).get() as { n: number }).n;
  const quarantinedRows = ids.length === 0 ? 0 : (store.db.prepare(`SELECT count(*) AS n FROM _sluice_quarantine WHERE import_id IN (${ids.map(() => '?').join(',')})`).get(...ids) as { n: number }).n;
  const undoableImports = records.filter((record) => record.status !== 'undone' && record.status !== 'superseded').length;
  return { table: name, rows, imports: ids.length, quarantinedRows, undoableImports };
}

/**
 * Drops a user table with everything that only means something with it: the quarantine of every import into
 * it, their undo data (pre-images) and the table's stored schema. The imports stay in the history, marked
 * undone (their rows are gone). One transaction: a crash leaves the table either whole or gone with all of it.
 */
export function dropTable(store: Store, table: string): DropTableSummary {
  return store.db.transaction(() => {
    const summary = dropTablePreview(store, table);
    for (const record of store.imports.forTable(summary.table)) {
      store.quarantine.deleteForImport(record.id);
      store.db.prepare('DELETE FROM _sluice_quarantine_edits WHERE import_id = ?').run(record.id);
      store.imports.forgetUndoData(record.id);
      if (record.status !== 'undone' && record.status !== 'superseded') store.imports.markUndone(record.id);
    }
    new TableSchemas(store.db).delete(summary.table);
    store.db.exec(`DROP TABLE ${quoteIdentifier(summary.table)}`);
    return summary;
  })();
}

/** The table's stored name; Sluice's own tables and names that are not tables are refused. */
function userTable(store: Store, table: string): string {
  const name = store.canonicalTableName(table);
  if (!name || name.toLowerCase().startsWith(INTERNAL_TABLE_PREFIX) || name.toLowerCase().startsWith('sqlite_')) {
    throw new SluiceError('TABLE_NOT_FOUND', `There is no table "${table}" in ${store.path}.`);
  }
  return name;
}
