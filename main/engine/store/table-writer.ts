import type Database from 'better-sqlite3';
import type { OutputColumn, SqlValue } from '../rules/contract.js';
import type { RowFailure } from '../types.js';
import { SluiceError } from '../errors.js';
import { quoteIdentifier } from './identifiers.js';
import { isConstraintError } from './sqlite-errors.js';
import { constraintFailure } from './constraint-failure.js';
import { PROVENANCE_COLUMN, type OnDuplicate } from './import-records.js';
import { sameColumns } from './table-shape.js';
import { keyCastCheck, preimageExpression, userColumnsOf } from './row-images.js';
import { BatchUpsert } from './batch-upsert.js';

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
}

export interface WriteOutcome {
  inserted: number;
  updated: number;
  /** Rows whose key matched a row holding the same values already. */
  unchanged: number;
  /** Rows (by index in the batch) whose key repeated a key written earlier by the same import. */
  duplicates: number[];
  /** Rows the store refused (unique or other constraints), by index in the batch. */
  refused: { index: number; errors: RowFailure[] }[];
}

/** SQLite allows 32,766 bound parameters per statement; multi-row inserts stay well below. */
const MAX_PARAMS_PER_STATEMENT = 4000;
const MAX_ROWS_PER_STATEMENT = 100;
/** After a multi-row upsert hits existing keys, this many groups go row by row before trying again. */
const GROUPS_SKIPPED_AFTER_CONFLICT = 32;

interface ExistingRow {
  rowId: number;
  owner: number | null;
  duplicate: number;
  same: number;
  before: string;
}

/**
 * Writes batches of rows into a prepared table (see table-shape.ts). Every
 * row carries the id of the import that wrote it last; an upsert that changes
 * a row first logs its previous values (a pre-image) in the same transaction,
 * so the import can be taken back exactly.
 */
export class TableWriter {
  private readonly width: number;
  private readonly rowsPerStatement: number;
  private readonly insertPrefix: string;
  private readonly rowPlaceholders: string;
  private readonly insertsBySize = new Map<number, Database.Statement>();
  private readonly singleInsert: Database.Statement;
  private readonly insertIfNew: Database.Statement | null;
  private readonly findByKey: Database.Statement | null;
  private readonly updateByRowid: Database.Statement | null;
  private readonly logPreimage: Database.Statement;
  private readonly valueColumns: number[];
  private readonly keyColumns: number[];
  private readonly importId: number;
  private readonly onDuplicate: OnDuplicate;
  /** The rule file says the key is unique: a repeat within the import is quarantined, whatever --on-duplicate says. */
  private readonly keyIsUniqueRule: boolean;
  private groupsToSkip = 0;
  /** Upserts into existing rows, set-based (null for plain inserts). */
  private readonly batchUpsert: BatchUpsert | null = null;
  /** Per key column: whether a value can take the table column's numeric type without loss (null: any value can). */
  private readonly keyCasts: (((value: SqlValue) => boolean) | null)[] | null = null;
  /** The columns a pre-image of this writer holds, in order (upserts only). */
  readonly preimageColumns: string[];

  constructor(
    private readonly db: Database.Database,
    private readonly spec: TableSpec,
    options: WriterOptions,
  ) {
    this.importId = options.importId;
    if (!Number.isSafeInteger(this.importId)) throw new SluiceError('INTERNAL', 'a table writer needs an import id');
    this.onDuplicate = options.onDuplicate ?? 'last';
    this.keyIsUniqueRule = spec.key.length > 0 && spec.uniqueKeys.some((columns) => sameColumns(columns, spec.key));
    this.width = spec.columns.length;
    const table = quoteIdentifier(spec.table);
    const provenance = quoteIdentifier(PROVENANCE_COLUMN);
    const names = [...spec.columns.map((column) => quoteIdentifier(column.name)), provenance].join(', ');
    // The import id is a trusted integer: inlined, it costs no bound parameter per row.
    const rowPlaceholders = `(${[...spec.columns.map(() => '?'), String(this.importId)].join(', ')})`;
    this.rowsPerStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS_PER_STATEMENT / Math.max(1, this.width))));
    this.insertPrefix = `INSERT INTO ${table} (${names})`;
    this.rowPlaceholders = rowPlaceholders;
    this.singleInsert = db.prepare(`${this.insertPrefix} VALUES ${rowPlaceholders}`);
    this.logPreimage = db.prepare('INSERT INTO _sluice_preimages (import_id, row_id, prev_import_id, row_values) VALUES (?, ?, ?, ?)');
    const keySet = new Set(spec.key);
    this.valueColumns = spec.columns.map((_, i) => i).filter((i) => !keySet.has(spec.columns[i]!.name));
    this.keyColumns = spec.key.map((name) => spec.columns.findIndex((column) => column.name === name));
    if (spec.key.length > 0) {
      const keyList = spec.key.map(quoteIdentifier).join(', ');
      this.insertIfNew = db.prepare(`${this.insertPrefix} VALUES ${rowPlaceholders} ON CONFLICT (${keyList}) DO NOTHING`);
      const valueNames = this.valueColumns.map((i) => quoteIdentifier(spec.columns[i]!.name));
      // better-sqlite3 binds arrays in order only: value comparisons first, then the key match.
      const same = valueNames.length > 0 ? valueNames.map((name) => `${name} IS ?`).join(' AND ') : '1';
      const keyMatch = spec.key.map((name) => `${quoteIdentifier(name)} IS ?`).join(' AND ');
      // Pre-images hold every user column of the table, so undo can put the row back whole (rowid included).
      this.preimageColumns = userColumnsOf(db, spec.table);
      this.findByKey = db.prepare(
        `SELECT rowid AS rowId, ${provenance} AS owner,
          (${provenance} IS ${this.importId} OR EXISTS (SELECT 1 FROM _sluice_preimages WHERE import_id = ${this.importId} AND row_id = ${table}.rowid)) AS duplicate,
          (${same}) AS same, ${preimageExpression(this.preimageColumns.map(quoteIdentifier))} AS before
         FROM ${table} WHERE ${keyMatch}`,
      );
      const assignments = [...valueNames.map((name) => `${name} = ?`), `${provenance} = ${this.importId}`].join(', ');
      this.updateByRowid = db.prepare(`UPDATE ${table} SET ${assignments} WHERE rowid = ?`);
      const declared = new Map(
        (db.prepare('SELECT name, type FROM pragma_table_info(?)').all(spec.table) as { name: string; type: string }[]).map((c) => [c.name.toLowerCase(), c.type.toUpperCase()]),
      );
      const casts = spec.key.map((name) => keyCastCheck(declared.get(name.toLowerCase()) ?? ''));
      this.keyCasts = casts.some((check) => check !== null) ? casts : null;
      const numericKey = spec.key.map((name) => /INT|REAL|FLOA|DOUB|NUM|DEC|BOOL|DATE/.test(declared.get(name.toLowerCase()) ?? ''));
      this.batchUpsert = new BatchUpsert(db, spec.table, spec.columns.map((column) => column.name), spec.key, this.keyColumns, numericKey, this.preimageColumns, this.importId);
    } else {
      this.insertIfNew = null;
      this.findByKey = null;
      this.updateByRowid = null;
      this.preimageColumns = [];
    }
  }

/**
   * Writes `count` rows from the flat `values` array. Call inside a
   * transaction. Rows the store refuses are reported, not thrown.
   */
  write(values: readonly SqlValue[], count: number): WriteOutcome {
    return this.spec.key.length > 0 ? this.upsertRows(values, count) : this.insertRows(values, count);
  }

  private insertRows(values: readonly SqlValue[], count: number): WriteOutcome {
    return this.writeInGroups(values, count, (from, to, outcome) => this.insertOneByOne(values, from, to, outcome));
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
    values: readonly SqlValue[],
    count: number,
    oneByOne: (from: number, to: number, outcome: WriteOutcome) => void,
  ): WriteOutcome {
    const outcome: WriteOutcome = { inserted: 0, updated: 0, unchanged: 0, duplicates: [], refused: [] };
    const upserting = this.spec.key.length > 0;
    for (let row = 0; row < count; ) {
      const rows = Math.min(this.rowsPerStatement, count - row);
      const next = row + rows;
      if (rows === 1 || (upserting && this.groupsToSkip > 0) || (this.keyCasts && this.hasLossyKey(values, row, next))) {
        if (this.groupsToSkip > 0) this.groupsToSkip--;
        oneByOne(row, next, outcome);
      } else {
        try {
          this.insertStatement(rows).run(...values.slice(row * this.width, next * this.width));
          outcome.inserted += rows;
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
  private upsertRows(values: readonly SqlValue[], count: number): WriteOutcome {
    if (this.groupsToSkip > 0) {
      const outcome: WriteOutcome = { inserted: 0, updated: 0, unchanged: 0, duplicates: [], refused: [] };
      this.groupsToSkip = Math.max(0, this.groupsToSkip - Math.ceil(count / this.rowsPerStatement));
      this.upsertGroup(values, 0, count, outcome);
      return outcome;
    }
    return this.writeInGroups(values, count, (from, to, outcome) => this.upsertGroup(values, from, to, outcome));
  }

  /** A group set-based when it can be (see BatchUpsert), else row by row. */
  private upsertGroup(values: readonly SqlValue[], from: number, to: number, outcome: WriteOutcome): void {
    const done = this.keyCasts && this.hasLossyKey(values, from, to) ? null : this.batchUpsert!.upsert(values, from, to);
    if (!done) {
      this.upsertOneByOne(values, from, to, outcome);
      return;
    }
    outcome.inserted += done.inserted;
    outcome.updated += done.updated;
    outcome.unchanged += done.unchanged;
  }

  /** Whether a row in [from, to) has a key value the table's key column type cannot hold without loss. */
  private hasLossyKey(values: readonly SqlValue[], from: number, to: number): boolean {
    for (let row = from; row < to; row++) if (this.lossyKeyColumn(values, row) !== null) return true;
    return false;
  }

  private lossyKeyColumn(values: readonly SqlValue[], row: number): string | null {
    const casts = this.keyCasts!;
    for (let k = 0; k < casts.length; k++) {
      const check = casts[k];
      if (check && !check(values[row * this.width + this.keyColumns[k]!] ?? null)) return this.spec.key[k]!;
    }
    return null;
  }

  private upsertOneByOne(values: readonly SqlValue[], from: number, to: number, outcome: WriteOutcome): void {
    const width = this.width;
    const one = new Array<SqlValue>(width);
    const lookup = new Array<SqlValue>(this.valueColumns.length + this.keyColumns.length);
    const update = new Array<SqlValue>(this.valueColumns.length + 1);
    for (let row = from; row < to; row++) {
      for (let i = 0; i < width; i++) one[i] = values[row * width + i] ?? null;
      const lossy = this.keyCasts ? this.lossyKeyColumn(values, row) : null;
      if (lossy !== null) {
        // The key keeps the table's type, so "1" and 1 are one key; a value that would stay text in a numeric key column is set aside.
        outcome.refused.push({ index: row, errors: [{ field: lossy, rule: 'type', message: `${lossy}: the value cannot be stored as the key column's type without loss` }] });
        continue;
      }
      try {
        if (this.insertIfNew!.run(...one).changes > 0) {
          outcome.inserted++;
          continue;
        }
        let at = 0;
        for (const i of this.valueColumns) lookup[at++] = one[i]!;
        for (const i of this.keyColumns) lookup[at++] = one[i]!;
        const existing = this.findByKey!.get(...lookup) as ExistingRow | undefined;
        if (!existing) {
          outcome.refused.push({ index: row, errors: [{ field: null, rule: 'constraint', message: 'the table refused the row (constraint failed)' }] });
          continue;
        }
        if (existing.duplicate === 1) {
          outcome.duplicates.push(row);
          if (this.keyIsUniqueRule || this.onDuplicate === 'quarantine') {
            const field = this.spec.key.join(',');
            outcome.refused.push({
              index: row,
              errors: [
                this.keyIsUniqueRule
                  ? { field, rule: 'unique', message: `${this.spec.key.join(', ')}: value repeats a row earlier in this import (must be unique)` }
                  : { field, rule: 'duplicate-key', message: `${this.spec.key.join(', ')}: key repeats a row earlier in this import` },
              ],
            });
            continue;
          }
          if (this.onDuplicate === 'first') {
            outcome.unchanged++;
            continue;
          }
        }
        if (existing.same === 1) {
          // Logged without values: the row was matched, not changed; a later repeat of its key is still recognised.
          if (existing.duplicate !== 1) this.logPreimage.run(this.importId, existing.rowId, existing.owner, null);
          outcome.unchanged++;
          continue;
        }
        at = 0;
        for (const i of this.valueColumns) update[at++] = one[i]!;
        update[at] = existing.rowId;
        this.updateByRowid!.run(...update);
        this.logPreimage.run(this.importId, existing.rowId, existing.owner, existing.before);
        outcome.updated++;
      } catch (error) {
        if (!isConstraintError(error)) throw error;
        outcome.refused.push({ index: row, errors: [constraintFailure(error)] });
      }
    }
  }
}
