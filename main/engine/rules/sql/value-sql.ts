import type { SqlDialect } from './dialect.js';

/**
 * A cell as the generated SQL carries it: its text `t` and, for JSON
 * sources or after a `map`/`default` that yields a number or boolean, its
 * JSON kind `k` ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN', 'NULL',
 * 'OBJECT', 'ARRAY', as DuckDB's json_type names them). `k` null means the
 * value is text (or NULL) on every row, as every CSV cell starts out, so the
 * SQL needs no kind tests.
 */
export interface Val {
  t: string;
  k: string | null;
}

export const NUMERIC_KINDS = "('BIGINT', 'UBIGINT', 'DOUBLE')";

export function isText(v: Val): string {
  return v.k === null ? 'TRUE' : `(${v.k} = 'VARCHAR')`;
}

/** Sluice's missing test: null, absent, or a string listed in missingValues. */
export function missingSql(d: SqlDialect, v: Val, missingValues: readonly string[]): string {
  if (missingValues.length === 0) return `(${v.t} IS NULL)`;
  const list = missingValues.map((m) => d.str(m)).join(', ');
  const listed = `${v.t} IN (${list})`;
  return `(${v.t} IS NULL OR ${v.k === null ? listed : `(${isText(v)} AND ${listed})`})`;
}

/** JavaScript's String(n) for a JSON number's text: 1.0 is "1"; integers print in full below 1e21, as in JavaScript. */
export function jsNumberText(d: SqlDialect, t: string): string {
  const n = d.tryCast(t, 'DOUBLE');
  return `(CASE WHEN ${d.isNan(n)} THEN 'NaN' WHEN ${d.isInf(n)} THEN (CASE WHEN ${n} > 0 THEN 'Infinity' ELSE '-Infinity' END)
    WHEN ${n} = floor(${n}) AND abs(${n}) < 1e21 THEN CAST(CAST(${n} AS DECIMAL(38, 0)) AS ${d.typeName('VARCHAR')}) ELSE CAST(${n} AS ${d.typeName('VARCHAR')}) END)`;
}

/** The text Sluice's casters read from a non-object value: strings as they are, numbers and booleans as JavaScript prints them. */
export function scalarText(d: SqlDialect, v: Val): string {
  if (v.k === null) return v.t;
  return `(CASE WHEN ${v.k} = 'VARCHAR' THEN ${v.t} WHEN ${v.k} IN ${NUMERIC_KINDS} THEN ${jsNumberText(d, v.t)} WHEN ${v.k} = 'BOOLEAN' THEN ${v.t} END)`;
}

export function literalVal(d: SqlDialect, value: string | number | boolean | null): { t: string; k: string } {
  if (value === null) return { t: 'NULL', k: "'NULL'" };
  if (typeof value === 'string') return { t: d.str(value), k: "'VARCHAR'" };
  if (typeof value === 'boolean') return { t: d.str(String(value)), k: "'BOOLEAN'" };
  return { t: d.str(String(value)), k: Number.isInteger(value) ? "'BIGINT'" : "'DOUBLE'" };
}
