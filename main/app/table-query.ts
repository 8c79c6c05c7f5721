import { quoteIdentifier } from '../engine/store/identifiers.js';
import type { Store } from '../engine/store/store.js';
import { AppFailure } from './app-failure.js';
import type { TablePage, TablePageRequest } from './contract.js';

/**
 * A page of an imported table for the Data screen. Column names are checked
 * against the table and quoted by the engine's one helper; the filter is a
 * bound parameter. Stands in until the engine's table browser lands.
 */
export function queryTablePage(store: Store, request: TablePageRequest): TablePage {
  if (!store.listTables().includes(request.table)) throw new AppFailure('USAGE', `There is no table "${request.table}".`);
  const columns = store.tableColumns(request.table);
  if (request.orderBy !== undefined && !columns.includes(request.orderBy)) {
    throw new AppFailure('BAD_REQUEST', `Table "${request.table}" has no column "${request.orderBy}".`);
  }
  const table = quoteIdentifier(request.table);
  const filter = request.filter?.trim() ?? '';
  const where = filter
    ? `WHERE ${columns.map((c) => `instr(lower(CAST(${quoteIdentifier(c)} AS TEXT)), lower(@filter)) > 0`).join(' OR ')}`
    : '';
  const order = request.orderBy !== undefined ? `${quoteIdentifier(request.orderBy)} ${request.descending ? 'DESC' : 'ASC'}, rowid` : 'rowid';
  const params = filter ? { filter } : {};
  const total = (store.db.prepare(`SELECT count(*) AS n FROM ${table} ${where}`).get(params) as { n: number }).n;
  const rows = store.db
    .prepare(`SELECT * FROM ${table} ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
    .raw(true)
    .all({ ...params, limit: request.limit, offset: request.offset }) as unknown[][];
  return { columns, rows: rows.map((row) => row.map(plainValue)), total };
}

export function tableRowCount(store: Store, table: string): number {
  return (store.db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`).get() as { n: number }).n;
}

/** JSON and structured clone both carry these; bigint and blobs become text. */
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  return value;
}
