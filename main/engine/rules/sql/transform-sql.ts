import type { MapTarget, TransformModel } from '../model.js';
import type { SqlDialect } from './dialect.js';
import { JS_SPACE, inlineFlags, re2Pattern, re2Replacement } from './regex-text.js';
import { trimSql } from './temporal-sql.js';
import { isText, literalVal, missingSql, scalarText, type Val } from './value-sql.js';

/** A transform SQL cannot express: the generator refuses the rule file at this transform's path. */
export class Inexpressible extends Error {}

function onText(v: Val, apply: (t: string) => string): Val {
  if (v.k === null) return { t: apply(v.t), k: null };
  return { t: `(CASE WHEN ${v.k} = 'VARCHAR' THEN ${apply(v.t)} ELSE ${v.t} END)`, k: v.k };
}

function mapSql(d: SqlDialect, v: Val, values: Record<string, MapTarget>, fold: boolean): Val {
  const entries = Object.entries(values);
  if (entries.length === 0) return v;
  const keyText = scalarText(d, v);
  const key = fold ? `lower(${keyText})` : keyText;
  // JavaScript's toLowerCase on the keys, done here so the SQL compares against fixed text.
  const keys = entries.map(([k]) => d.str(fold ? k.toLowerCase() : k));
  const whens = (pick: (target: MapTarget) => string): string =>
    entries.map(([, target], i) => `WHEN ${keys[i] as string} THEN ${pick(target)}`).join(' ');
  const objectGuard = v.k === null ? '' : `WHEN ${v.k} IN ('OBJECT', 'ARRAY') THEN ${v.t} `;
  const t = `(CASE ${objectGuard}WHEN ${v.t} IS NULL THEN NULL ELSE (CASE ${key} ${whens((x) => literalVal(d, x).t)} ELSE ${v.t} END) END)`;
  const allText = entries.every(([, target]) => typeof target === 'string');
  if (allText && v.k === null) return { t, k: null };
  const kindGuard = v.k === null ? '' : `WHEN ${v.k} IN ('OBJECT', 'ARRAY') THEN ${v.k} `;
  const k = `(CASE ${kindGuard}WHEN ${v.t} IS NULL THEN ${v.k ?? 'NULL'} ELSE (CASE ${key} ${whens((x) => literalVal(d, x).k)} ELSE ${v.k ?? "'VARCHAR'"} END) END)`;
  return { t, k };
}

export function transformSql(d: SqlDialect, v: Val, transform: TransformModel, missingValues: readonly string[]): Val {
  switch (transform.op) {
    case 'trim': return onText(v, (t) => trimSql(d, t));
    case 'collapseSpaces': return onText(v, (t) => d.replaceAll(t, `${JS_SPACE}+`, ' '));
    case 'lower': return onText(v, (t) => `lower(${t})`);
    case 'upper': return onText(v, (t) => `upper(${t})`);
    case 'title': throw new Inexpressible('title case follows Unicode letter rules (\\p{L} after a space, hyphen, apostrophe or parenthesis) that neither DuckDB nor Spark SQL has a function for');
    case 'default': {
      const fallback = literalVal(d, transform.value);
      const missing = missingSql(d, v, missingValues);
      const t = `(CASE WHEN ${missing} THEN ${fallback.t} ELSE ${v.t} END)`;
      if (typeof transform.value === 'string' && v.k === null) return { t, k: null };
      return { t, k: `(CASE WHEN ${missing} THEN ${fallback.k} ELSE ${v.k ?? "'VARCHAR'"} END)` };
    }
    case 'replace': {
      const replacement = re2Replacement(transform.with);
      if (replacement === null) throw new Inexpressible('the replacement uses $`, $\' , named groups or two-digit group numbers, which RE2 replacements cannot spell');
      const pattern = `${inlineFlags(transform.flags)}${re2Pattern(transform.pattern)}`;
      return onText(v, (t) => d.replaceAll(t, pattern, replacement));
    }
    case 'map': return mapSql(d, v, transform.values, transform.caseInsensitive);
  }
}

export { isText };
