import path from 'node:path';
import type Database from 'better-sqlite3';
import { sqliteModule } from './sqlite-module.js';
import type { SqlValue } from '../rules/contract.js';
import type { ScratchConfig } from './scratch-area.js';
import { keepsBatchOrder, valuesKeepTheirType } from './slot-layout.js';

/**
 * Where a worker left a batch's valid rows, in batch order. An untyped slot
 * holds the written columns (row i is rowid i + 1); a typed one is declared as
 * the target table (slot-layout.ts), so the writer can copy it whole as it is.
 */
export interface ScratchBatch {
  file: string;
  slot: number;
  typed: boolean;
  /** How many rows the slot holds. */
  rows: number;
}

/** As in the writer's own multi-row INSERTs (table-writer.ts): SQLite allows 32,766 parameters; 100 rows is where gains stop. */
const MAX_PARAMS_PER_STATEMENT = 4000;
const MAX_ROWS_PER_STATEMENT = 100;

/** Name of slot table `slot` in a scratch file (also used by the writer's side). */
export function slotTable(slot: number, typed: boolean): string {
  return `${typed ? 'typed' : 'slot'}_${slot}`;
}

/**
 * A worker's scratch file: it writes each batch's valid rows into a slot
 * table, committed before the batch's result goes back, so the writer's
 * transaction (which starts later) sees them whole. A slot is reused only
 * once the store's commit of the chunk it held went through (the shared
 * watermark): a commit the store refused is tried again with the same slots.
 *
 * The slot tables declare no column types, so a value keeps exactly what it
 * was bound as until the target table's own types apply, as with a direct bind.
 * The file is throwaway: no syncs, WAL so the writer can read while the worker writes.
 */
export class ScratchSlots {
  private readonly db: Database.Database;
  private readonly committed: Float64Array;
  /** The chunk seq each slot holds. */
  private readonly slotSeqs: number[] = [];
  private readonly fillBySize = new Map<string, Database.Statement>();
  private readonly clearBySlot = new Map<string, Database.Statement>();
  private readonly rowsPerStatement: number;
  private readonly rowPlaceholders: string;
  private readonly columns: string;
  readonly file: string;

  constructor(private readonly config: ScratchConfig, private readonly width: number, workerId: number) {
    this.file = path.join(config.dir, `w${workerId}.db`);
    this.committed = new Float64Array(config.committed);
    this.db = new (sqliteModule())(this.file);
    // As the store's pages: fewer pages per batch for the worker to write and the writer to read (measured: ~3% less worker CPU than 4 KiB).
    this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = OFF');
    this.rowsPerStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS_PER_STATEMENT / Math.max(1, width))));
    this.rowPlaceholders = `(${Array.from({ length: Math.max(1, width) }, () => '?').join(', ')})`;
    this.columns = Array.from({ length: Math.max(1, width) }, (_, i) => `c${i}`).join(', ');
  }

  /**
   * Writes `count` rows of the flat `values` into a free slot and commits; returns where they are. Typed where the
   * table allows it and the rows keep their order there; a typed write the slot refuses (a NOT NULL) goes untyped.
   */
  write(values: readonly SqlValue[], count: number, seq: number): ScratchBatch {
    const slot = this.freeSlot();
    const layout = this.config.layout;
    let typed =
      layout != null &&
      keepsBatchOrder(values, count, this.width, layout.rowidColumn) &&
      (layout.valueKinds === null || valuesKeepTheirType(values, count, this.width, layout.valueKinds));
    try {
      if (typed) {
        try {
          this.fillSlot(slot, true, values, count);
        } catch {
          typed = false;
        }
      }
      if (!typed) this.fillSlot(slot, false, values, count);
    } catch (error) {
      // The slot was cleared or not; either way nothing refers to it, so it is free again.
      this.slotSeqs[slot] = Number.NEGATIVE_INFINITY;
      throw error;
    }
    this.slotSeqs[slot] = seq;
    return { file: this.file, slot, typed, rows: count };
  }

  private fillSlot(slot: number, typed: boolean, values: readonly SqlValue[], count: number): void {
    const width = this.width;
    this.db.transaction(() => {
      this.clearBySlot.get(`${slot}:${typed}`)!.run();
      for (let row = 0; row < count; ) {
        const rows = Math.min(this.rowsPerStatement, count - row);
        this.fill(slot, typed, rows).run(...values.slice(row * width, (row + rows) * width));
        row += rows;
      }
    })();
  }

  close(): void {
    this.db.close();
  }

  private freeSlot(): number {
    const committed = this.committed[0]!;
    for (let slot = 0; slot < this.slotSeqs.length; slot++) if (this.slotSeqs[slot]! <= committed) return slot;
    const slot = this.slotSeqs.length;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${slotTable(slot, false)} (${this.columns})`);
    this.clearBySlot.set(`${slot}:false`, this.db.prepare(`DELETE FROM ${slotTable(slot, false)}`));
    const layout = this.config.layout;
    if (layout) {
      // One statement, prepared: the definitions come from the store's own schema (slot-layout.ts checks them).
      this.db.prepare(`CREATE TABLE IF NOT EXISTS ${slotTable(slot, true)} (${layout.definitions})`).run();
      this.clearBySlot.set(`${slot}:true`, this.db.prepare(`DELETE FROM ${slotTable(slot, true)}`));
    }
    this.slotSeqs.push(Number.NEGATIVE_INFINITY);
    return slot;
  }

  private fill(slot: number, typed: boolean, rows: number): Database.Statement {
    const name = `${slot}:${typed}:${rows}`;
    let statement = this.fillBySize.get(name);
    if (!statement) {
      const tuple = typed ? this.config.layout!.rowTuple : this.rowPlaceholders;
      statement = this.db.prepare(`INSERT INTO ${slotTable(slot, typed)} VALUES ${Array(rows).fill(tuple).join(', ')}`);
      this.fillBySize.set(name, statement);
    }
    return statement;
  }
}
