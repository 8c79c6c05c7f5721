import type Database from 'better-sqlite3';
import type { SqlValue } from '../rules/contract.js';
import type { TableSpec, WriterOptions } from './table-writer.js';
import { sameColumns } from './table-shape.js';
import { keyCastCheck, userColumnsOf } from './row-images.js';
import { BatchUpsert } from './batch-upsert.js';
import { RowUpsert } from './row-upsert.js';
import { markerMergeOf } from './marker-merge.js';
import type { KeyFactsSpec } from './key-facts.js';

/** What a table writer needs for an import with a key: its two upsert paths and its key checks. */
export interface UpsertSetup {
  batchUpsert: BatchUpsert;
  rowUpsert: RowUpsert;
  /** Per key column: whether a value can take the table column's numeric type without loss (null: any value can). */
  keyCasts: (((value: SqlValue) => boolean) | null)[] | null;
  /** What a worker needs to make the writer's key checks itself (scratch path). */
  keyFactsSpec: KeyFactsSpec;
  /** The columns a pre-image holds, in order. */
  preimageColumns: string[];
}

export function upsertSetupOf(
  db: Database.Database,
  spec: TableSpec,
  options: WriterOptions,
  insert: { prefix: string; rowPlaceholders: string; keyColumns: number[] },
): UpsertSetup {
  const { importId } = options;
  const keySet = new Set(spec.key);
  const columnNames = spec.columns.map((column) => column.name);
  // Pre-images hold every user column of the table, so undo can put the row back whole (rowid included).
  const preimageColumns = userColumnsOf(db, spec.table);
  const markerMerge = markerMergeOf(db, preimageColumns, columnNames, importId, options.writtenBy ?? (() => () => null));
  const rowUpsert = new RowUpsert(db, {
    table: spec.table,
    columns: columnNames,
    key: spec.key,
    keyColumns: insert.keyColumns,
    valueColumns: spec.columns.map((_, i) => i).filter((i) => !keySet.has(spec.columns[i]!.name)),
    preimageColumns,
    importId,
    onDuplicate: options.onDuplicate ?? 'last',
    keyIsUniqueRule: spec.uniqueKeys.some((columns) => sameColumns(columns, spec.key)),
    insertPrefix: insert.prefix,
    rowPlaceholders: insert.rowPlaceholders,
    markerMerge,
  });
  const declared = new Map(
    (db.prepare('SELECT name, type FROM pragma_table_info(?)').all(spec.table) as { name: string; type: string }[]).map((c) => [c.name.toLowerCase(), c.type.toUpperCase()]),
  );
  const declaredTypes = spec.key.map((name) => declared.get(name.toLowerCase()) ?? '');
  const casts = declaredTypes.map(keyCastCheck);
  return {
    rowUpsert,
    batchUpsert: new BatchUpsert(db, spec.table, columnNames, spec.key, preimageColumns, importId, markerMerge),
    keyCasts: casts.some((check) => check !== null) ? casts : null,
    keyFactsSpec: { keyColumns: insert.keyColumns, declaredTypes },
    preimageColumns,
  };
}
