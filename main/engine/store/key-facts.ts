import type { SqlValue } from '../rules/contract.js';
import { keyCastCheck } from './row-images.js';

/** What a worker needs to check an upsert key's values the way the table writer would (scratch path). */
export interface KeyFactsSpec {
  /** The key's columns, by index in a row. */
  keyColumns: readonly number[];
  /** The target table's declared type of each key column (upper case). */
  declaredTypes: readonly string[];
}

/**
 * A batch's key checks, made by the worker that has the values in hand, so the
 * writer need not read them back from the scratch slot: the rows whose key the
 * key column's type cannot hold without loss, and for each row the nearest
 * earlier row of the batch with the same key (-1: none; -2: a key value is missing).
 */
export interface KeyFacts {
  lossyRows: number[];
  previousSame: Int32Array;
}

/** Declared types whose affinity makes 7 and "7" one key (as SQLite compares them). */
export function isNumericKeyType(declaredType: string): boolean {
  return /INT|REAL|FLOA|DOUB|NUM|DEC|BOOL|DATE/.test(declaredType);
}

/** How a key value is named when looking for repeats: SQLite's comparison, not JavaScript's. */
export function keyNamer(numeric: boolean): (value: SqlValue) => string {
  return numeric ? (value) => String(Number(value)) : (value) => String(value);
}

export function computeKeyFacts(values: readonly SqlValue[], count: number, width: number, spec: KeyFactsSpec): KeyFacts {
  return { lossyRows: lossyRowsOf(values, count, width, spec), previousSame: previousSameOf(values, count, width, spec) };
}

/** The rows whose key the key column's declared type cannot hold without loss (usually none). */
export function lossyRowsOf(values: readonly SqlValue[], count: number, width: number, spec: KeyFactsSpec): number[] {
  const lossyRows: number[] = [];
  const casts = spec.declaredTypes.map(keyCastCheck);
  if (casts.every((cast) => cast === null)) return lossyRows;
  const keyColumns = spec.keyColumns;
  for (let row = 0; row < count; row++) {
    for (let k = 0; k < keyColumns.length; k++) {
      const cast = casts[k];
      if (cast && !cast(values[row * width + keyColumns[k]!] ?? null)) {
        lossyRows.push(row);
        break;
      }
    }
  }
  return lossyRows;
}

/** For each row, the nearest earlier row of the batch with the same key (-1: none; -2: a key value is missing). */
export function previousSameOf(values: readonly SqlValue[], count: number, width: number, spec: KeyFactsSpec): Int32Array {
  const previousSame = new Int32Array(count);
  const keyColumns = spec.keyColumns;
  if (keyColumns.length === 1 && isNumericKeyType(spec.declaredTypes[0]!)) {
    singleNumericKey(values, count, width, keyColumns[0]!, previousSame);
    return previousSame;
  }
  const namers = spec.declaredTypes.map((type) => keyNamer(isNumericKeyType(type)));
  const lastRow = new Map<string, number>();
  for (let row = 0; row < count; row++) {
    let name = '';
    let missing = false;
    for (let k = 0; k < keyColumns.length; k++) {
      const value = values[row * width + keyColumns[k]!] ?? null;
      if (value === null) missing = true;
      else name += (k > 0 ? '\u0000' : '') + namers[k]!(value);
    }
    if (missing) {
      previousSame[row] = -2;
      continue;
    }
    previousSame[row] = lastRow.get(name) ?? -1;
    lastRow.set(name, row);
  }
  return previousSame;
}

/**
 * The common key, one numeric column, without building names: String(Number(a)) equals String(Number(b)) exactly
 * when Number(a) and Number(b) are the same Map key (SameValueZero: 0 and -0 one key, NaN one key).
 */
function singleNumericKey(values: readonly SqlValue[], count: number, width: number, column: number, previousSame: Int32Array): void {
  const lastRow = new Map<number, number>();
  for (let row = 0; row < count; row++) {
    const value = values[row * width + column] ?? null;
    if (value === null) {
      previousSame[row] = -2;
      continue;
    }
    const name = Number(value);
    previousSame[row] = lastRow.get(name) ?? -1;
    lastRow.set(name, row);
  }
}

/**
 * One batch's key checks for the table writer: the worker's (scratch path), or worked out from the
 * values on first use (direct path), so both paths decide with the same code.
 */
export class BatchKeyFacts {
  private lossyRows: number[] | null;
  private previousSame: Int32Array | null;

  constructor(
    given: KeyFacts | null,
    private readonly keyValues: () => readonly SqlValue[],
    private readonly count: number,
    private readonly width: number,
    private readonly spec: KeyFactsSpec,
  ) {
    this.lossyRows = given?.lossyRows ?? null;
    this.previousSame = given?.previousSame ?? null;
  }

  /** Whether a row in [from, to) has a key its column's type cannot hold without loss. */
  lossyIn(from: number, to: number): boolean {
    this.lossyRows ??= lossyRowsOf(this.keyValues(), this.count, this.width, this.spec);
    return anyRowIn(this.lossyRows, from, to);
  }

  /** Every key of [from, to) present and none repeated there. */
  plainKeysIn(from: number, to: number): boolean {
    this.previousSame ??= previousSameOf(this.keyValues(), this.count, this.width, this.spec);
    return plainKeysIn(this.previousSame, from, to);
  }
}

function anyRowIn(rows: readonly number[], from: number, to: number): boolean {
  return rows.some((row) => row >= from && row < to);
}

/** Every key present and none repeated within [from, to) (the set-based upsert's case, batch-upsert.ts). */
function plainKeysIn(previousSame: Int32Array, from: number, to: number): boolean {
  for (let row = from; row < to; row++) if (previousSame[row]! === -2 || previousSame[row]! >= from) return false;
  return true;
}
