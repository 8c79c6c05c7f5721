import { SluiceError } from '../errors.js';
import { compileRules, parseRuleFile } from '../rules/index.js';
import type { CompiledRules, SqlValue } from '../rules/contract.js';
import { parseRecord } from '../parse/parse-record.js';
import type { Store } from '../store/store.js';
import type { ImportRecord } from '../store/import-records.js';
import { TableWriter, type TableSpec } from '../store/table-writer.js';
import { userColumnsOf } from '../store/row-images.js';
import { prepareTable } from '../store/table-shape.js';
import { emptyCounters, type ImportCounters, type RowFailure } from '../types.js';

export type RetryOutcome = { ok: true } | { ok: false; errors: RowFailure[] };

export interface RevalidateSummary {
  checked: number;
  fixed: number;
  stillFailing: number;
}

/**
 * Validates and writes rows with an import's rules; the one path for fixing
 * quarantined rows. What it writes is recorded as an import of its own, a
 * child of the import it fixes, so `undo` can take it back like any import.
 */
class RowFixer {
  private readonly rules: CompiledRules;
  private readonly spec: TableSpec;
  private readonly out: SqlValue[];
  private readonly plainJson: boolean;
  private child: { id: number; writer: TableWriter; counters: ImportCounters } | null = null;

  constructor(
    private readonly store: Store,
    private readonly record: ImportRecord,
    ruleFile: unknown,
  ) {
    this.rules = compileRules(ruleFile === null ? null : parseRuleFile(ruleFile), {
      sourceColumns: record.layout.columns,
      redact: record.options.redact,
      sourceKind: record.options.format,
      ...(record.options.key ? { keyOverride: record.options.key } : {}),
      ...(record.layout.columnTypes ? { columnTypes: record.layout.columnTypes } : {}),
    });
    this.plainJson = ruleFile !== null;
    const table = store.canonicalTableName(record.table) ?? record.table;
    this.spec = { table, columns: this.rules.columns, key: this.rules.primaryKey, uniqueKeys: this.rules.uniqueKeys };
    this.out = new Array<SqlValue>(this.rules.columns.length);
  }

  /** Call inside a transaction. */
  fix(quarantineId: number, raw: string): RetryOutcome {
    const parsed = parseRecord(raw, this.record.layout, this.plainJson);
    let errors: RowFailure[] | null = 'errors' in parsed ? parsed.errors : null;
    if (!errors && 'values' in parsed) errors = this.rules.validate(parsed.values, this.out)?.errors ?? null;
    let written: 'inserted' | 'updated' | 'unchanged' = 'inserted';
    const child = errors ? null : this.childImport();
    if (child) {
      const outcome = child.writer.write(this.out, 1);
      errors = outcome.refused[0]?.errors ?? null;
      if (outcome.updated > 0) written = 'updated';
      else if (outcome.unchanged > 0) written = 'unchanged';
    }
    if (errors) {
      this.store.quarantine.update(quarantineId, raw, errors);
      return { ok: false, errors };
    }
    this.store.quarantine.update(quarantineId, raw, null);
    this.store.quarantine.setStatus(quarantineId, 'fixed');
    this.store.quarantine.setFixedBy(quarantineId, child!.id);
    this.store.imports.countFixedRow(this.record.id, written === 'inserted' ? 'inserted' : 'updated');
    const counters = child!.counters;
    counters.rowsRead++;
    counters.rowsValid++;
    if (written === 'inserted') counters.rowsInserted++;
    else if (written === 'updated') counters.rowsUpdated++;
    else counters.rowsUnchanged = (counters.rowsUnchanged ?? 0) + 1;
    return { ok: true };
  }

  /** Records the child import's counters and completes it; call at the end of the transaction. */
  finish(): void {
    if (!this.child) return;
    const record = this.store.imports.get(this.child.id)!;
    this.store.imports.saveCheckpoint(this.child.id, { ...record, counters: this.child.counters });
    this.store.imports.setStatus(this.child.id, 'completed');
  }

  private childImport(): { id: number; writer: TableWriter; counters: ImportCounters } {
    if (this.child) return this.child;
    const prepared = prepareTable(this.store.db, this.spec);
    const id = this.store.imports.create({
      sourcePath: this.record.sourcePath,
      fingerprint: this.record.fingerprint,
      table: prepared.table,
      createdTable: prepared.created,
      layout: this.record.layout,
      schema: this.record.schema,
      options: this.record.options,
      counters: emptyCounters(),
      parentImportId: this.record.id,
      addedColumns: prepared.addedColumns,
      writtenColumns: userColumnsOf(this.store.db, prepared.table),
    });
    const writer = new TableWriter(this.store.db, { ...this.spec, table: prepared.table }, { importId: id, onDuplicate: 'last' });
    this.child = { id, writer, counters: emptyCounters() };
    return this.child;
  }
}

/** Re-validates one quarantined row after the user edited it; writes it to the table when it passes. */
export function retryQuarantinedRow(store: Store, quarantineId: number, editedRaw: string): RetryOutcome {
  const row = store.quarantine.get(quarantineId);
  if (!row) throw new SluiceError('IMPORT_NOT_FOUND', `There is no quarantined row #${quarantineId}.`);
  if (row.status !== 'open') throw new SluiceError('USAGE', `Quarantined row #${quarantineId} is already ${row.status}.`);
  const record = store.imports.get(row.importId);
  if (!record) throw new SluiceError('IMPORT_NOT_FOUND', `The import of quarantined row #${quarantineId} no longer exists.`);
  const fixer = new RowFixer(store, record, record.schema);
  return store.db.transaction(() => {
    const outcome = fixer.fix(quarantineId, editedRaw);
    fixer.finish();
    return outcome;
  }).immediate();
}

/**
 * Re-checks every open quarantined row of an import, with its rules or with
 * new ones (after the user changed a rule): rows that now pass are written
 * and marked fixed.
 */
export function revalidateQuarantine(store: Store, importId: number, ruleFile?: unknown): RevalidateSummary {
  const record = store.imports.get(importId);
  if (!record) throw new SluiceError('IMPORT_NOT_FOUND', `There is no import #${importId}.`);
  const fixer = new RowFixer(store, record, ruleFile === undefined ? record.schema : ruleFile);
  const open = [...store.quarantine.iterate(importId)].filter((row) => row.status === 'open');
  const summary: RevalidateSummary = { checked: 0, fixed: 0, stillFailing: 0 };
  store.db.transaction(() => {
    for (const row of open) {
      summary.checked++;
      if (row.errors.some((error) => error.rule === 'record-size' || error.rule === 'encoding')) {
        summary.stillFailing++;
        continue;
      }
      if (fixer.fix(row.id, row.raw).ok) summary.fixed++;
      else summary.stillFailing++;
    }
    fixer.finish();
  }).immediate();
  return summary;
}
