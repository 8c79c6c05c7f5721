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
  const casts = spec.declaredTypes.map(keyCastCheck);
  const namers = spec.declaredTypes.map((type) => keyNamer(isNumericKeyType(type)));
  const lossyRows: number[] = [];
  const previousSame = new Int32Array(count);
  const keyColumns = spec.keyColumns;
  if (keyColumns.length === 1 && isNumericKeyType(spec.declaredTypes[0]!)) {
    singleNumericKey(values, count, width, keyColumns[0]!, casts[0] ?? null, lossyRows, previousSame);
    return { lossyRows, previousSame };
  }
  const lastRow = new Map<string, number>();
  for (let row = 0; row < count; row++) {
    let name = '';
    let missing = false;
    let lossy = false;
    for (let k = 0; k < keyColumns.length; k++) {
      const value = values[row * width + keyColumns[k]!] ?? null;
      if (casts[k] && !casts[k]!(value)) lossy = true;
      if (value === null) missing = true;
      else name += (k > 0 ? '\u0000' : '') + namers[k]!(value);
    }
    if (lossy) lossyRows.push(row);
    if (missing) {
      previousSame[row] = -2;
      continue;
    }
    previousSame[row] = lastRow.get(name) ?? -1;
    lastRow.set(name, row);
  }
  return { lossyRows, previousSame };
}

/**
 * The common key, one numeric column, without building names: String(Number(a)) equals String(Number(b)) exactly
 * when Number(a) and Number(b) are the same Map key (SameValueZero: 0 and -0 one key, NaN one key).
 */
function singleNumericKey(
  values: readonly SqlValue[],
  count: number,
  width: number,
  column: number,
  cast: ((value: SqlValue) => boolean) | null,
  lossyRows: number[],
  previousSame: Int32Array,
): void {
  const lastRow = new Map<number, number>();
  for (let row = 0; row < count; row++) {
    const value = values[row * width + column] ?? null;
    if (cast && !cast(value)) lossyRows.push(row);
    if (value === null) {
      previousSame[row] = -2;
      continue;
    }
    const name = Number(value);
    previousSame[row] = lastRow.get(name) ?? -1;
    lastRow.set(name, row);
  }
}

/** Whether a row in [from, to) has a key its column's type cannot hold (TableWriter's hasLossyKey). */
export function lossyIn(facts: KeyFacts, from: number, to: number): boolean {
  return facts.lossyRows.some((row) => row >= from && row < to);
}

/** Every key present and none repeated within [from, to) (BatchUpsert's plain case). */
export function plainKeysIn(facts: KeyFacts, from: number, to: number): boolean {
  const previous = facts.previousSame;
  for (let row = from; row < to; row++) if (previous[row]! === -2 || previous[row]! >= from) return false;
  return true;
}
