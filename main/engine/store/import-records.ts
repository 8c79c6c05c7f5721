import type Database from 'better-sqlite3';
import type { FailurePolicy, ImportCounters, ImportStatus, SourceLayout } from '../types.js';
import type { SourceFingerprint } from '../source/fingerprint.js';

/** Options that shape the data; a resumed import must reuse them to give the same result. */
export interface StoredImportOptions {
  format: 'csv' | 'jsonl';
  key: string[] | null;
  redact: boolean;
  chunkBytes: number;
  maxRecordBytes: number;
  /** The failure policy the import was started with; a resume keeps it unless told otherwise. */
  failure?: FailurePolicy;
  /** Where the upsert key came from (absent: a plain insert). */
  keySource?: KeySource;
  /** What to do with a key repeated within this import. */
  onDuplicate?: OnDuplicate;
  /** A child import that fixed quarantined rows: what it did ("retry", "fix: map plan"). */
  quarantineFix?: string;
}

export type KeySource = '--key' | 'rule file';
export type OnDuplicate = 'last' | 'first' | 'quarantine';

export interface ImportRecord {
  id: number;
  sourcePath: string;
  fingerprint: SourceFingerprint;
  table: string;
  createdTable: boolean;
  layout: SourceLayout;
  schema: unknown;
  options: StoredImportOptions;
  status: ImportStatus;
  errorCode: string | null;
  errorMessage: string | null;
  nextByteOffset: number;
  nextRowNumber: number;
  nextLine: number;
  nextChunkSeq: number;
  counters: ImportCounters;
  activeMs: number;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** The import a retry or bulk fix of quarantined rows belongs to. */
  parentImportId: number | null;
  /** Whether its rows carry `_sluice_import_id` and pre-images (false for imports of store format 1). */
  provenance: boolean;
  /** SHA-256 of the whole source, computed while importing (null until completed). */
  contentHash: string | null;
  /** Columns this import added to an existing table. */
  addedColumns: string[];
  /** The columns this import writes: the columns its pre-images hold, in order. */
  writtenColumns: string[];
}

export interface Checkpoint {
  nextByteOffset: number;
  nextRowNumber: number;
  nextLine: number;
  nextChunkSeq: number;
  counters: ImportCounters;
  activeMs: number;
}

interface ImportRow {
  id: number;
  source_path: string;
  source_size: number;
  source_mtime_ms: number;
  source_hash: string;
  table_name: string;
  created_table: number;
  layout: string;
  schema: string | null;
  options: string;
  status: ImportStatus;
  error_code: string | null;
  error_message: string | null;
  next_byte_offset: number;
  next_row_number: number;
  next_line: number;
  next_chunk_seq: number;
  counters: string;
  active_ms: number;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  parent_import_id: number | null;
  provenance: number;
  content_hash: string | null;
  added_columns: string | null;
  written_columns: string | null;
}

const UNFINISHED = `status IN ('running', 'paused', 'failed', 'cancelled')`;

/** The hidden column that records which import wrote a row last (see bookkeeping-columns.ts). */
export { PROVENANCE_COLUMN } from './bookkeeping-columns.js';

/** `_sluice_imports`: one row per import, holding its checkpoint. Statements prepared once. */
export class ImportRecords {
  private readonly insertStatement: Database.Statement;
  private readonly checkpointStatement: Database.Statement;
  private readonly statusStatement: Database.Statement;
  private readonly byIdStatement: Database.Statement;
  private readonly listStatement: Database.Statement;
  private readonly latestUnfinishedStatement: Database.Statement;
  private readonly latestStatement: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStatement = db.prepare(`
      INSERT INTO _sluice_imports (source_path, source_size, source_mtime_ms, source_hash, table_name, created_table,
        layout, schema, options, status, next_byte_offset, next_row_number, next_line, counters, started_at, updated_at,
        parent_import_id, provenance, added_columns, written_columns)
      VALUES (@sourcePath, @size, @mtimeMs, @hash, @table, @createdTable, @layout, @schema, @options, 'running',
        @nextByteOffset, @nextRowNumber, @nextLine, @counters, @now, @now, @parentImportId, 1, @addedColumns, @writtenColumns)`);
    this.checkpointStatement = db.prepare(`
      UPDATE _sluice_imports SET next_byte_offset = @nextByteOffset, next_row_number = @nextRowNumber,
        next_line = @nextLine, next_chunk_seq = @nextChunkSeq, counters = @counters, active_ms = @activeMs, updated_at = @now
      WHERE id = @id`);
    this.statusStatement = db.prepare(`
      UPDATE _sluice_imports SET status = @status, error_code = @errorCode, error_message = @errorMessage,
        updated_at = @now, finished_at = CASE WHEN @status = 'completed' THEN @now ELSE finished_at END
      WHERE id = @id`);
    this.byIdStatement = db.prepare('SELECT * FROM _sluice_imports WHERE id = ?');
    this.listStatement = db.prepare('SELECT * FROM _sluice_imports ORDER BY id DESC');
    this.latestUnfinishedStatement = db.prepare(
      `SELECT * FROM _sluice_imports WHERE source_path = ? AND table_name = ? COLLATE NOCASE AND ${UNFINISHED} ORDER BY id DESC LIMIT 1`,
    );
    this.latestStatement = db.prepare('SELECT * FROM _sluice_imports ORDER BY id DESC LIMIT 1');
  }

  create(record: {
    sourcePath: string;
    fingerprint: SourceFingerprint;
    table: string;
    createdTable: boolean;
    layout: SourceLayout;
    schema: unknown;
    options: StoredImportOptions;
    counters: ImportCounters;
    parentImportId?: number | null;
    addedColumns?: string[];
    writtenColumns?: string[];
  }): number {
    const result = this.insertStatement.run({
      sourcePath: record.sourcePath,
      size: record.fingerprint.size,
      mtimeMs: record.fingerprint.mtimeMs,
      hash: record.fingerprint.hash,
      table: record.table,
      createdTable: record.createdTable ? 1 : 0,
      layout: JSON.stringify(record.layout),
      schema: record.schema === null ? null : JSON.stringify(record.schema),
      options: JSON.stringify(record.options),
      nextByteOffset: record.layout.dataStartOffset,
      nextRowNumber: 1,
      nextLine: record.layout.dataStartLine,
      counters: JSON.stringify(record.counters),
      now: new Date().toISOString(),
      parentImportId: record.parentImportId ?? null,
      addedColumns: JSON.stringify(record.addedColumns ?? []),
      writtenColumns: JSON.stringify(record.writtenColumns ?? []),
    });
    return Number(result.lastInsertRowid);
  }

  /** Must run inside the transaction that writes the rows it covers. */
  saveCheckpoint(id: number, checkpoint: Checkpoint): void {
    this.checkpointStatement.run({
      id,
      nextByteOffset: checkpoint.nextByteOffset,
      nextRowNumber: checkpoint.nextRowNumber,
      nextLine: checkpoint.nextLine,
      nextChunkSeq: checkpoint.nextChunkSeq,
      counters: JSON.stringify(checkpoint.counters),
      activeMs: Math.round(checkpoint.activeMs),
      now: new Date().toISOString(),
    });
  }

  setStatus(id: number, status: ImportStatus, error: { code: string; message: string } | null = null): void {
    this.statusStatement.run({
      id,
      status,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      now: new Date().toISOString(),
    });
  }

  /** A quarantined row fixed after the import: it now counts as written, not quarantined. */
  countFixedRow(id: number, outcome: 'inserted' | 'updated'): void {
    const record = this.get(id);
    if (!record) return;
    const counters = record.counters;
    counters.rowsQuarantined = Math.max(0, counters.rowsQuarantined - 1);
    if (outcome === 'inserted') counters.rowsInserted++;
    else counters.rowsUpdated++;
    this.db.prepare('UPDATE _sluice_imports SET counters = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(counters), new Date().toISOString(), id);
  }

  /** How many store attempts the import repeated because the store was busy (kept in its counters). */
  setStoreRetries(id: number, retries: number): void {
    this.db.prepare(`UPDATE _sluice_imports SET counters = json_set(counters, '$.storeRetries', ?) WHERE id = ?`).run(retries, id);
  }

  get(id: number): ImportRecord | null {
    const row = this.byIdStatement.get(id) as ImportRow | undefined;
    return row ? toRecord(row) : null;
  }

  list(): ImportRecord[] {
    return (this.listStatement.all() as ImportRow[]).map(toRecord);
  }

  latest(): ImportRecord | null {
    const row = this.latestStatement.get() as ImportRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** Imports into a table, newest first; table names match the way SQLite matches them (case-insensitively). */
  forTable(table: string): ImportRecord[] {
    const rows = this.db.prepare('SELECT * FROM _sluice_imports WHERE table_name = ? COLLATE NOCASE ORDER BY id DESC').all(table) as ImportRow[];
    return rows.map(toRecord);
  }

  /** Imports made to fix quarantined rows of `parentId` (retries, bulk fixes). */
  children(parentId: number): ImportRecord[] {
    const rows = this.db.prepare('SELECT * FROM _sluice_imports WHERE parent_import_id = ? ORDER BY id DESC').all(parentId) as ImportRow[];
    return rows.map(toRecord);
  }

  /** Every source path imported into this store: export must never overwrite one. */
  sourcePaths(): string[] {
    return (this.db.prepare('SELECT DISTINCT source_path AS p FROM _sluice_imports').all() as { p: string }[]).map((row) => row.p);
  }

  setContentHash(id: number, hash: string): void {
    this.db.prepare('UPDATE _sluice_imports SET content_hash = ? WHERE id = ?').run(hash, id);
  }

  setOptions(id: number, options: StoredImportOptions): void {
    this.db.prepare('UPDATE _sluice_imports SET options = ? WHERE id = ?').run(JSON.stringify(options), id);
  }

  markUndone(id: number): void {
    const now = new Date().toISOString();
    this.db.prepare(`UPDATE _sluice_imports SET status = 'undone', undone_at = ?, updated_at = ? WHERE id = ?`).run(now, now, id);
  }

  /** Forgets an import's undo data (its pre-images); its rows and quarantine records stay. */
  forgetUndoData(id: number): void {
    this.db.prepare('DELETE FROM _sluice_preimages WHERE import_id = ?').run(id);
    this.db.prepare('UPDATE _sluice_imports SET provenance = 0 WHERE id = ?').run(id);
  }

  latestUnfinished(sourcePath: string, table: string): ImportRecord | null {
    const row = this.latestUnfinishedStatement.get(sourcePath, table) as ImportRow | undefined;
    return row ? toRecord(row) : null;
  }
}

export function isResumable(record: ImportRecord): boolean {
  return record.status !== 'completed' && record.status !== 'superseded' && record.status !== 'undone';
}

function toRecord(row: ImportRow): ImportRecord {
  return {
    id: row.id,
    sourcePath: row.source_path,
    fingerprint: { size: row.source_size, mtimeMs: row.source_mtime_ms, hash: row.source_hash },
    table: row.table_name,
    createdTable: row.created_table === 1,
    layout: JSON.parse(row.layout) as SourceLayout,
    schema: row.schema === null ? null : (JSON.parse(row.schema) as unknown),
    options: JSON.parse(row.options) as StoredImportOptions,
    status: row.status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    nextByteOffset: row.next_byte_offset,
    nextRowNumber: row.next_row_number,
    nextLine: row.next_line,
    nextChunkSeq: row.next_chunk_seq,
    counters: JSON.parse(row.counters) as ImportCounters,
    activeMs: row.active_ms,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    parentImportId: row.parent_import_id,
    provenance: row.provenance === 1,
    contentHash: row.content_hash,
    addedColumns: row.added_columns ? (JSON.parse(row.added_columns) as string[]) : [],
    writtenColumns: row.written_columns ? (JSON.parse(row.written_columns) as string[]) : [],
  };
}
