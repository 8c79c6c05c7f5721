import { SluiceError } from '../errors.js';
import type { Store } from '../store/store.js';
import { quoteIdentifier } from '../store/identifiers.js';
import { gridColumnsOf, orderClause, rowidName, whereClause, type GridQuery } from '../store/table-filter.js';

/** The rows of a table view to export: the Data grid's sort and filters, without the table (the export names it). */
export type ExportView = Omit<GridQuery, 'table'>;

/** What to read for a table export: the SELECT (values bound, never spliced), its parameters and its row count. */
export interface ExportSelection {
  columns: string[];
  sql: string;
  params: unknown[];
  total: number;
}

/**
 * Which columns and rows a table export reads. Without a view, every row in the order it was written; with one,
 * exactly what the Data grid shows: the same WHERE and ORDER BY builders, so the file matches the screen.
 */
export function exportSelection(
  store: Store,
  table: string,
  chosen: readonly string[] | undefined,
  view: ExportView | undefined,
  /** Bookkeeping columns read after the chosen ones (a JSONL export's key presence), never exported themselves. */
  extra: readonly string[] = [],
): ExportSelection {
  const all = gridColumnsOf(store.db, table);
  const columns = chooseColumns(all.map((c) => c.name), chosen, table);
  const from = quoteIdentifier(table);
  const query: GridQuery = { table, ...(view ?? {}) };
  const where = view ? whereClause(query, all) : { sql: '', params: [] };
  const condition = where.sql ? ` WHERE ${where.sql}` : '';
  // Without a view, the order rows were written in (as exports always were).
  const order = view ? orderClause(query, all, rowidName(all)) : 'ORDER BY rowid';
  const total = (store.db.prepare(`SELECT count(*) AS n FROM ${from}${condition}`).get(...where.params) as { n: number }).n;
  return { columns, sql: `SELECT ${[...columns, ...extra].map(quoteIdentifier).join(', ')} FROM ${from}${condition} ${order}`, params: where.params, total };
}

/** The chosen columns in the order given; every one must exist, at least one must be chosen, none twice. */
export function chooseColumns(all: readonly string[], chosen: readonly string[] | undefined, table: string): string[] {
  if (chosen === undefined) return [...all];
  if (chosen.length === 0) throw new SluiceError('USAGE', 'Choose at least one column to export.');
  const seen = new Set<string>();
  for (const name of chosen) {
    if (!all.includes(name)) throw new SluiceError('USAGE', `Table "${table}" has no column "${name}".`);
    if (seen.has(name)) throw new SluiceError('USAGE', `Column "${name}" is chosen twice.`);
    seen.add(name);
  }
  return [...chosen];
}

/** A CSV delimiter must be one character that cannot be mistaken for quoting or a line break. */
export function checkDelimiter(delimiter: string | undefined): void {
  if (delimiter === undefined) return;
  if ([...delimiter].length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new SluiceError('USAGE', `The delimiter must be one character other than a quote or a line break (got ${JSON.stringify(delimiter)}).`);
  }
}
