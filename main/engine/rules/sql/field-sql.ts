import { castConstraintValue } from '../constraint-values.js';
import type { FieldModel } from '../model.js';
import { castSql, type CastSql } from './cast-sql.js';
import type { SqlDialect } from './dialect.js';
import { Inexpressible } from './transform-sql.js';
import { re2Pattern } from './regex-text.js';
import { missingSql, scalarText, type Val } from './value-sql.js';

/**
 * One field in SQL: its missing test, its cast and the
 * list of its failures in the order field-check.ts reports them (required or
 * the cast, then minimum … enum). Messages are Sluice's, in their --redact form
 * (no cell values), since the SQL has no Sluice to quote them.
 */
export interface FieldSql {
  value: Val;
  missing: string;
  cast: CastSql;
  /** SQL for the failure entries, given the columns m (missing), c (typed), r (range) and v (value). */
  failures(columns: { m: string; c: string; r: string; v: Val }): string[];
}

const BOUNDS = [
  ['minimum', '<', 'is less than the minimum'],
  ['maximum', '>', 'is greater than the maximum'],
  ['exclusiveMinimum', '<=', 'must be greater than'],
  ['exclusiveMaximum', '>=', 'must be less than'],
] as const;

function literal(d: SqlDialect, value: unknown): string {
  if (typeof value === 'string') return d.str(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return "CAST('NaN' AS DOUBLE)";
    if (!Number.isFinite(value)) return `CAST('${value > 0 ? 'Infinity' : '-Infinity'}' AS DOUBLE)`;
    return Number.isInteger(value) ? String(value) : `CAST(${String(value)} AS DOUBLE)`;
  }
  throw new Inexpressible(`the value ${JSON.stringify(value)} has no SQL literal`);
}

/** `value` is the field's value after its transforms (see stages-sql.ts). */
export function fieldSql(d: SqlDialect, field: FieldModel, value: Val, fail: (rule: string, text: string) => string): FieldSql {
  const missing = missingSql(d, value, field.missingValues);
  const cast = castSql(d, field.type, field.cast, value);
  const failures = (columns: { m: string; c: string; r: string; v: Val }): string[] => {
    const { m, c, r, v } = columns;
    const castFailure = fail(cast.rule, cast.text);
    const rangeText = field.type === 'integer' ? 'is outside the 64-bit integer range' : 'is too large to store as a number';
    const ranged = cast.range === null ? castFailure : `CASE WHEN ${r} THEN ${fail('range', rangeText)} ELSE ${castFailure} END`;
    const failed = cast.notString === undefined ? ranged : `CASE WHEN ${cast.notString} THEN ${fail('type', 'is not a string')} ELSE ${ranged} END`;
    const list = [`CASE WHEN ${m} THEN ${field.required ? fail('required', 'is required') : 'NULL'} WHEN ${c} IS NULL THEN ${failed} END`];
    const { constraints } = field;
    for (const [rule, op, text] of BOUNDS) {
      const written = constraints[rule];
      if (written === undefined) continue;
      const bound = literal(d, castConstraintValue(field.type, field.cast, written));
      // As in Sluice, NaN and ±INF are within no range: every bound fails them.
      const notFinite = field.type === 'number' ? `WHEN ${c} IS NOT NULL AND (${d.isNan(c)} OR ${d.isInf(c)}) THEN ${fail(rule, `is not a finite number (${rule} ${String(written)})`)} ` : '';
      list.push(`CASE ${notFinite}WHEN ${c} IS NOT NULL AND (${c} ${op} ${bound}) THEN ${fail(rule, `${text} ${String(written)}`)} END`);
    }
    if (constraints.minLength !== undefined || constraints.maxLength !== undefined) {
      if (field.type !== 'string' && field.type !== 'any') throw new Inexpressible(`lengths of type ${field.type} are not expressible`);
      if (constraints.minLength !== undefined) list.push(`CASE WHEN ${d.length(c)} < ${constraints.minLength} THEN ${fail('minLength', `is shorter than ${constraints.minLength} characters`)} END`);
      if (constraints.maxLength !== undefined) list.push(`CASE WHEN ${d.length(c)} > ${constraints.maxLength} THEN ${fail('maxLength', `is longer than ${constraints.maxLength} characters`)} END`);
    }
    if (constraints.pattern !== undefined) {
      const text = scalarText(d, v);
      list.push(`CASE WHEN ${c} IS NOT NULL AND NOT ${d.fullMatch(text, re2Pattern(constraints.pattern))} THEN ${fail('pattern', `does not match the pattern ${constraints.pattern}`)} END`);
    }
    if (constraints.enum !== undefined) {
      const allowed = constraints.enum.map((entry) => literal(d, castConstraintValue(field.type, field.cast, entry)));
      const listed = constraints.enum.slice(0, 10).map((x) => JSON.stringify(x)).join(', ');
      list.push(`CASE WHEN ${c} IS NOT NULL AND ${c} NOT IN (${allowed.join(', ')}) THEN ${fail('enum', `is not one of ${listed}${constraints.enum.length > 10 ? ', …' : ''}`)} END`);
    }
    return list;
  };
  return { value, missing, cast, failures };
}
