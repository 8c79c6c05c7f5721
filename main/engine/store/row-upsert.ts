import type Database from 'better-sqlite3';
import type { SqlValue } from '../rules/contract.js';
import { quoteIdentifier } from './identifiers.js';
import { isConstraintError } from './sqlite-errors.js';
import { constraintFailure } from './constraint-failure.js';
import { PROVENANCE_COLUMN, type OnDuplicate } from './import-records.js';
import { preimageExpression } from './row-images.js';
import type { WriteOutcome } from './write-outcome.js';
import { ABSENT_COLUMN } from './bookkeeping-columns.js';
import type { MarkerMerge } from './marker-merge.js';
import { allOf } from './sql-trees.js';

interface ExistingRow {
  rowId: number;
  owner: number | null;
  duplicate: number;
  same: number;
  before: string;
}

/** What the row-by-row upsert needs to know about the table and the import. */
export interface RowUpsertSpec {
  table: string;
  columns: readonly string[];
  key: readonly string[];
  keyColumns: readonly number[];
  valueColumns: readonly number[];
  preimageColumns: readonly string[];
  importId: number;
  onDuplicate: OnDuplicate;
  /** The rule file says the key is unique: a repeat within the import is quarantined, whatever --on-duplicate says. */
  keyIsUniqueRule: boolean;
  insertPrefix: string;
  rowPlaceholders: string;
  /** Set when the import leaves some of the table's columns alone: how an updated row's marker is made. */
  markerMerge: MarkerMerge | null;
}

/**
 * Upserts rows one at a time: the path for everything the set-based upsert
 * (batch-upsert.ts) does not take — repeated keys (`--on-duplicate`), keys the
 * key column cannot hold, rows the table refuses — with exact per-row outcomes.
 */
export class RowUpsert {
  private readonly insertIfNew: Database.Statement;
  private readonly findByKey: Database.Statement;
  private readonly updateByRowid: Database.Statement;
  private readonly logPreimage: Database.Statement;
  private readonly width: number;

  constructor(
    db: Database.Database,
    private readonly spec: RowUpsertSpec,
  ) {
    this.width = spec.columns.length;
    const table = quoteIdentifier(spec.table);
    const provenance = quoteIdentifier(PROVENANCE_COLUMN);
    const importId = spec.importId;
    this.logPreimage = db.prepare('INSERT INTO _sluice_preimages (import_id, row_id, prev_import_id, row_values) VALUES (?, ?, ?, ?)');
    const keyList = spec.key.map(quoteIdentifier).join(', ');
    this.insertIfNew = db.prepare(`${spec.insertPrefix} VALUES ${spec.rowPlaceholders} ON CONFLICT (${keyList}) DO NOTHING`);
    const valueNames = spec.valueColumns.map((i) => quoteIdentifier(spec.columns[i]!));
    const merge = spec.markerMerge;
    const isMarker = spec.valueColumns.map((i) => merge !== null && spec.columns[i] === ABSENT_COLUMN);
    const newValues = isMarker.map((marker) => (marker ? merge!.expression('?', '') : '?'));
    // better-sqlite3 binds arrays in order only: value comparisons first, then the key match.
    // The marker is the same when every written column keeps its presence (marker-merge.ts), whatever its text.
    const same = allOf(valueNames.map((name, i) => (isMarker[i] ? merge!.samePresence('?', '') : `${name} IS ?`)));
    const keyMatch = spec.key.map((name) => `${quoteIdentifier(name)} IS ?`).join(' AND ');
    // Pre-images hold every user column of the table, so undo can put the row back whole (rowid included).
    this.findByKey = db.prepare(
      `SELECT rowid AS rowId, ${provenance} AS owner,
        (${provenance} IS ${importId} OR EXISTS (SELECT 1 FROM _sluice_preimages WHERE import_id = ${importId} AND row_id = ${table}.rowid)) AS duplicate,
        (${same}) AS same, ${preimageExpression(spec.preimageColumns.map(quoteIdentifier))} AS before
       FROM ${table} WHERE ${keyMatch}`,
    );
    const assignments = [...valueNames.map((name, i) => `${name} = ${newValues[i]!}`), `${provenance} = ${importId}`].join(', ');
    this.updateByRowid = db.prepare(`UPDATE ${table} SET ${assignments} WHERE rowid = ?`);
  }

  /** `lossyKey(row)` names a key column whose value the table's key type cannot hold (null: none). */
  upsert(values: readonly SqlValue[], from: number, to: number, outcome: WriteOutcome, lossyKey: ((row: number) => string | null) | null): void {
    const { spec, width } = this;
    const one = new Array<SqlValue>(width);
    const lookup = new Array<SqlValue>(spec.valueColumns.length + spec.keyColumns.length);
    const update = new Array<SqlValue>(spec.valueColumns.length + 1);
    for (let row = from; row < to; row++) {
      for (let i = 0; i < width; i++) one[i] = values[row * width + i] ?? null;
      const lossy = lossyKey ? lossyKey(row) : null;
      if (lossy !== null) {
        // The key keeps the table's type, so "1" and 1 are one key; a value that would stay text in a numeric key column is set aside.
        outcome.refused.push({ index: row, errors: [{ field: lossy, rule: 'type', message: `${lossy}: the value cannot be stored as the key column's type without loss` }] });
        continue;
      }
      try {
        if (this.insertIfNew.run(...one).changes > 0) {
          outcome.inserted++;
          continue;
        }
        let at = 0;
        for (const i of spec.valueColumns) lookup[at++] = one[i]!;
        for (const i of spec.keyColumns) lookup[at++] = one[i]!;
        const existing = this.findByKey.get(...lookup) as ExistingRow | undefined;
        if (!existing) {
          outcome.refused.push({ index: row, errors: [{ field: null, rule: 'constraint', message: 'the table refused the row (constraint failed)' }] });
          continue;
        }
        if (existing.duplicate === 1) {
          outcome.duplicates.push(row);
          if (spec.keyIsUniqueRule || spec.onDuplicate === 'quarantine') {
            const field = spec.key.join(',');
            outcome.refused.push({
              index: row,
              errors: [
                spec.keyIsUniqueRule
                  ? { field, rule: 'unique', message: `${spec.key.join(', ')}: value repeats a row earlier in this import (must be unique)` }
                  : { field, rule: 'duplicate-key', message: `${spec.key.join(', ')}: key repeats a row earlier in this import` },
              ],
            });
            continue;
          }
          if (spec.onDuplicate === 'first') {
            outcome.unchanged++;
            continue;
          }
        }
        if (existing.same === 1) {
          // Logged without values: the row was matched, not changed; a later repeat of its key is still recognised.
          if (existing.duplicate !== 1) this.logPreimage.run(spec.importId, existing.rowId, existing.owner, null);
          outcome.unchanged++;
          continue;
        }
        at = 0;
        for (const i of spec.valueColumns) update[at++] = one[i]!;
        update[at] = existing.rowId;
        this.updateByRowid.run(...update);
        this.logPreimage.run(spec.importId, existing.rowId, existing.owner, existing.before);
        outcome.updated++;
      } catch (error) {
        if (!isConstraintError(error)) throw error;
        outcome.refused.push({ index: row, errors: [constraintFailure(error)] });
      }
    }
  }
}
