import type Database from 'better-sqlite3';
import type { SqlValue } from '../rules/contract.js';
import { quoteIdentifier } from './identifiers.js';
import { isConstraintError } from './sqlite-errors.js';
import { PROVENANCE_COLUMN } from './import-records.js';
import { preimageExpression } from './row-images.js';
import { ABSENT_COLUMN } from './bookkeeping-columns.js';
import type { MarkerMerge } from './marker-merge.js';
import { allOf } from './sql-trees.js';
import { Savepoint } from './savepoint.js';

/** What a set-based upsert of a group did; null from `upsert` means "do this group row by row". */
export interface GroupOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Rows per statement when filling the batch table (SQLite allows 32,766 bound parameters). */
const MAX_PARAMS_PER_STATEMENT = 4000;

/**
 * Upserts a group of rows with a handful of statements instead of four per
 * row: the rows go into a temporary table, then one statement each logs the
 * pre-images (and the matched-but-unchanged markers), updates the rows that
 * differ, and inserts the new ones; the counters come from `changes()`.
 *
 * It takes only the plain case: every key present, no key repeated within the
 * group, and no row the import already wrote or matched (a repeat of an
 * earlier key). Anything else, and any constraint the table raises, rolls the
 * group back to a savepoint and the caller goes row by row, which keeps every
 * rule of `--on-duplicate` and the exact refusal of single rows.
 */
export class BatchUpsert {
  private readonly width: number;
  private readonly fillBySize = new Map<number, Database.Statement>();
  private readonly rowPlaceholders: string;
  private readonly rowsPerFill: number;
  private readonly clear: Database.Statement;
  private readonly countChanged: Database.Statement;
  private readonly lastImageId: Database.Statement;
  private readonly logImages: Database.Statement;
  private readonly update: Database.Statement;
  private readonly insertNew: Database.Statement;
  private readonly group: Savepoint;
  /** The temporary table a group goes through (scratch slots are copied into it by SQL). */
  readonly batchTable: string;

  constructor(
    private readonly db: Database.Database,
    table: string,
    columns: readonly string[],
    key: readonly string[],
    preimageColumns: readonly string[],
    importId: number,
    markerMerge: MarkerMerge | null = null,
  ) {
    this.width = columns.length;
    this.batchTable = `temp.${quoteIdentifier(`_sluice_batch_${importId}`)}`;
    const names = columns.map(quoteIdentifier);
    // Untyped columns: values keep what the workers made of them until the table's own affinity applies, as with bound parameters.
    // Made afresh: a table left by an earlier writer on this connection may have other columns.
    db.prepare(`DROP TABLE IF EXISTS ${this.batchTable}`).run();
    db.prepare(`CREATE TEMP TABLE ${quoteIdentifier(`_sluice_batch_${importId}`)} (${names.join(', ')})`).run();
    this.rowPlaceholders = `(${names.map(() => '?').join(', ')})`;
    this.rowsPerFill = Math.max(1, Math.floor(MAX_PARAMS_PER_STATEMENT / Math.max(1, this.width)));
    this.clear = db.prepare(`DELETE FROM ${this.batchTable}`);
    const target = quoteIdentifier(table);
    const provenance = quoteIdentifier(PROVENANCE_COLUMN);
    const keySet = new Set(key);
    const valueColumns = columns.filter((name) => !keySet.has(name));
    const valueNames = valueColumns.map(quoteIdentifier);
    // What each value column becomes: the incoming value, or for the marker, its merge with the old row's (marker-merge.ts).
    const newValues = valueColumns.map((name, i) => (markerMerge && name === ABSENT_COLUMN ? markerMerge.expression(`b.${valueNames[i]!}`, 't.') : `b.${valueNames[i]!}`));
    const match = key.map((name) => `t.${quoteIdentifier(name)} = b.${quoteIdentifier(name)}`).join(' AND ');
    // The marker is the same when every written column keeps its presence (marker-merge.ts), whatever its text.
    const same = allOf(valueNames.map((name, i) => (markerMerge && valueColumns[i] === ABSENT_COLUMN ? markerMerge.samePresence(`b.${name}`, 't.') : `t.${name} IS b.${name}`)));
    const join = `FROM ${this.batchTable} AS b CROSS JOIN ${target} AS t ON ${match}`;
    // A key this import already wrote (or matched) is a repeat: such rows are left out here, and their group goes row by row.
    const repeat = `(t.${provenance} IS ${importId} OR EXISTS (SELECT 1 FROM _sluice_preimages AS p WHERE p.import_id = ${importId} AND p.row_id = t.rowid))`;
    // A matched row that stays the same gets a marker without values, so a later repeat of its key is still recognised.
    this.logImages = db.prepare(
      `INSERT INTO _sluice_preimages (import_id, row_id, prev_import_id, row_values)
       SELECT ${importId}, t.rowid, t.${provenance},
              CASE WHEN ${same} THEN NULL ELSE ${preimageExpression(preimageColumns.map((name) => `t.${quoteIdentifier(name)}`))} END
       ${join} WHERE NOT ${repeat} ORDER BY b.rowid`,
    );
    this.countChanged = db.prepare('SELECT count(*) FROM _sluice_preimages WHERE id > ? AND row_values IS NOT NULL').pluck();
    this.lastImageId = db.prepare('SELECT max(id) FROM _sluice_preimages').pluck();
    const assignments = [...valueNames.map((name, i) => `${name} = ${newValues[i]!}`), `${provenance} = ${importId}`].join(', ');
    this.update = db.prepare(`UPDATE ${target} AS t SET ${assignments} FROM ${this.batchTable} AS b WHERE ${match} AND NOT (${same})`);
    this.insertNew = db.prepare(
      `INSERT INTO ${target} (${[...names, provenance].join(', ')})
       SELECT ${names.map((name) => `b.${name}`).join(', ')}, ${importId} FROM ${this.batchTable} AS b
       WHERE NOT EXISTS (SELECT 1 FROM ${target} AS t WHERE ${match}) ORDER BY b.rowid`,
    );
    this.group = new Savepoint(db, 'sluice_upsert_group');
  }

  /**
   * Upserts rows [from, to) of `values`; null when the group needs the row-by-row path. Call inside a transaction,
   * for a group whose keys are all present and none repeated within it (key-facts.ts).
   * `copyInto` fills the batch table by SQL (from a scratch slot) instead of binding `values`.
   */
  upsert(
    values: readonly SqlValue[],
    from: number,
    to: number,
    copyInto: ((from: number, to: number) => void) | null = null,
  ): GroupOutcome | null {
    const rows = to - from;
    try {
      // Short of rows when some repeat a key this import wrote before: undone, and the group goes row by row.
      return this.group.run(() => {
        this.clear.run();
        if (copyInto) copyInto(from, to);
        else this.fill(values, from, to);
        const before = (this.lastImageId.get() as number | null) ?? 0;
        const matched = this.logImages.run().changes;
        // The pre-images just logged say how many matched rows differ: none, and there is nothing to update.
        const updated = matched > 0 && (this.countChanged.get(before) as number) > 0 ? this.update.run().changes : 0;
        const inserted = matched < rows ? this.insertNew.run().changes : 0;
        return matched + inserted < rows ? null : { inserted, updated, unchanged: matched - updated };
      }, (outcome) => outcome !== null).result;
    } catch (error) {
      if (isConstraintError(error)) return null;
      throw error;
    }
  }

  private fill(values: readonly SqlValue[], from: number, to: number): void {
    const width = this.width;
    for (let row = from; row < to; ) {
      const rows = Math.min(this.rowsPerFill, to - row);
      this.fillStatement(rows).run(...values.slice(row * width, (row + rows) * width));
      row += rows;
    }
  }

  private fillStatement(rows: number): Database.Statement {
    let statement = this.fillBySize.get(rows);
    if (!statement) {
      statement = this.db.prepare(`INSERT INTO ${this.batchTable} VALUES ${Array(rows).fill(this.rowPlaceholders).join(', ')}`);
      this.fillBySize.set(rows, statement);
    }
    return statement;
  }
}
