import { SluiceError } from '../errors.js';
import { compileRules, parseRuleFile } from '../rules/index.js';
import type { CompiledRules, SqlValue } from '../rules/contract.js';
import { parseRecord } from '../parse/parse-record.js';
import { isKeptAsText } from '../rules/lossless-columns.js';
import type { Store } from '../store/store.js';
import type { ImportRecord } from '../store/import-records.js';
import type { QuarantinedRow } from '../store/quarantine-records.js';
import { syncQuarantineCounters } from './lifecycle.js';
import { checkInPool, type Checked } from './pool-validate.js';
import { TableWriter, type TableSpec } from '../store/table-writer.js';
import { userColumnsOf } from '../store/row-images.js';
import { prepareTable } from '../store/table-shape.js';
import { absentKeysFor, writerSpecOf, writtenColumnsLookup, type AbsentKeys } from '../store/absent-keys.js';
import { emptyCounters, type ImportCounters, type RowFailure } from '../types.js';
import { refuseIfRunningElsewhere } from '../observe/import-owner.js';

export type RetryOutcome = { ok: true } | { ok: false; errors: RowFailure[] };

export interface RevalidateSummary {
  /** The child import that recorded what the retry wrote (null: nothing passed, nothing written). */
  importId: number | null;
  checked: number;
  fixed: number;
  stillFailing: number;
}

/** Which open rows a retry takes (default: all of the import's open rows). */
export interface RetrySelection {
  rule?: string;
  field?: string;
  rowNumber?: number;
}

/** Rows that cannot be re-read from their text: fixing their text cannot help. */
const UNFIXABLE_RULES = new Set(['record-size', 'encoding']);

export function isUnfixable(row: QuarantinedRow): boolean {
  return row.errors.some((error) => UNFIXABLE_RULES.has(error.rule));
}

/**
 * Validates and writes rows with an import's rules; the one path for fixing
 * quarantined rows. What it writes is recorded as an import of its own, a
 * child of the import it fixes, so `undo` can take it back like any import.
 */
export class RowFixer {
  private readonly rules: CompiledRules;
  private readonly spec: TableSpec;
  /** What the rows write into the table's absent-keys marker, as an import with these rules would (store/absent-keys.ts). */
  readonly absentKeys: AbsentKeys;
  private readonly writerSpec: TableSpec;
  private readonly out: SqlValue[];
  private readonly plainJson: boolean;
  private child: { id: number; writer: TableWriter; counters: ImportCounters } | null = null;
  private fixedRows = 0;

  /**
   * `ruleFile`: the rules to check with (the import's own, or the user's current ones);
   * `what`: how the history names the child import ("retry", "fix: map plan").
   */
  constructor(
    private readonly store: Store,
    private readonly record: ImportRecord,
    private readonly ruleFile: unknown,
    private readonly what = 'retry',
    /** Bulk work (fixes, re-validation) logs each row's text and reasons before changing them, so undo restores them too. */
    private readonly recordEdits = false,
  ) {
    // Its rows are still being quarantined, and its next checkpoint would overwrite the counters a fix changes.
    refuseIfRunningElsewhere(store, record);
    const table = store.canonicalTableName(record.table) ?? record.table;
    this.rules = compileRules(ruleFile === null ? null : parseRuleFile(ruleFile), {
      sourceColumns: record.layout.columns,
      redact: record.options.redact,
      sourceKind: record.options.format,
      ...(record.options.key ? { keyOverride: record.options.key } : {}),
      ...(record.layout.columnTypes ? { columnTypes: record.layout.columnTypes } : {}),
      ...(record.options.format === 'jsonl' && ruleFile === null ? { markAbsent: true } : {}),
    });
    this.absentKeys = absentKeysFor(store.db, table, record.options.format, ruleFile, { key: this.rules.primaryKey, columns: this.rules.columns });
    this.plainJson = ruleFile !== null;
    this.spec = { table, columns: this.rules.columns, key: this.rules.primaryKey, uniqueKeys: this.rules.uniqueKeys };
    this.writerSpec = writerSpecOf(this.spec, this.absentKeys);
    this.out = new Array<SqlValue>(this.writerSpec.columns.length).fill(null);
  }

  /** Call inside a transaction. `checked`: the row already checked (in the worker pool) with the same rules. */
  fix(quarantineId: number, raw: string, checked?: Checked): RetryOutcome {
    let errors: RowFailure[] | null;
    if (checked) {
      errors = 'errors' in checked ? checked.errors : null;
      if ('values' in checked) for (let i = 0; i < this.out.length; i++) this.out[i] = checked.values[i] ?? null;
    } else {
      const parsed = parseRecord(raw, this.record.layout, this.plainJson);
      errors = 'errors' in parsed ? parsed.errors : null;
      if (!errors && 'values' in parsed) errors = this.rules.validate(parsed.values, this.out)?.errors ?? null;
    }
    let written: 'inserted' | 'updated' | 'unchanged' = 'inserted';
    const child = errors ? null : this.childImport();
    if (child) {
      const outcome = child.writer.write(this.out, 1);
      errors = outcome.refused[0]?.errors ?? null;
      if (outcome.updated > 0) written = 'updated';
      else if (outcome.unchanged > 0) written = 'unchanged';
    }
    if (this.recordEdits) this.logEdit(quarantineId, raw, errors);
    if (errors) {
      this.store.quarantine.update(quarantineId, raw, errors);
      return { ok: false, errors };
    }
    this.store.quarantine.update(quarantineId, raw, null);
    this.store.quarantine.setStatus(quarantineId, 'fixed');
    this.store.quarantine.setFixedBy(quarantineId, child!.id);
    this.store.imports.countFixedRow(this.record.id, written === 'inserted' ? 'inserted' : 'updated');
    this.fixedRows++;
    const counters = child!.counters;
    if (this.ruleFile === null) this.countKeptAsText(counters);
    counters.rowsRead++;
    counters.rowsValid++;
    if (written === 'inserted') counters.rowsInserted++;
    else if (written === 'updated') counters.rowsUpdated++;
    else counters.rowsUnchanged = (counters.rowsUnchanged ?? 0) + 1;
    return { ok: true };
  }

  /** Without rules: values of the row just written that were kept as they came (see ImportCounters.keptAsText). */
  private countKeptAsText(counters: ImportCounters): void {
    const columns = this.rules.columns;
    for (let i = 0; i < columns.length; i++) {
      if (!isKeptAsText(this.out[i] ?? null, columns[i]!.type, this.record.options.format)) continue;
      const kept = (counters.keptAsText ??= new Array<number>(columns.length).fill(0));
      kept[i] = (kept[i] ?? 0) + 1;
    }
  }

  /** A row whose text or reasons are about to change: the child import records it (and exists from now on). */
  private logEdit(quarantineId: number, raw: string, errors: RowFailure[] | null): void {
    const before = this.store.quarantine.get(quarantineId);
    if (!before) return;
    const changed = before.raw !== raw || (errors !== null && JSON.stringify(errors) !== JSON.stringify(before.errors)) || errors === null;
    if (changed) this.store.quarantine.logEdit(this.childImport().id, quarantineId);
  }

  /** Records the child import's counters and completes it; call at the end of the transaction. */
  finish(): number | null {
    syncQuarantineCounters(this.store, this.record.id);
    if (!this.child) return null;
    const record = this.store.imports.get(this.child.id)!;
    this.store.imports.saveCheckpoint(this.child.id, { ...record, counters: this.child.counters });
    this.store.imports.setStatus(this.child.id, 'completed');
    return this.child.id;
  }

  private childImport(): { id: number; writer: TableWriter; counters: ImportCounters } {
    if (this.child) return this.child;
    const prepared = prepareTable(this.store.db, { ...this.spec, absentMarker: this.absentKeys !== null });
    const id = this.store.imports.create({
      sourcePath: this.record.sourcePath,
      fingerprint: this.record.fingerprint,
      table: prepared.table,
      createdTable: prepared.created,
      layout: this.record.layout,
      schema: this.ruleFile,
      options: { ...this.record.options, quarantineFix: this.what },
      counters: emptyCounters(),
      parentImportId: this.record.id,
      addedColumns: prepared.addedColumns,
      writtenColumns: userColumnsOf(this.store.db, prepared.table),
    });
    const writer = new TableWriter(this.store.db, { ...this.writerSpec, table: prepared.table }, {
      importId: id,
      onDuplicate: 'last',
      writtenBy: () => writtenColumnsLookup(this.store.imports.forTable(prepared.table)),
    });
    this.child = { id, writer, counters: emptyCounters() };
    return this.child;
  }
}

/** Re-validates one quarantined row after the user edited it; writes it to the table when it passes. */
export function retryQuarantinedRow(store: Store, quarantineId: number, editedRaw: string, ruleFile?: unknown): RetryOutcome {
  const row = store.quarantine.get(quarantineId);
  if (!row) throw new SluiceError('IMPORT_NOT_FOUND', `There is no quarantined row #${quarantineId}.`);
  if (row.status !== 'open') throw new SluiceError('USAGE', `Quarantined row #${quarantineId} is already ${row.status}.`);
  const record = store.imports.get(row.importId);
  if (!record) throw new SluiceError('IMPORT_NOT_FOUND', `The import of quarantined row #${quarantineId} no longer exists.`);
  // Edits are logged like a bulk fix's, so undoing this edit puts back the exact text and reasons it replaced.
  const fixer = new RowFixer(store, record, ruleFile === undefined ? record.schema : ruleFile, 'edit', true);
  return store.db.transaction(() => {
    const outcome = fixer.fix(quarantineId, editedRaw);
    fixer.finish();
    return outcome;
  }).immediate();
}

/**
 * Re-checks the open quarantined rows of an import, with its rules or with
 * the user's current ones (after a rule change): rows that now pass are
 * written (with the import's key semantics) and marked fixed; the rest get
 * the reasons the rules give now.
 */
export function revalidateQuarantine(store: Store, importId: number, ruleFile?: unknown, selection: RetrySelection = {}): RevalidateSummary {
  const record = store.imports.get(importId);
  if (!record) throw new SluiceError('IMPORT_NOT_FOUND', `There is no import #${importId}.`);
  const fixer = new RowFixer(store, record, ruleFile === undefined ? record.schema : ruleFile, 'retry', true);
  const open = [...store.quarantine.select({ importId, status: 'open', ...selection })];
  const summary: RevalidateSummary = { importId: null, checked: 0, fixed: 0, stillFailing: 0 };
  store.db.transaction(() => {
    for (const row of open) {
      summary.checked++;
      if (!isUnfixable(row) && fixer.fix(row.id, row.raw).ok) summary.fixed++;
      else summary.stillFailing++;
    }
    summary.importId = fixer.finish();
  }).immediate();
  return summary;
}

/** Below this many open rows a retry checks them in this thread: starting the pool would cost more than it saves. */
export const POOL_MIN_ROWS = 5000;

/**
 * revalidateQuarantine with the rules run in the worker pool (as an import
 * runs them), for many rows; the writes then happen in one transaction here.
 */
export async function revalidateInPool(
  store: Store,
  importId: number,
  ruleFile?: unknown,
  options: { workers: number; minRows?: number } = { workers: 2 },
): Promise<RevalidateSummary> {
  const record = store.imports.get(importId);
  if (!record) throw new SluiceError('IMPORT_NOT_FOUND', `There is no import #${importId}.`);
  const rules = ruleFile === undefined ? record.schema : ruleFile;
  const all = [...store.quarantine.select({ importId, status: 'open' })];
  const open = all.filter((row) => !isUnfixable(row));
  if (open.length < (options.minRows ?? POOL_MIN_ROWS)) return revalidateQuarantine(store, importId, ruleFile);
  const fixer = new RowFixer(store, record, rules, 'retry', true);
  const checked = await checkInPool(open.map((row) => row.raw), record, rules, options.workers, fixer.absentKeys);
  const unfixable = all.length - open.length;
  const summary: RevalidateSummary = { importId: null, checked: unfixable, fixed: 0, stillFailing: unfixable };
  store.db.transaction(() => {
    open.forEach((row, i) => {
      // A row changed meanwhile (another window fixed or dismissed it) is left as it is now.
      const now = store.quarantine.get(row.id);
      if (!now || now.status !== 'open' || now.raw !== row.raw) return;
      summary.checked++;
      if (fixer.fix(row.id, row.raw, checked[i] ?? undefined).ok) summary.fixed++;
      else summary.stillFailing++;
    });
    summary.importId = fixer.finish();
  }).immediate();
  return summary;
}
