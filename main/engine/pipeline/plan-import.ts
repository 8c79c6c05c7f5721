import path from 'node:path';
import { SluiceError } from '../errors.js';
import { compileRules, loadRuleFile, parseRuleFile } from '../rules/index.js';
import type { CompiledRules } from '../rules/contract.js';
import { sniffSource } from '../source/sniff.js';
import { jsonlKeysAcross } from '../source/sample.js';
import { openSource } from '../source/open-source.js';
import { describeFingerprintChange, fingerprintSource } from '../source/fingerprint.js';
import type { Store } from '../store/store.js';
import type { ImportRecord, StoredImportOptions } from '../store/import-records.js';
import { INTERNAL_TABLE_PREFIX, quoteIdentifier, tableNameFromPath } from '../store/identifiers.js';
import { TableWriter, type TableSpec } from '../store/table-writer.js';
import { emptyCounters } from '../types.js';
import { refuseIfRunningElsewhere } from '../observe/import-owner.js';
import {
  DEFAULT_BATCH_ROWS,
  DEFAULT_MAX_RECORD_BYTES,
  MAX_CHUNK_BYTES,
  MIN_CHUNK_BYTES,
  type ImportOptions,
} from './import-options.js';

export interface ImportPlan {
  record: ImportRecord;
  rules: CompiledRules;
  spec: TableSpec;
  resumed: boolean;
}

const SAMPLE_BYTES = 256 * 1024;

/** Decides what this run does (new import, resume, restart) and prepares the table and the import record. */
export async function planImport(options: ImportOptions, store: Store): Promise<ImportPlan> {
  const sourcePath = path.resolve(options.sourcePath);
  const table = options.table ?? tableNameFromPath(sourcePath);
  checkTableName(table);
  const fingerprint = await fingerprintSource(sourcePath);
  const unfinished = store.imports.latestUnfinished(sourcePath, table);
  if (unfinished) refuseIfRunningElsewhere(store, unfinished);

  if (options.resume) {
    if (!unfinished) {
      throw new SluiceError('NOTHING_TO_RESUME', `There is no unfinished import of ${options.sourcePath} into table "${table}" to resume.`);
    }
    const change = describeFingerprintChange(unfinished.fingerprint, fingerprint);
    if (change) {
      throw new SluiceError(
        'SOURCE_CHANGED',
        `Cannot resume import #${unfinished.id}: ${options.sourcePath} has changed since it started (${change}). Use --restart to import it again from the start.`,
      );
    }
    const { rules, spec } = compileFor(unfinished.layout.columns, unfinished.schema, unfinished.options);
    store.imports.setStatus(unfinished.id, 'running');
    return { record: { ...unfinished, status: 'running' }, rules, spec, resumed: true };
  }
  if (unfinished && !options.restart) {
    throw new SluiceError(
      'UNFINISHED_IMPORT',
      `Import #${unfinished.id} of ${options.sourcePath} into table "${table}" did not finish (${unfinished.status}). Use --resume to continue it or --restart to start over.`,
    );
  }

  const layout = await sniffSource(sourcePath, {
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
    chunkBytes: await chunkBytesFor(sourcePath, layout.dataStartOffset, options.batchRows ?? DEFAULT_BATCH_ROWS),
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
  };
  const columns =
    layout.dialect.format === 'jsonl' ? jsonlSourceColumns(await jsonlKeysAcross(sourcePath, layout), schema) : layout.columns;
  const finalLayout = { ...layout, columns };
  const { rules, spec } = compileFor(columns, schema, storedOptions);

  const importId = store.db.transaction(() => {
    if (unfinished) supersede(store, unfinished);
    // An empty file has no columns: there is nothing to create, and nothing to import.
    const createdTable = spec.columns.length > 0 && TableWriter.ensureTable(store.db, spec);
    return store.imports.create({
      sourcePath,
      fingerprint,
      table,
      createdTable,
      layout: finalLayout,
      schema,
      options: storedOptions,
      counters: emptyCounters(),
    });
  }).immediate();
  const record = store.imports.get(importId);
  if (!record) throw new SluiceError('INTERNAL', `import #${importId} vanished after it was created`);
  return { record, rules, spec, resumed: false };

  function compileFor(sourceColumns: string[], ruleFile: unknown, stored: StoredImportOptions) {
    const compiled = compileRules(ruleFile === null ? null : parseRuleFile(ruleFile), {
      sourceColumns,
      redact: stored.redact,
      sourceKind: stored.format,
      ...(stored.key ? { keyOverride: stored.key } : {}),
    });
    const tableSpec: TableSpec = {
      table,
      columns: compiled.columns,
      key: compiled.primaryKey,
      uniqueKeys: compiled.uniqueKeys,
    };
    return { rules: compiled, spec: tableSpec };
  }
}

/** A restart replaces an unfinished import: its partial table (if it made one) and quarantine go. */
function supersede(store: Store, previous: ImportRecord): void {
  if (previous.createdTable) store.db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(previous.table)}`);
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

/** Converts a batch size in rows into bytes using the sample's average record width. */
async function chunkBytesFor(sourcePath: string, dataStart: number, batchRows: number): Promise<number> {
  const handle = await openSource(sourcePath);
  try {
    const sample = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(sample, 0, SAMPLE_BYTES, dataStart);
    let lines = 0;
    for (let i = sample.indexOf(0x0a); i !== -1 && i < bytesRead; i = sample.indexOf(0x0a, i + 1)) lines++;
    const averageRowBytes = lines > 0 ? bytesRead / lines : Math.max(bytesRead, 100);
    return Math.round(Math.min(MAX_CHUNK_BYTES, Math.max(MIN_CHUNK_BYTES, batchRows * averageRowBytes)));
  } finally {
    await handle.close();
  }
}
