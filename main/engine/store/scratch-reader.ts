import type Database from 'better-sqlite3';
import type { SqlValue } from '../rules/contract.js';
import { SluiceError } from '../errors.js';
import { slotTable, type ScratchBatch } from './scratch-slots.js';
import type { KeyFacts } from './key-facts.js';
import { quoteIdentifier } from './identifiers.js';

/** better-sqlite3's SQLite is built with SQLITE_MAX_ATTACHED=10: a commit reads from at most this many scratch files. */
export const MAX_SCRATCH_ATTACHED = 10;

/** A batch's rows as the table writer sees them, whether bound from JavaScript or read from a worker's scratch slot. */
export interface BatchRows {
  /** Flat values (row i at [i × width, (i + 1) × width)): all of them for direct rows; from a slot only the key columns, until `all()`. */
  keys(): readonly SqlValue[];
  /** Every value of the batch (from a slot: read back with one SELECT, for the rare row-by-row paths). */
  all(): readonly SqlValue[];
  /** Inserts rows [from, to) with one statement; a constraint error leaves nothing of it, as SQLite does. */
  insert(from: number, to: number): void;
  /** Copies rows [from, to) into the set-based upsert's batch table; null: it binds them from `all()`. */
  readonly copyInto: ((from: number, to: number) => void) | null;
  /** The key checks the worker made (key-facts.ts), so the writer need not read keys back; null: worked out from `keys()`. */
  readonly keyFacts: KeyFacts | null;
}

export interface ScratchReaderSpec {
  width: number;
  table: string;
  /** The written columns, in the writer's order (a typed slot names them as the table does). */
  columnNames: readonly string[];
  /** `INSERT INTO <table> (<columns>, <provenance>)`, as the writer's own inserts. */
  insertPrefix: string;
  importId: number;
  keyColumns: readonly number[];
  /** The set-based upsert's batch table (upserts only). */
  batchTable: string | null;
}

/** A slot's statements: rows [from, to) of the batch, and the first `count` rows. */
interface SlotStatements {
  /** `whole`: the range is every row the slot holds. */
  insert(from: number, to: number, whole: boolean): void;
  readAll: Database.Statement;
  readKeys: Database.Statement | null;
  copy: ((from: number, to: number) => void) | null;
}

/**
 * The writer's side of the scratch path: ATTACHes each worker's scratch file
 * once (outside a transaction, as SQLite requires) and turns a slot into
 * `INSERT … SELECT` statements, so the writer binds no values. The writer's
 * transaction only reads the scratch files: slots it reads were committed by
 * their worker before the result came back, i.e. before the transaction began,
 * so its snapshot holds them whole while the workers go on writing other slots (WAL).
 */
export class ScratchReader {
  private readonly aliases = new Map<string, string>();
  private aliasCount = 0;
  private readonly bySlot = new Map<string, SlotStatements>();
  private readonly columns: string;

  constructor(
    private readonly db: Database.Database,
    private readonly spec: ScratchReaderSpec,
  ) {
    this.columns = Array.from({ length: Math.max(1, spec.width) }, (_, i) => `c${i}`).join(', ');
  }

  /** Attaches the files a commit reads (at most MAX_SCRATCH_ATTACHED), detaching others it does not need. Outside a transaction. */
  attach(files: ReadonlySet<string>): void {
    if (files.size > MAX_SCRATCH_ATTACHED) throw new SluiceError('INTERNAL', 'a commit reads from too many scratch files');
    for (const file of files) {
      if (this.aliases.has(file)) continue;
      if (this.aliases.size >= MAX_SCRATCH_ATTACHED) {
        for (const [attached] of this.aliases) {
          if (!files.has(attached)) {
            this.detach(attached);
            break;
          }
        }
      }
      const alias = `sluice_scratch_${++this.aliasCount}`;
      this.db.prepare(`ATTACH DATABASE ? AS ${alias}`).run(file);
      this.aliases.set(file, alias);
    }
  }

  detachAll(): void {
    for (const file of [...this.aliases.keys()]) this.detach(file);
  }

  /** The first `count` rows of a slot (rows of the slot beyond them, in fail-fast, are not written). */
  rows(batch: ScratchBatch, count: number, facts: KeyFacts | null): BatchRows {
    const statements = this.statements(batch);
    let all: SqlValue[] | null = null;
    let keys: SqlValue[] | null = null;
    const width = this.spec.width;
    const readAll = (): SqlValue[] => (all ??= flatten(statements.readAll.all(count) as SqlValue[][], width, count));
    return {
      all: readAll,
      keys: () => {
        if (all || !statements.readKeys) return readAll();
        if (!keys) {
          keys = new Array<SqlValue>(count * width);
          const keyColumns = this.spec.keyColumns;
          const rows = statements.readKeys.all(count) as SqlValue[][];
          for (let row = 0; row < rows.length; row++) {
            const values = rows[row]!;
            for (let k = 0; k < keyColumns.length; k++) keys[row * width + keyColumns[k]!] = values[k]!;
          }
        }
        return keys;
      },
      insert: (from, to) => statements.insert(from, to, from === 0 && to === batch.rows),
      copyInto: statements.copy,
      keyFacts: facts,
    };
  }

  private statements(batch: ScratchBatch): SlotStatements {
    const name = `${batch.slot}\u0000${batch.typed}\u0000${batch.file}`;
    let statements = this.bySlot.get(name);
    if (statements) return statements;
    const alias = this.aliases.get(batch.file);
    if (!alias) throw new SluiceError('INTERNAL', 'a scratch file was read before it was attached');
    statements = batch.typed ? this.typedStatements(`${alias}.${slotTable(batch.slot, true)}`) : this.untypedStatements(`${alias}.${slotTable(batch.slot, false)}`);
    this.bySlot.set(name, statements);
    return statements;
  }

  /** Row i of the batch is rowid i + 1, the columns are c0, c1, …; integers come back as BigInt, bound again exactly. */
  private untypedStatements(slot: string): SlotStatements {
    const range = 'WHERE rowid > ? AND rowid <= ? ORDER BY rowid';
    const { keyColumns, batchTable } = this.spec;
    const insert = this.db.prepare(`${this.spec.insertPrefix} SELECT ${this.columns}, ${this.spec.importId} FROM ${slot} ${range}`);
    const copy = batchTable ? this.db.prepare(`INSERT INTO ${batchTable} SELECT ${this.columns} FROM ${slot} ${range}`) : null;
    return {
      insert: (from, to) => void insert.run(from, to),
      readAll: this.db.prepare(`SELECT ${this.columns} FROM ${slot} WHERE rowid <= ? ORDER BY rowid`).raw().safeIntegers(),
      readKeys: keyColumns.length > 0
        ? this.db.prepare(`SELECT ${keyColumns.map((i) => `c${i}`).join(', ')} FROM ${slot} WHERE rowid <= ? ORDER BY rowid`).raw().safeIntegers()
        : null,
      copy: copy ? (from, to) => void copy.run(from, to) : null,
    };
  }

  /**
   * A typed slot is declared as the table and holds the whole batch in batch order (rowids ascend with it, not from 1):
   * all of it goes in with `SELECT *`, which SQLite copies record by record; parts of it are read by position.
   */
  private typedStatements(slot: string): SlotStatements {
    const { keyColumns, batchTable, columnNames } = this.spec;
    const names = columnNames.map(quoteIdentifier);
    const columns = names.join(', ');
    const range = 'ORDER BY rowid LIMIT ? OFFSET ?';
    const whole = this.db.prepare(`INSERT INTO ${quoteIdentifier(this.spec.table)} SELECT * FROM ${slot}`);
    const part = this.db.prepare(`${this.spec.insertPrefix} SELECT ${columns}, ${this.spec.importId} FROM ${slot} ${range}`);
    const copy = batchTable ? this.db.prepare(`INSERT INTO ${batchTable} SELECT ${columns} FROM ${slot} ${range}`) : null;
    return {
      insert: (from, to, all) => void (all ? whole.run() : part.run(to - from, from)),
      readAll: this.db.prepare(`SELECT ${columns} FROM ${slot} ORDER BY rowid LIMIT ?`).raw().safeIntegers(),
      readKeys: keyColumns.length > 0
        ? this.db.prepare(`SELECT ${keyColumns.map((i) => names[i]).join(', ')} FROM ${slot} ORDER BY rowid LIMIT ?`).raw().safeIntegers()
        : null,
      copy: copy ? (from, to) => void copy.run(to - from, from) : null,
    };
  }

  private detach(file: string): void {
    const alias = this.aliases.get(file)!;
    this.db.prepare(`DETACH DATABASE ${alias}`).run();
    this.aliases.delete(file);
    for (const name of [...this.bySlot.keys()]) if (name.endsWith(`\u0000${file}`)) this.bySlot.delete(name);
  }
}

function flatten(rows: readonly SqlValue[][], width: number, count: number): SqlValue[] {
  const values = new Array<SqlValue>(count * width);
  for (let row = 0; row < rows.length; row++) {
    const one = rows[row]!;
    for (let i = 0; i < width; i++) values[row * width + i] = one[i]!;
  }
  return values;
}
