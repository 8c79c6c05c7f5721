import type Database from 'better-sqlite3';
import type { OutputColumn, SqlValue } from '../rules/contract.js';
import { SluiceError } from '../errors.js';
import { quoteIdentifier } from './identifiers.js';
import { isConstraintError } from './sqlite-errors.js';
import { constraintFailure } from './constraint-failure.js';
import { PROVENANCE_COLUMN, type OnDuplicate } from './import-records.js';
import type { BatchUpsert } from './batch-upsert.js';
import type { RowUpsert } from './row-upsert.js';
import { emptyOutcome, type WriteOutcome } from './write-outcome.js';
import { ScratchReader, type BatchRows } from './scratch-reader.js';
import type { ScratchBatch } from './scratch-slots.js';
import { BatchKeyFacts, type KeyFacts, type KeyFactsSpec } from './key-facts.js';
import { isStrictTable, slotLayoutOf, type SlotLayout } from './slot-layout.js';
import type { ColumnsWrittenLookup } from './marker-merge.js';
import { upsertSetupOf } from './upsert-setup.js';
import { Savepoint } from './savepoint.js';

export type { WriteOutcome } from './write-outcome.js';

export interface TableSpec {
  table: string;
  columns: readonly OutputColumn[];
  /** Upsert key; empty for plain inserts. */
  key: readonly string[];
  uniqueKeys: readonly (readonly string[])[];
}

/** The import a writer works for: its id goes into every row it writes (provenance). */
export interface WriterOptions {
  importId: number;
  /** A key repeated within the import: the last row wins (default), the first one, or the repeat is quarantined. */
  onDuplicate?: OnDuplicate;
  /** Upserts that leave some table columns alone: reads which columns the table's imports wrote (export/key-presence.ts); default none known. */
  writtenBy?: () => ColumnsWrittenLookup;
}

/** SQLite allows 32,766 bound parameters per statement; multi-row inserts stay well below. */
const MAX_PARAMS_PER_STATEMENT = 4000;
const MAX_ROWS_PER_STATEMENT = 100;
/** After a multi-row upsert hits existing keys, this many groups go row by row before trying again. */
const GROUPS_SKIPPED_AFTER_CONFLICT = 32;

/**
 * Writes batches of rows into a prepared table (see table-shape.ts). Every
 * row carries the id of the import that wrote it last; an upsert that changes
 * a row first logs its previous values (a pre-image) in the same transaction,
 * so the import can be taken back exactly. A batch comes either as values
 * (bound here) or as a worker's scratch slot (`INSERT … SELECT`); both take
 * the same steps in the same groups, so the outcome is the same.
 */
export class TableWriter {
  private readonly width: number;
  private readonly rowsPerStatement: number;
  private readonly insertPrefix: string;
  private readonly rowPlaceholders: string;
  private readonly insertsBySize = new Map<number, Database.Statement>();
  private readonly singleInsert: Database.Statement;
  private readonly keyColumns: number[];
  private groupsToSkip = 0;
  /** Upserts into existing rows, set-based, and row by row (null for plain inserts). */
  private readonly batchUpsert: BatchUpsert | null = null;
  private readonly rowUpsert: RowUpsert | null = null;
  /** Per key column: whether a value can take the table column's numeric type without loss (null: any value can). */
  private readonly keyCasts: (((value: SqlValue) => boolean) | null)[] | null = null;
  private scratchReader: ScratchReader | null = null;
  /** Upserts: what a worker needs to make this writer's key checks itself (scratch path). */
  readonly keyFactsSpec: KeyFactsSpec | null = null;
  /** The columns a pre-image of this writer holds, in order (upserts only). */
  readonly preimageColumns: string[];
  private slotLayoutMemo: SlotLayout | null | undefined;
  /**
   * A STRICT table that refuses a value's type in a multi-row INSERT keeps the rows before it (SQLite 3.53 opens no
   * statement journal for that check), where every other failed statement changes nothing: those go in a savepoint
   * (null: not a STRICT table).
   */
  private readonly strictInsert: Savepoint | null;

  constructor(
    private readonly db: Database.Database,
    private readonly spec: TableSpec,
    private readonly options: WriterOptions,
  ) {
    const importId = options.importId;
    if (!Number.isSafeInteger(importId)) throw new SluiceError('INTERNAL', 'a table writer needs an import id');
    this.width = spec.columns.length;
    const names = [...spec.columns.map((column) => quoteIdentifier(column.name)), quoteIdentifier(PROVENANCE_COLUMN)].join(', ');
    // The import id is a trusted integer: inlined, it costs no bound parameter per row.
    this.rowPlaceholders = `(${[...spec.columns.map(() => '?'), String(importId)].join(', ')})`;
    this.rowsPerStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS_PER_STATEMENT / Math.max(1, this.width))));
    this.insertPrefix = `INSERT INTO ${quoteIdentifier(spec.table)} (${names})`;
    this.singleInsert = db.prepare(`${this.insertPrefix} VALUES ${this.rowPlaceholders}`);
    this.strictInsert = isStrictTable(db, spec.table) ? new Savepoint(db, 'sluice_group') : null;
    this.keyColumns = spec.key.map((name) => spec.columns.findIndex((column) => column.name === name));
    if (spec.key.length === 0) {
      this.preimageColumns = [];
      return;
    }
    const upsert = upsertSetupOf(db, spec, options, { prefix: this.insertPrefix, rowPlaceholders: this.rowPlaceholders, keyColumns: this.keyColumns });
    ({ rowUpsert: this.rowUpsert, batchUpsert: this.batchUpsert, keyCasts: this.keyCasts, keyFactsSpec: this.keyFactsSpec, preimageColumns: this.preimageColumns } = upsert);
  }

  /**
   * Writes `count` rows from the flat `values` array. Call inside a
   * transaction. Rows the store refuses are reported, not thrown.
   */
  write(values: readonly SqlValue[], count: number): WriteOutcome {
    const rows = this.directRows(values);
    return this.writeRows(rows, count, this.keyFactsOf(rows, count));
  }

  /** Writes the first `count` rows of a worker's scratch slot (attached with `scratch.attach` before the transaction). */
  writeScratch(batch: ScratchBatch, count: number, facts: KeyFacts | null = null): WriteOutcome {
    const rows = this.scratch.rows(batch, count, facts);
    const keyFacts = this.keyFactsOf(rows, count);
    // The whole batch in one statement where every group would take the plain INSERT: a statement that fails changed
    // nothing, and the batch goes the usual way in groups, so the outcome is the same (a success means no group would have failed).
    const groupsWouldInsert = !keyFacts || (this.groupsToSkip === 0 && !(this.keyCasts && keyFacts.lossyIn(0, count)));
    if (count > 1 && groupsWouldInsert) {
      try {
        this.insertWhole(rows, 0, count);
        return { ...emptyOutcome(), inserted: count };
      } catch (error) {
        if (!isConstraintError(error)) throw error;
      }
    }
    return this.writeRows(rows, count, keyFacts);
  }

  /** Scratch path: how workers lay out slots this writer copies whole (null: the table does not allow it). Worked out on first use. */
  get slotLayout(): SlotLayout | null {
    if (this.slotLayoutMemo === undefined) {
      const { spec, options } = this;
      this.slotLayoutMemo = slotLayoutOf(this.db, spec.table, spec.columns.map((column) => column.name), options.importId, spec.key.length > 0);
    }
    return this.slotLayoutMemo;
  }

  /** The scratch files' reader on this writer's connection (made on first use). */
  get scratch(): ScratchReader {
    return (this.scratchReader ??= new ScratchReader(this.db, {
      width: this.width,
      table: this.spec.table,
      columnNames: this.spec.columns.map((column) => column.name),
      insertPrefix: this.insertPrefix,
      importId: this.options.importId,
      keyColumns: this.keyColumns,
      batchTable: this.batchUpsert?.batchTable ?? null,
    }));
  }

  private writeRows(rows: BatchRows, count: number, keyFacts: BatchKeyFacts | null): WriteOutcome {
    if (!keyFacts) return this.writeInGroups(rows, count, null, (from, to, outcome) => this.insertOneByOne(rows.all(), from, to, outcome));
    return this.upsertRows(rows, count, keyFacts);
  }

  /** Upserts: the batch's key checks (the worker's, or made here from the values when first needed). */
  private keyFactsOf(rows: BatchRows, count: number): BatchKeyFacts | null {
    return this.keyFactsSpec ? new BatchKeyFacts(rows.keyFacts, rows.keys, count, this.width, this.keyFactsSpec) : null;
  }

  private directRows(values: readonly SqlValue[]): BatchRows {
    const width = this.width;
    return {
      keys: () => values,
      all: () => values,
      insert: (from, to) => {
        this.insertStatement(to - from).run(...values.slice(from * width, to * width));
      },
      copyInto: null,
      keyFacts: null,
    };
  }

  /**
   * Writes the rows in groups, one multi-row INSERT each (the last group may
   * be shorter). A failed statement changes nothing, so a group that hits a constraint is
   * redone row by row to find the offenders. After such a failure in upsert
   * mode (an existing key, most likely more to come) the next groups go row
   * by row straight away, with a periodic retry, so updating an existing
   * table does not pay twice.
   */
  private writeInGroups(
    rows: BatchRows,
    count: number,
    keyFacts: BatchKeyFacts | null,
    oneByOne: (from: number, to: number, outcome: WriteOutcome) => void,
  ): WriteOutcome {
    const outcome = emptyOutcome();
    const upserting = keyFacts !== null;
    for (let row = 0; row < count; ) {
      const next = Math.min(row + this.rowsPerStatement, count);
      if (next - row === 1 || (upserting && this.groupsToSkip > 0) || (this.keyCasts && keyFacts?.lossyIn(row, next))) {
        if (this.groupsToSkip > 0) this.groupsToSkip--;
        oneByOne(row, next, outcome);
      } else {
        try {
          this.insertWhole(rows, row, next);
          outcome.inserted += next - row;
        } catch (error) {
          if (!isConstraintError(error)) throw error;
          if (upserting) this.groupsToSkip = GROUPS_SKIPPED_AFTER_CONFLICT;
          oneByOne(row, next, outcome);
        }
      }
      row = next;
    }
    return outcome;
  }

  /** Rows [from, to) in one statement that, failing, leaves none of them (see `strictInsert`). */
  private insertWhole(rows: BatchRows, from: number, to: number): void {
    if (this.strictInsert) this.strictInsert.run(() => rows.insert(from, to));
    else rows.insert(from, to);
  }

  /** A multi-row INSERT for `rows` rows, prepared on first use: full groups, and each batch's remainder, take one statement. */
  private insertStatement(rows: number): Database.Statement {
    let statement = this.insertsBySize.get(rows);
    if (!statement) {
      statement = this.db.prepare(`${this.insertPrefix} VALUES ${Array(rows).fill(this.rowPlaceholders).join(', ')}`);
      this.insertsBySize.set(rows, statement);
    }
    return statement;
  }

  private insertOneByOne(values: readonly SqlValue[], from: number, to: number, outcome: WriteOutcome): void {
    const width = this.width;
    const one = new Array<SqlValue>(width);
    for (let row = from; row < to; row++) {
      for (let i = 0; i < width; i++) one[i] = values[row * width + i] ?? null;
      try {
        this.singleInsert.run(...one);
        outcome.inserted++;
      } catch (error) {
        if (!isConstraintError(error)) throw error;
        outcome.refused.push({ index: row, errors: [constraintFailure(error)] });
      }
    }
  }

  /**
   * Upserts try the multi-row plain INSERT first: into a new or mostly new
   * table it succeeds, at insert speed. Once a group hits existing keys, the
   * next batches go set-based straight away (batch-upsert.ts), with a
   * periodic retry of the plain INSERT.
   */
  private upsertRows(rows: BatchRows, count: number, keyFacts: BatchKeyFacts): WriteOutcome {
    if (this.groupsToSkip > 0) {
      const outcome = emptyOutcome();
      this.groupsToSkip = Math.max(0, this.groupsToSkip - Math.ceil(count / this.rowsPerStatement));
      this.upsertGroup(rows, keyFacts, 0, count, outcome);
      return outcome;
    }
    return this.writeInGroups(rows, count, keyFacts, (from, to, outcome) => this.upsertGroup(rows, keyFacts, from, to, outcome));
  }

  /** A group set-based when it can be (see BatchUpsert), else row by row. */
  private upsertGroup(rows: BatchRows, keyFacts: BatchKeyFacts, from: number, to: number, outcome: WriteOutcome): void {
    const setBased = !(this.keyCasts && keyFacts.lossyIn(from, to)) && keyFacts.plainKeysIn(from, to);
    const done = setBased ? this.batchUpsert!.upsert(rows.copyInto ? [] : rows.all(), from, to, rows.copyInto) : null;
    if (!done) {
      const values = rows.all();
      this.rowUpsert!.upsert(values, from, to, outcome, this.keyCasts ? (row) => this.lossyKeyColumn(values, row) : null);
      return;
    }
    outcome.inserted += done.inserted;
    outcome.updated += done.updated;
    outcome.unchanged += done.unchanged;
  }

  private lossyKeyColumn(values: readonly SqlValue[], row: number): string | null {
    const casts = this.keyCasts!;
    for (let k = 0; k < casts.length; k++) {
      const check = casts[k];
      if (check && !check(values[row * this.width + this.keyColumns[k]!] ?? null)) return this.spec.key[k]!;
    }
    return null;
  }
}
