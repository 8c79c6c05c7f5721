import { anyOf } from './sql-trees.js';
import { SluiceError } from '../errors.js';
import type { Store } from './store.js';
import { quoteIdentifier } from './identifiers.js';
import { TableSchemas } from './table-schemas.js';

export interface TablePageQuery {
  table: string;
  offset: number;
  limit: number;
  orderBy?: string;
  descending?: boolean;
  /** Rows where any column contains this text (case-insensitive for ASCII). */
  filter?: string;
}

export interface TablePage {
  columns: string[];
  rows: unknown[][];
  /** Rows matching the filter (all rows without one). */
  total: number;
  /**
   * Each column's logical type from the table's stored schema (null for tables imported
   * before schemas were stored): a boolean column holds 0/1, an object/array column JSON text.
   */
  types?: (string | null)[] | null;
}

const MAX_PAGE_ROWS = 1000;

/** One page of a table for the data browser, sorted and filtered in SQL. */
export function tablePage(store: Store, query: TablePageQuery): TablePage {
  if (!store.tableExists(query.table) || query.table.startsWith('_sluice_')) {
    throw new SluiceError('TABLE_NOT_FOUND', `There is no table "${query.table}".`);
  }
  const columns = store.tableColumns(query.table);
  if (query.orderBy !== undefined && !columns.includes(query.orderBy)) {
    throw new SluiceError('USAGE', `Table "${query.table}" has no column "${query.orderBy}".`);
  }
  const table = quoteIdentifier(query.table);
  const params: unknown[] = [];
  let where = '';
  const filter = query.filter?.trim();
  if (filter) {
    const pattern = `%${filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where = `WHERE ${anyOf(columns.map((column) => `CAST(${quoteIdentifier(column)} AS TEXT) LIKE ? ESCAPE '\\'`))}`;
    for (let i = 0; i < columns.length; i++) params.push(pattern);
  }
  const order = query.orderBy ? `ORDER BY ${quoteIdentifier(query.orderBy)} ${query.descending ? 'DESC' : 'ASC'}, rowid` : 'ORDER BY rowid';
  const limit = Math.max(0, Math.min(MAX_PAGE_ROWS, Math.floor(query.limit)));
  const offset = Math.max(0, Math.floor(query.offset));
  const total = (store.db.prepare(`SELECT count(*) AS n FROM ${table} ${where}`).get(...params) as { n: number }).n;
  const rows = store.db
    .prepare(`SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${table} ${where} ${order} LIMIT ? OFFSET ?`)
    .raw(true)
    // Integers beyond 2^53 would be rounded as JS numbers; plainValue shows them as exact text.
    .safeIntegers(true)
    .all(...params, limit, offset) as unknown[][];
  const schema = storedSchemaOf(store, query.table);
  const byName = new Map((schema?.fields ?? []).map((field) => [field.name, field.type]));
  const shown = schema ? (value: unknown) => (value instanceof Uint8Array ? jsonBlobText(value) : plainValue(value)) : plainValue;
  return { columns, rows: rows.map((row) => row.map(shown)), total, types: schema ? columns.map((name) => byName.get(name) ?? null) : null };
}

export function tableRowCount(store: Store, table: string): number {
  return (store.db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`).get() as { n: number }).n;
}

function storedSchemaOf(store: Store, table: string) {
  try {
    return new TableSchemas(store.db).get(table);
  } catch {
    return null; // a read-only store from before stored schemas
  }
}

/** A BLOB in a table with a stored schema holds a JSON value whose kind differed from its column's (lossless-columns.ts). */
function jsonBlobText(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
}

/** Values as JSON and structured clone carry them to a UI: big integers and blobs become text. */
export function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  return value;
}
