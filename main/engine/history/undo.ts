import type Database from 'better-sqlite3';
import { SluiceError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { ImportRecord } from '../store/import-records.js';
import { quoteIdentifier } from '../store/identifiers.js';
import { isConstraintError } from '../store/sqlite-errors.js';
import { laterWriters, tableOf, takeBackRows } from './take-back.js';
import { uncountFixedRows } from '../quarantine/lifecycle.js';
import { refuseIfRunningElsewhere } from '../observe/import-owner.js';

export interface UndoOptions {
  /** Also undo, newest first, the later imports that changed the same rows. */
  cascade?: boolean;
  /** Drop the table when the undone import created it (refused while it still holds other imports' rows). */
  dropTable?: boolean;
}

export interface UndoResult {
  importId: number;
  table: string;
  /** Every import taken back, newest first (the import, its retries, and with cascade the later ones). */
  undoneImports: number[];
  rowsRemoved: number;
  rowsRestored: number;
  droppedColumns: string[];
  droppedTable: boolean;
}

/** Thrown inside a dry run's transaction so that it rolls back. */
class DryRun extends Error {
  constructor(readonly result: UndoResult) {
    super('dry run');
  }
}

/**
 * Takes an import back, in one transaction: removes the rows it inserted,
 * restores the rows it changed, drops the columns it added, marks it and its
 * quarantined rows `undone`. Its retries (child imports) go with it. Refuses,
 * naming them, when later imports changed the same rows, unless `cascade`.
 */
export function undoImport(store: Store, importId: number, options: UndoOptions = {}): UndoResult {
  refuseIfLive(store, importId);
  try {
    return store.db.transaction(() => runUndo(store, importId, options)).immediate();
  } catch (error) {
    if (isConstraintError(error)) {
      throw new SluiceError(
        'UNDO_REFUSED',
        `Import #${importId} cannot be undone: restoring its rows' previous values would repeat a unique value that a later import wrote. Undo the later imports of that table first.`,
      );
    }
    throw error;
  }
}

/** What undoImport would do (exact counts), without changing anything: the undo is run and rolled back. */
export function previewUndo(store: Store, importId: number, options: UndoOptions = {}): UndoResult {
  refuseIfLive(store, importId);
  try {
    store.db
      .transaction(() => {
        throw new DryRun(runUndo(store, importId, options));
      })
      .immediate();
  } catch (error) {
    if (error instanceof DryRun) return error.result;
    if (isConstraintError(error)) throw new SluiceError('UNDO_REFUSED', `Import #${importId} cannot be undone: restoring its rows would repeat a unique value a later import wrote.`);
    throw error;
  }
  throw new SluiceError('INTERNAL', 'undo preview did not run');
}

function runUndo(store: Store, importId: number, options: UndoOptions): UndoResult {
  const record = store.imports.get(importId);
  if (!record) throw new SluiceError('IMPORT_NOT_FOUND', `There is no import #${importId} in ${store.path}.`);
  checkUndoable(store, record);
  const chosen = new Map<number, ImportRecord>();
  const add = (id: number) => {
    const found = store.imports.get(id);
    if (!found || chosen.has(id) || found.status === 'undone' || found.status === 'superseded') return;
    checkUndoable(store, found);
    chosen.set(id, found);
    for (const child of store.imports.children(id)) add(child.id);
  };
  add(importId);
  for (;;) {
    const blockers = laterWriters(store.db, [...chosen.keys()]);
    if (blockers.length === 0) break;
    if (!options.cascade) {
      const names = blockers.map((id) => `#${id}`).join(', ');
      throw new SluiceError(
        'UNDO_REFUSED',
        `Import #${importId} cannot be undone: later import${blockers.length === 1 ? '' : 's'} ${names} changed the same rows. Undo ${blockers.length === 1 ? 'it' : 'them'} first (newest first), or use --cascade to undo ${blockers.length === 1 ? 'it' : 'them'} too.`,
      );
    }
    for (const id of blockers) add(id);
  }
  const order = [...chosen.values()].sort((a, b) => b.id - a.id);
  const result: UndoResult = {
    importId,
    table: tableOf(store.db, record) ?? record.table,
    undoneImports: order.map((each) => each.id),
    rowsRemoved: 0,
    rowsRestored: 0,
    droppedColumns: [],
    droppedTable: false,
  };
  for (const each of order) {
    const counts = takeBackRows(store.db, each);
    result.rowsRemoved += counts.removed;
    result.rowsRestored += counts.restored;
    result.droppedColumns.push(...dropAddedColumns(store.db, each));
    store.quarantine.reopenFixedBy(each.id);
    uncountFixedRows(store, each);
    store.quarantine.markUndone(each.id);
    store.imports.markUndone(each.id);
  }
  if (options.dropTable) result.droppedTable = dropCreatedTable(store.db, record);
  return result;
}

/** Before the write lock is asked for: a live import may hold it, and then the answer should be "running", not "busy". */
function refuseIfLive(store: Store, importId: number): void {
  const record = store.imports.get(importId);
  if (record) refuseIfRunningElsewhere(store, record);
}

function checkUndoable(store: Store, record: ImportRecord): void {
  // Undoing rows a live import is still writing would leave it writing into an undone import.
  refuseIfRunningElsewhere(store, record);
  if (record.status === 'undone') throw new SluiceError('UNDO_REFUSED', `Import #${record.id} is already undone.`);
  if (record.status === 'superseded') {
    throw new SluiceError('UNDO_REFUSED', `Import #${record.id} was superseded by a restart; its rows are already gone.`);
  }
  if (!record.provenance) {
    throw new SluiceError(
      'UNDO_REFUSED',
      `Import #${record.id} cannot be undone: it was made before Sluice recorded which import wrote each row (or its undo data was removed from the history). Its rows stay.`,
    );
  }
}

/**
 * Columns the import added go again, with their indexes, once no row holds a
 * value in them; otherwise undo refuses, or (`keepHeld`, for a restart) they stay.
 */
export function dropAddedColumns(db: Database.Database, record: ImportRecord, keepHeld = false): string[] {
  const table = tableOf(db, record);
  if (!table || record.addedColumns.length === 0) return [];
  const quoted = quoteIdentifier(table);
  const present = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((c) => c.name));
  const dropped: string[] = [];
  for (const column of record.addedColumns.filter((name) => present.has(name))) {
    const holding = (db.prepare(`SELECT count(*) AS n FROM ${quoted} WHERE ${quoteIdentifier(column)} IS NOT NULL`).get() as { n: number }).n;
    if (holding > 0 && keepHeld) continue;
    if (holding > 0) {
      throw new SluiceError(
        'UNDO_REFUSED',
        `Import #${record.id} added column "${column}" to table "${table}", and ${holding.toLocaleString('en-US')} rows of other imports hold values in it; undo those imports first.`,
      );
    }
    const indexes = db
      .prepare(`SELECT il.name FROM pragma_index_list(?) AS il WHERE il.origin = 'c' AND EXISTS (SELECT 1 FROM pragma_index_info(il.name) WHERE name = ?)`)
      .all(table, column) as { name: string }[];
    for (const index of indexes) db.exec(`DROP INDEX ${quoteIdentifier(index.name)}`);
    db.exec(`ALTER TABLE ${quoted} DROP COLUMN ${quoteIdentifier(column)}`);
    dropped.push(column);
  }
  return dropped;
}

function dropCreatedTable(db: Database.Database, record: ImportRecord): boolean {
  if (!record.createdTable) {
    throw new SluiceError('USAGE', `Import #${record.id} did not create table "${record.table}"; --drop-table only applies to the import that created it.`);
  }
  const table = tableOf(db, record);
  if (!table) return false;
  const left = (db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`).get() as { n: number }).n;
  if (left > 0) {
    throw new SluiceError(
      'UNDO_REFUSED',
      `Table "${table}" still holds ${left.toLocaleString('en-US')} rows of other imports, so it was not dropped (nothing was undone). Undo those imports first, or leave out --drop-table.`,
    );
  }
  db.exec(`DROP TABLE ${quoteIdentifier(table)}`);
  return true;
}
