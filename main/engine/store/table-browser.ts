import { SluiceError } from '../errors.js';
import type { Store } from './store.js';
import { quoteIdentifier } from './identifiers.js';

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
}

const MAX_PAGE_ROWS = 1000;

/** One page of a table for the data browser, sorted and filtered in SQL. */
export function tablePage(store: Store, query: TablePageQuery): TablePage {
  if (!store.tableExists(query.table) || query.table.startsWith('_sluice_')) {
    throw new SluiceError('USAGE', `There is no table "${query.table}".`);
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
    where = `WHERE ${columns.map((column) => `CAST(${quoteIdentifier(column)} AS TEXT) LIKE ? ESCAPE '\\'`).join(' OR ')}`;
    for (let i = 0; i < columns.length; i++) params.push(pattern);
  }
  const order = query.orderBy ? `ORDER BY ${quoteIdentifier(query.orderBy)} ${query.descending ? 'DESC' : 'ASC'}, rowid` : 'ORDER BY rowid';
  const limit = Math.max(0, Math.min(MAX_PAGE_ROWS, Math.floor(query.limit)));
  const offset = Math.max(0, Math.floor(query.offset));
  const total = (store.db.prepare(`SELECT count(*) AS n FROM ${table} ${where}`).get(...params) as { n: number }).n;
  const rows = store.db
    .prepare(`SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${table} ${where} ${order} LIMIT ? OFFSET ?`)
    .raw(true)
    .all(...params, limit, offset) as unknown[][];
  return { columns, rows: rows.map((row) => row.map(plainValue)), total };
}

export function tableRowCount(store: Store, table: string): number {
  return (store.db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`).get() as { n: number }).n;
}

/** Values as JSON and structured clone carry them to a UI: big integers and blobs become text. */
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  return value;
}
