import type Database from 'better-sqlite3';
import type { OutputColumn, SqlValue } from '../rules/contract.js';
import type { RowFailure } from '../types.js';
import { SluiceError } from '../errors.js';
import { quoteIdentifier } from './identifiers.js';
import { isConstraintError, uniqueColumnsOf } from './sqlite-errors.js';

export interface TableSpec {
  table: string;
  columns: readonly OutputColumn[];
  /** Upsert key; empty for plain inserts. */
  key: readonly string[];
  uniqueKeys: readonly (readonly string[])[];
}

export interface WriteOutcome {
  inserted: number;
  updated: number;
  /** Rows the store refused (unique or other constraints), by index in the batch. */
  refused: { index: number; errors: RowFailure[] }[];
}

/** SQLite allows 32,766 bound parameters per statement; multi-row inserts stay well below. */
const MAX_PARAMS_PER_STATEMENT = 4000;
const MAX_ROWS_PER_STATEMENT = 100;
/** SQLITE_MAX_COLUMN of the bundled SQLite build (its default); past it CREATE TABLE fails with a bare "too many columns". */
const MAX_TABLE_COLUMNS = 2000;
/** After a multi-row upsert hits existing keys, this many groups go row by row before trying again. */
const GROUPS_SKIPPED_AFTER_CONFLICT = 32;

/** Creates the target table when needed and writes batches of rows into it. */
export class TableWriter {
  private readonly width: number;
  private readonly rowsPerStatement: number;
  private readonly insertPrefix: string;
  private readonly rowPlaceholders: string;
  private readonly insertsBySize = new Map<number, Database.Statement>();
  private readonly singleInsert: Database.Statement;
  private readonly insertIfNew: Database.Statement | null;
  private readonly updateByKey: Database.Statement | null;
  private readonly updateParameterOrder: number[];
  private groupsToSkip = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly spec: TableSpec,
  ) {
    this.width = spec.columns.length;
    const table = quoteIdentifier(spec.table);
    const names = spec.columns.map((column) => quoteIdentifier(column.name)).join(', ');
    const rowPlaceholders = `(${spec.columns.map(() => '?').join(', ')})`;
    this.rowsPerStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS_PER_STATEMENT / Math.max(1, this.width))));
    this.insertPrefix = `INSERT INTO ${table} (${names})`;
    this.rowPlaceholders = rowPlaceholders;
    this.singleInsert = db.prepare(`${this.insertPrefix} VALUES ${rowPlaceholders}`);
    if (spec.key.length > 0) {
      const keySet = new Set(spec.key);
      const keyList = spec.key.map(quoteIdentifier).join(', ');
      this.insertIfNew = db.prepare(`INSERT INTO ${table} (${names}) VALUES ${rowPlaceholders} ON CONFLICT (${keyList}) DO NOTHING`);
      // better-sqlite3 binds arrays in order only, so the UPDATE's parameters are listed in the order they appear.
      const valueColumns = spec.columns.map((_, i) => i).filter((i) => !keySet.has(spec.columns[i]!.name));
      const keyColumns = spec.key.map((name) => spec.columns.findIndex((column) => column.name === name));
      this.updateParameterOrder = [...valueColumns, ...keyColumns];
      const assignments = valueColumns.map((i) => `${quoteIdentifier(spec.columns[i]!.name)} = ?`).join(', ');
      const keyMatch = spec.key.map((name) => `${quoteIdentifier(name)} IS ?`).join(' AND ');
      this.updateByKey = valueColumns.length > 0 ? db.prepare(`UPDATE ${table} SET ${assignments} WHERE ${keyMatch}`) : null;
    } else {
      this.insertIfNew = null;
      this.updateByKey = null;
      this.updateParameterOrder = [];
    }
  }

  /**
   * Creates the table (and its key and unique indexes) or checks that an
   * existing one can take these columns. Returns whether it was created.
   */
  static ensureTable(db: Database.Database, spec: TableSpec): boolean {
    const table = quoteIdentifier(spec.table);
    const existing = db.prepare('SELECT name FROM pragma_table_info(?)').all(spec.table) as { name: string }[];
    let created = false;
    // A single integer key becomes the rowid itself: no second index to maintain on every insert.
    const rowidKey =
      spec.key.length === 1 && spec.columns.find((column) => column.name === spec.key[0])?.sqlType === 'INTEGER' ? spec.key[0] : null;
    if (existing.length === 0) {
      if (spec.columns.length > MAX_TABLE_COLUMNS) {
        throw new SluiceError(
          'TABLE_MISMATCH',
          `The file has ${spec.columns.length.toLocaleString('en-US')} columns; an SQLite table holds at most ${MAX_TABLE_COLUMNS.toLocaleString('en-US')}. Split it into narrower files.`,
        );
      }
      const columnSql = spec.columns
        .map((column) =>
          column.name === rowidKey
            ? `${quoteIdentifier(column.name)} INTEGER PRIMARY KEY`
            : `${quoteIdentifier(column.name)}${column.sqlType ? ` ${column.sqlType}` : ''}`,
        )
        .join(', ');
      db.exec(`CREATE TABLE ${table} (${columnSql})`);
      created = true;
    } else {
      const have = new Set(existing.map((column) => column.name));
      const missing = spec.columns.filter((column) => !have.has(column.name)).map((column) => column.name);
      if (missing.length > 0) {
        throw new SluiceError(
          'TABLE_MISMATCH',
          `Table "${spec.table}" already exists without column(s) ${missing.map((name) => `"${name}"`).join(', ')}; import into another table with --table.`,
        );
      }
    }
    const indexes: { name: string; columns: readonly string[] }[] = [];
    const keyIsRowid = created && rowidKey !== null;
    if (spec.key.length > 0 && !keyIsRowid) indexes.push({ name: `${spec.table}__key`, columns: spec.key });
    spec.uniqueKeys.forEach((columns, i) => indexes.push({ name: `${spec.table}__unique_${i + 1}`, columns }));
    for (const index of indexes) {
      try {
        db.exec(
          `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdentifier(index.name)} ON ${table} (${index.columns.map(quoteIdentifier).join(', ')})`,
        );
      } catch (error) {
        if (!isConstraintError(error)) throw error;
        throw new SluiceError(
          'TABLE_MISMATCH',
          `Table "${spec.table}" already holds duplicate values in ${index.columns.join(', ')}, so they cannot be used as a unique key.`,
        );
      }
    }
    return created;
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
    const outcome: WriteOutcome = { inserted: 0, updated: 0, refused: [] };
    const upserting = this.spec.key.length > 0;
    for (let row = 0; row < count; ) {
      const rows = Math.min(this.rowsPerStatement, count - row);
      const next = row + rows;
      if (rows === 1 || (upserting && this.groupsToSkip > 0)) {
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

  /** Upserts try the multi-row plain INSERT first: into a new or mostly new table it succeeds, at insert speed. */
  private upsertRows(values: readonly SqlValue[], count: number): WriteOutcome {
    return this.writeInGroups(values, count, (from, to, outcome) => this.upsertOneByOne(values, from, to, outcome));
  }

  private upsertOneByOne(values: readonly SqlValue[], from: number, to: number, outcome: WriteOutcome): void {
    const width = this.width;
    const one = new Array<SqlValue>(width);
    const order = this.updateParameterOrder;
    const update = new Array<SqlValue>(order.length);
    for (let row = from; row < to; row++) {
      for (let i = 0; i < width; i++) one[i] = values[row * width + i] ?? null;
      try {
        if (this.insertIfNew!.run(...one).changes > 0) outcome.inserted++;
        else {
          // Last wins: the existing row takes this row's values.
          for (let i = 0; i < order.length; i++) update[i] = one[order[i]!]!;
          this.updateByKey?.run(...update);
          outcome.updated++;
        }
      } catch (error) {
        if (!isConstraintError(error)) throw error;
        outcome.refused.push({ index: row, errors: [constraintFailure(error)] });
      }
    }
  }
}

function constraintFailure(error: unknown): RowFailure {
  const code = (error as { code?: string }).code ?? '';
  const columns = uniqueColumnsOf(error);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return {
      field: columns.join(',') || null,
      rule: 'unique',
      message: `${columns.join(', ') || 'key'}: value already exists in the table (must be unique)`,
    };
  }
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') {
    return { field: columns.join(',') || null, rule: 'required', message: `${columns.join(', ')}: the table requires a value` };
  }
  return { field: null, rule: 'constraint', message: 'the table refused the row (constraint failed)' };
}
