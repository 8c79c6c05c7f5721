import type Database from 'better-sqlite3';
import { SluiceError } from '../errors.js';
import { quoteIdentifier } from './identifiers.js';
import { plainValue } from './table-browser.js';
import { whereClause, type GridColumn, type GridColumnType, type GridQuery } from './table-filter.js';

export interface ColumnProfile {
  column: string;
  type: GridColumnType;
  /** Rows profiled: all the query's rows, or its first `PROFILE_MAX_ROWS` in row id order (`sampled`). */
  rows: number;
  sampled: boolean;
  nulls: number;
  distinct: number;
  min: unknown;
  max: unknown;
  top: { value: unknown; count: number }[];
  /** Numbers and ISO dates: equal-width buckets between min and max. */
  histogram: { from: number; to: number; count: number }[] | null;
  /** 'date' when the histogram's bounds are Julian days of ISO dates. */
  histogramKind: 'number' | 'date' | null;
}

/** Enough rows for distributions to be telling, few enough that a profile of a 10M-row table takes well under a second. */
export const PROFILE_MAX_ROWS = 200_000;
const TOP_VALUES = 8;
const HISTOGRAM_BUCKETS = 12;

/** One column's profile over a grid query's rows (its filters apply), computed in SQL on the given connection. */
export function profileColumn(db: Database.Database, query: GridQuery, columns: readonly GridColumn[], columnName: string): ColumnProfile {
  const column = columns.find((c) => c.name === columnName);
  if (!column) throw new SluiceError('USAGE', `Table "${query.table}" has no column "${columnName}".`);
  const where = whereClause({ ...query, sort: undefined }, columns);
  const name = quoteIdentifier(column.name);
  // The profiled rows as a subquery: one bounded read of the column, filters applied.
  const source = `(SELECT ${name} AS v FROM ${quoteIdentifier(query.table)} ${where.sql ? `WHERE ${where.sql}` : ''} LIMIT ${PROFILE_MAX_ROWS + 1})`;
  const params = where.params;
  const totals = db.prepare(`SELECT count(*) AS n, count(v) AS present, count(DISTINCT v) AS distinct_values, min(v) AS lo, max(v) AS hi FROM ${source}`).get(...params) as {
    n: number; present: number; distinct_values: number; lo: unknown; hi: unknown;
  };
  const sampled = totals.n > PROFILE_MAX_ROWS;
  const top = (db.prepare(`SELECT v AS value, count(*) AS count FROM ${source} WHERE v IS NOT NULL GROUP BY v ORDER BY count DESC, v LIMIT ${TOP_VALUES}`).all(...params) as { value: unknown; count: number }[])
    .map((entry) => ({ value: plainValue(entry.value), count: entry.count }));
  const { histogram, kind } = histogramOf(db, source, params, totals.lo, totals.hi);
  return {
    column: column.name,
    type: column.type,
    rows: Math.min(totals.n, PROFILE_MAX_ROWS),
    sampled,
    nulls: totals.n - totals.present,
    distinct: totals.distinct_values,
    min: plainValue(totals.lo),
    max: plainValue(totals.hi),
    top,
    histogram,
    histogramKind: kind,
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

function histogramOf(db: Database.Database, source: string, params: unknown[], lo: unknown, hi: unknown): { histogram: ColumnProfile['histogram']; kind: ColumnProfile['histogramKind'] } {
  let kind: ColumnProfile['histogramKind'] = null;
  let value = 'v';
  let from = 0;
  let to = 0;
  if (typeof lo === 'number' && typeof hi === 'number') {
    kind = 'number';
    [from, to] = [lo, hi];
  } else if (typeof lo === 'string' && typeof hi === 'string' && ISO_DATE.test(lo) && ISO_DATE.test(hi)) {
    kind = 'date';
    value = 'julianday(v)';
    const days = db.prepare('SELECT julianday(?) AS a, julianday(?) AS b').get(lo, hi) as { a: number | null; b: number | null };
    if (days.a === null || days.b === null) return { histogram: null, kind: null };
    [from, to] = [days.a, days.b];
  } else {
    return { histogram: null, kind: null };
  }
  const width = (to - from) / HISTOGRAM_BUCKETS || 1;
  const rows = db
    .prepare(`SELECT min(${HISTOGRAM_BUCKETS - 1}, CAST((${value} - ?) / ? AS INTEGER)) AS bucket, count(*) AS count FROM ${source} WHERE typeof(${value}) IN ('integer', 'real') GROUP BY bucket`)
    .all(from, width, ...params) as { bucket: number; count: number }[];
  const buckets = Array.from({ length: to === from ? 1 : HISTOGRAM_BUCKETS }, (_, i) => ({ from: from + i * width, to: from + (i + 1) * width, count: 0 }));
  for (const row of rows) {
    const bucket = buckets[Math.max(0, Math.min(buckets.length - 1, row.bucket))];
    if (bucket) bucket.count += row.count;
  }
  return { histogram: buckets, kind };
}
