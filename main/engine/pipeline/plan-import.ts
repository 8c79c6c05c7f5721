import path from 'node:path';
import { SluiceError } from '../errors.js';
import { compileRules, loadRuleFile, parseRuleFile } from '../rules/index.js';
import type { CompiledRules } from '../rules/contract.js';
import { sniffSource } from '../source/sniff.js';
import { jsonlKeysAcross } from '../source/sample.js';
import { assertTextFile } from '../source/not-text.js';
import { describeFingerprintChange, fingerprintSource } from '../source/fingerprint.js';
import type { Store } from '../store/store.js';
import type { ImportRecord, KeySource, StoredImportOptions } from '../store/import-records.js';
import { INTERNAL_TABLE_PREFIX, quoteIdentifier, tableNameFromPath } from '../store/identifiers.js';
import type { TableSpec } from '../store/table-writer.js';
import { userColumnsOf } from '../store/row-images.js';
import { prepareTable } from '../store/table-shape.js';
import { absentKeysFor, addAbsentColumn, writerSpecOf, type AbsentKeys } from '../store/absent-keys.js';
import { tableRowCount } from '../store/table-browser.js';
import { takeBackRows } from '../history/take-back.js';
import { dropAddedColumns, undoImport } from '../history/undo.js';
import { assertPlanProceeds, decideImportPlan, type ImportPlanSummary } from './import-plan.js';
import { TableSchemas, sourceDialectOf } from '../store/table-schemas.js';
import { uniqueColumnNames } from '../source/column-names.js';
import type { ColumnType } from '../rules/lossless-columns.js';
import { columnTypesFor, endsWithNewline } from './plan-types.js';
import { chunkBytesFor, holdsMoreThanBlanks } from './source-probe.js';
import { emptyCounters } from '../types.js';
import { refuseIfRunningElsewhere } from '../observe/import-owner.js';
import {
  DEFAULT_BATCH_ROWS,
  DEFAULT_MAX_RECORD_BYTES,
  type ImportOptions,
} from './import-options.js';

export interface ImportPlan {
  record: ImportRecord;
  rules: CompiledRules;
  spec: TableSpec;
  /** What each row's last value writes into the absent-keys marker (store/absent-keys.ts). */
  absentKeys: AbsentKeys;
  /** `spec` as the table writer takes it: the marker column last when the import writes it. */
  writerSpec: TableSpec;
  resumed: boolean;
  /** What the import does to its table (the same decision the CLI and app show before it starts). */
  summary: ImportPlanSummary;
}

/** Decides what this run does (new import, resume, restart) and prepares the table and the import record. */
export async function planImport(options: ImportOptions, store: Store, readFrom?: string): Promise<ImportPlan> {
  const planned = await planOrPreview(options, store, false, readFrom);
  if ('preview' in planned) throw new SluiceError('INTERNAL', 'an import was planned without being prepared');
  return planned;
}

/**
 * What an import with these options would do, without writing anything (the
 * app's notice before an import). A refusal comes back as action 'refuse'.
 */
export async function previewImportPlan(options: ImportOptions, store: Store): Promise<ImportPlanSummary> {
  try {
    const planned = await planOrPreview(options, store, true);
    return 'preview' in planned ? planned.preview : planned.summary;
  } catch (error) {
    if (!(error instanceof SluiceError)) throw error;
    const table = options.table ?? tableNameFromPath(path.resolve(options.sourcePath));
    return {
      action: 'refuse',
      table: store.canonicalTableName(table) ?? table,
      key: null,
      keySource: null,
      addColumns: [],
      replaces: null,
      restarts: null,
      refusal: { code: error.code, message: error.message },
      message: `refused: ${error.message}`,
    };
  }
}

async function planOrPreview(
  options: ImportOptions,
  store: Store,
  dryRun: boolean,
  readFrom?: string,
): Promise<ImportPlan | { preview: ImportPlanSummary }> {
  // A spooled source (stdin, URL, compressed file) is named by options.sourcePath and read from its spool.
  const sourcePath = readFrom ? options.sourcePath : path.resolve(options.sourcePath);
  const readPath = readFrom ?? sourcePath;
  const requested = options.table ?? tableNameFromPath(sourcePath);
  checkTableName(requested);
  // SQLite matches table names case-insensitively: so does every lookup here (resume, restart, guards).
  const table = store.canonicalTableName(requested) ?? requested;
  const fingerprint = await fingerprintSource(readPath);
  const unfinished = store.imports.latestUnfinished(sourcePath, table);
  if (unfinished) refuseIfRunningElsewhere(store, unfinished);

  if (options.resume) {
    if (!unfinished) {
      // The latest import of this file into this table, when it ended in a way that explains why there is nothing to resume.
      const last = store.imports.forTable(table).find((record) => record.sourcePath === sourcePath && record.parentImportId === null);
      const why = last && (last.status === 'undone' || last.status === 'completed') ? ` (import #${last.id} of it is ${last.status})` : '';
      throw new SluiceError('NOTHING_TO_RESUME', `There is no unfinished import of ${options.sourcePath} into table "${table}" to resume${why}.`);
    }
    const change = describeFingerprintChange(unfinished.fingerprint, fingerprint);
    if (change) {
      throw new SluiceError(
        'SOURCE_CHANGED',
        `Cannot resume import #${unfinished.id}: ${options.sourcePath} has changed since it started (${change}). Use --restart to import it again from the start.`,
      );
    }
    const { rules, spec } = compileFor(unfinished.layout.columns, unfinished.schema, unfinished.options, unfinished.table, unfinished.layout.columnTypes ?? null);
    // The failure policy is part of the import: a resume keeps it unless told otherwise.
    const storedOptions = options.failure ? { ...unfinished.options, failure: options.failure } : unfinished.options;
    const key = spec.key.length > 0 ? [...spec.key] : null;
    const summary: ImportPlanSummary = {
      action: 'resume',
      table: unfinished.table,
      key,
      keySource: key ? (storedOptions.keySource ?? null) : null,
      addColumns: [],
      replaces: null,
      restarts: null,
      refusal: null,
      message: `resume import #${unfinished.id} into table "${unfinished.table}"`,
    };
    if (dryRun) return { preview: summary };
    const absentKeys = absentKeysFor(store.db, unfinished.table, unfinished.options.format, unfinished.schema, spec);
    const writerSpec = writerSpecOf(spec, absentKeys);
    store.db.transaction(() => {
      store.imports.setOptions(unfinished.id, storedOptions);
      store.imports.setStatus(unfinished.id, 'running');
      // An import started by a version that wrote no marker: its table gets the column now (rows so far have every key).
      if (absentKeys !== null && store.tableExists(unfinished.table)) addAbsentColumn(store.db, store.canonicalTableName(unfinished.table)!);
    }).immediate();
    return { record: { ...unfinished, status: 'running', options: storedOptions }, rules, spec, absentKeys, writerSpec, resumed: true, summary };
  }
  if (unfinished && !options.restart) {
    throw new SluiceError(
      'UNFINISHED_IMPORT',
      `Import #${unfinished.id} of ${options.sourcePath} into table "${table}" did not finish (${unfinished.status}). Use --resume to continue it or --restart to start over.`,
    );
  }

  await assertTextFile(readPath, { displayName: options.sourcePath });
  const layout = await sniffSource(readPath, {
    ...(options.format ? { format: options.format } : {}),
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.hasHeader !== undefined ? { hasHeader: options.hasHeader } : {}),
    ...(options.encoding ? { encoding: options.encoding } : {}),
  });
  const schema = options.schema !== undefined ? parseRuleFile(options.schema) : options.schemaPath ? await loadRuleFile(options.schemaPath) : null;
  const storedOptions: StoredImportOptions = {
    format: layout.dialect.format,
    key: options.key && options.key.length > 0 ? options.key : null,
    redact: options.redact ?? false,
    chunkBytes: await chunkBytesFor(readPath, layout.dataStartOffset, options.batchRows ?? DEFAULT_BATCH_ROWS),
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    failure: options.failure ?? { mode: 'soft', maxErrors: null },
    onDuplicate: options.onDuplicate ?? 'last',
  };
  const rawKeys = layout.dialect.format === 'jsonl' ? jsonlSourceColumns(await jsonlKeysAcross(readPath, layout), schema) : null;
  const columns = rawKeys ? uniqueColumnNames(rawKeys) : layout.columns;
  // No columns but text after the header: nothing could be stored, and "nothing to import" would drop it unseen.
  if (columns.length === 0 && (await holdsMoreThanBlanks(readPath, layout.dataStartOffset))) {
    const name = options.sourcePath === '-' ? 'standard input' : options.sourcePath;
    throw new SluiceError(
      'NOT_TEXT',
      layout.dialect.format === 'jsonl'
        ? `${name} is not JSON Lines that Sluice can import: none of the lines it sampled is a JSON object with fields (is it one JSON array, or lines of [ ], "text" or {}?). Sluice imports one JSON object per line; nothing was imported.`
        : `${name} has text but no header with column names (its first line is blank); give --no-header, or remove the blank first line. Nothing was imported.`,
    );
  }
  const tableSchemas = new TableSchemas(store.db);
  const keyedLayout = { ...layout, columns, ...(rawKeys ? { rawHeader: rawKeys } : {}) };
  const tableExists = store.tableExists(table);
  const storedSchema = tableExists ? tableSchemas.get(table) : null;
  const columnTypes = schema === null ? await columnTypesFor(readPath, keyedLayout, storedSchema, storedSchema === null && tableExists) : null;
  const finalLayout = { ...keyedLayout, ...(columnTypes ? { columnTypes } : {}) };
  const { rules, spec } = compileFor(columns, schema, storedOptions, table, columnTypes);
  const sourceDialect = sourceDialectOf(layout.dialect, await endsWithNewline(readPath, layout.dialect.encoding));
  const keySource: KeySource | null = spec.key.length === 0 ? null : storedOptions.key ? '--key' : 'rule file';
  if (keySource) storedOptions.keySource = keySource;
  const absentKeys = absentKeysFor(store.db, table, layout.dialect.format, schema, spec);
  const request = { ...spec, absentMarker: absentKeys !== null };
  const summary = await decideImportPlan({
    store,
    sourcePath: readPath,
    displayPath: options.sourcePath,
    table,
    fingerprint,
    request,
    keySource,
    append: options.append === true,
    replace: options.replace === true,
    restarts: unfinished ?? null,
  });
  if (dryRun) return { preview: summary };
  assertPlanProceeds(summary);

  const importId = store.db.transaction(() => {
    if (unfinished) supersede(store, unfinished);
    if (summary.replaces !== null) undoImport(store, summary.replaces);
    // An empty file has no columns: there is nothing to create, and nothing to import.
    // The stored schema first: it refuses a type clash before the table changes.
    if (spec.columns.length > 0) tableSchemas.reconcile(table, spec.columns, sourceDialect, store.tableExists(table));
    const prepared = spec.columns.length > 0 ? prepareTable(store.db, request) : { created: false, addedColumns: [] };
    return store.imports.create({
      sourcePath,
      fingerprint,
      table,
      createdTable: prepared.created,
      layout: finalLayout,
      schema,
      options: storedOptions,
      // bytesRead counts every byte of the file, BOM and header included, so progress can reach 100%.
      counters: { ...emptyCounters(), bytesRead: layout.dataStartOffset },
      addedColumns: prepared.addedColumns,
      writtenColumns: spec.columns.length > 0 ? userColumnsOf(store.db, table) : [],
    });
  }).immediate();
  const record = store.imports.get(importId);
  if (!record) throw new SluiceError('INTERNAL', `import #${importId} vanished after it was created`);
  return { record, rules, spec, absentKeys, writerSpec: writerSpecOf(spec, absentKeys), resumed: false, summary };

  function compileFor(sourceColumns: string[], ruleFile: unknown, stored: StoredImportOptions, tableName: string, columnTypes: readonly (ColumnType | null)[] | null) {
    const compiled = compileRules(ruleFile === null ? null : parseRuleFile(ruleFile), {
      sourceColumns,
      redact: stored.redact,
      sourceKind: stored.format,
      ...(stored.key ? { keyOverride: stored.key } : {}),
      ...(columnTypes ? { columnTypes } : {}),
    });
    const tableSpec: TableSpec = {
      table: tableName,
      columns: compiled.columns,
      key: compiled.primaryKey,
      uniqueKeys: compiled.uniqueKeys,
    };
    return { rules: compiled, spec: tableSpec };
  }
}

/**
 * A restart replaces an unfinished import: the rows it still owns are taken
 * back (by provenance; other imports' rows are untouched) and its quarantine
 * goes. A table it created and that is now empty is dropped, so the new run
 * creates it afresh from its own rules.
 */
function supersede(store: Store, previous: ImportRecord): void {
  // Fixes of its quarantined rows (child imports) go with it: the quarantine they settled is replaced by the new run's.
  for (const child of store.imports.children(previous.id)) {
    if (child.status === 'undone' || child.status === 'superseded') continue;
    if (child.provenance) {
      takeBackRows(store.db, child);
      dropAddedColumns(store.db, child, true);
    }
    store.quarantine.forgetEditsBy(child.id);
    store.imports.setStatus(child.id, 'superseded');
  }
  const table = store.canonicalTableName(previous.table);
  if (previous.provenance) {
    takeBackRows(store.db, previous);
    dropAddedColumns(store.db, previous, true);
    if (table && previous.createdTable && tableRowCount(store, table) === 0) store.db.exec(`DROP TABLE ${quoteIdentifier(table)}`);
  } else if (table && previous.createdTable) {
    // Store format 1: rows carry no import id. Dropping the table is only safe when no other import wrote into it.
    const others = store.imports.forTable(table).filter((record) => record.id !== previous.id && record.status !== 'superseded' && record.status !== 'undone');
    if (others.length > 0) {
      throw new SluiceError(
        'UNDO_REFUSED',
        `Cannot restart import #${previous.id}: it was made before Sluice recorded which import wrote each row, and table "${table}" also holds rows of import${others.length === 1 ? '' : 's'} ${others.map((r) => `#${r.id}`).join(', ')}. Import into a new table with --table instead.`,
      );
    }
    store.db.exec(`DROP TABLE ${quoteIdentifier(table)}`);
  }
  store.quarantine.deleteForImport(previous.id);
  store.imports.setStatus(previous.id, 'superseded');
}

function checkTableName(table: string): void {
  if (table.trim() === '') throw new SluiceError('USAGE', 'The table name must not be empty.');
  const lower = table.toLowerCase();
  if (lower.startsWith(INTERNAL_TABLE_PREFIX) || lower.startsWith('sqlite_')) {
    throw new SluiceError('USAGE', `"${table}" is a reserved table name; choose another with --table.`);
  }
}

/** JSONL columns: the schema's fields first (their order is the user's), then keys seen in the sample. */
function jsonlSourceColumns(sampled: string[], schema: unknown): string[] {
  const fields = ((schema as { fields?: { name?: unknown }[] } | null)?.fields ?? [])
    .map((field) => field.name)
    .filter((name): name is string => typeof name === 'string');
  return [...new Set([...fields, ...sampled])];
}
