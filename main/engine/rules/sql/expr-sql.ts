import type { ExprNode } from '../model.js';
import type { SqlDialect } from './dialect.js';
import { Inexpressible } from './transform-sql.js';
import { re2Pattern } from './regex-text.js';
import { jsNumberText } from './value-sql.js';

/**
 * Row-rule expressions in SQL, with expr-eval.ts's semantics. Sluice's values
 * carry their kind at run time; here each field's kind is known from its type,
 * so every node's kind is known when the SQL is written and the rules of
 * expr-eval.ts (null equals "", text and numbers never equal and never
 * ordered, booleans count as 1/0, division by zero is null) become plain SQL.
 */

export type ExprKind = 'text' | 'num' | 'bool' | 'null';
export interface SqlExpr { sql: string; kind: ExprKind }
export type FieldRef = (name: string) => SqlExpr;

const NULL: SqlExpr = { sql: 'NULL', kind: 'null' };

/** asComparable: booleans become 1/0. */
function comparable(e: SqlExpr): SqlExpr {
  return e.kind === 'bool' ? { sql: `CAST(${e.sql} AS INTEGER)`, kind: 'num' } : e;
}

/** Three-valued truth of any value. */
export function truthSql(d: SqlDialect, e: SqlExpr): string {
  switch (e.kind) {
    case 'bool': return e.sql;
    case 'num': return `(CASE WHEN ${d.isNan(`CAST(${e.sql} AS DOUBLE)`)} THEN NULL ELSE ${e.sql} <> 0 END)`;
    case 'text': return `(${e.sql} <> '')`;
    case 'null': return 'CAST(NULL AS BOOLEAN)';
  }
}

function textOf(d: SqlDialect, e: SqlExpr): string {
  switch (e.kind) {
    case 'text': return e.sql;
    case 'num': return jsNumberText(d, `CAST(${e.sql} AS ${d.typeName('VARCHAR')})`);
    case 'bool': return `(CASE WHEN ${e.sql} THEN 'true' WHEN NOT ${e.sql} THEN 'false' END)`;
    case 'null': return `CAST(NULL AS ${d.typeName('VARCHAR')})`;
  }
}

/** valuesEqual; never NULL. */
function equalSql(left: SqlExpr, right: SqlExpr): string {
  const a = comparable(left);
  const b = comparable(right);
  const emptyOrNull = (e: SqlExpr): string => (e.kind === 'text' ? `coalesce(${e.sql}, '') = ''` : e.kind === 'null' ? 'TRUE' : `${e.sql} IS NULL`);
  if (a.kind === 'null' || b.kind === 'null') return `(${emptyOrNull(a)} AND ${emptyOrNull(b)})`;
  if (a.kind === 'text' && b.kind === 'text') return `(coalesce(${a.sql}, '') = coalesce(${b.sql}, ''))`;
  if (a.kind === 'num' && b.kind === 'num') return `(CASE WHEN ${a.sql} IS NULL OR ${b.sql} IS NULL THEN ${a.sql} IS NULL AND ${b.sql} IS NULL ELSE ${a.sql} = ${b.sql} END)`;
  return `(${emptyOrNull(a)} AND ${emptyOrNull(b)})`;
}

function orderable(left: SqlExpr, right: SqlExpr): [SqlExpr, SqlExpr] | null {
  const a = comparable(left);
  const b = comparable(right);
  if (a.kind === 'null' || b.kind === 'null' || a.kind !== b.kind) return null;
  return [a, b];
}

export function exprSql(d: SqlDialect, node: ExprNode, field: FieldRef): SqlExpr {
  const sub = (child: ExprNode): SqlExpr => exprSql(d, child, field);
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      if (value === null) return NULL;
      if (typeof value === 'string') return { sql: d.str(value), kind: 'text' };
      if (typeof value === 'boolean') return { sql: value ? 'TRUE' : 'FALSE', kind: 'bool' };
      return { sql: Number.isInteger(value) ? String(value) : `CAST(${String(value)} AS DOUBLE)`, kind: 'num' };
    }
    case 'field': return field(node.name);
    case 'unary': {
      const arg = sub(node.arg);
      if (node.op === 'not') return { sql: `(NOT ${truthSql(d, arg)})`, kind: 'bool' };
      const value = comparable(arg);
      if (value.kind !== 'num') return NULL;
      return { sql: node.op === '-' ? `(-${value.sql})` : value.sql, kind: 'num' };
    }
    case 'compare': {
      const left = sub(node.left);
      const right = sub(node.right);
      if (node.op === '==') return { sql: equalSql(left, right), kind: 'bool' };
      if (node.op === '!=') return { sql: `(NOT ${equalSql(left, right)})`, kind: 'bool' };
      const pair = orderable(left, right);
      if (pair === null) return { sql: 'CAST(NULL AS BOOLEAN)', kind: 'bool' };
      return { sql: `(${pair[0].sql} ${node.op} ${pair[1].sql})`, kind: 'bool' };
    }
    case 'arith': {
      const left = sub(node.left);
      const right = sub(node.right);
      if (node.op === '+' && left.kind === 'text' && right.kind === 'text') return { sql: `(${left.sql} || ${right.sql})`, kind: 'text' };
      const a = comparable(left);
      const b = comparable(right);
      if (a.kind !== 'num' || b.kind !== 'num') return NULL;
      // Sluice computes in doubles (JavaScript numbers), so a product of two large integers rounds instead of overflowing.
      const x = `CAST(${a.sql} AS DOUBLE)`;
      const y = `CAST(${b.sql} AS DOUBLE)`;
      const divisor = node.op === '/' || node.op === '%' ? `NULLIF(${y}, 0)` : y;
      return { sql: `(${x} ${node.op} ${divisor})`, kind: 'num' };
    }
    case 'logical': {
      const left = truthSql(d, sub(node.left));
      const right = truthSql(d, sub(node.right));
      return { sql: `(${left} ${node.op.toUpperCase()} ${right})`, kind: 'bool' };
    }
    case 'in': {
      const value = sub(node.value);
      if (value.kind === 'null') return { sql: 'CAST(NULL AS BOOLEAN)', kind: 'bool' };
      const items = node.list.map((item) => equalSql(value, sub(item)));
      return { sql: `(CASE WHEN ${value.sql} IS NULL THEN NULL ELSE (${items.length === 0 ? 'FALSE' : items.join(' OR ')}) END)`, kind: 'bool' };
    }
    case 'conditional': {
      const then = sub(node.then);
      const otherwise = sub(node.else);
      const kind = sameKind([then, otherwise], 'the two branches of ?: have different kinds of value');
      return { sql: `(CASE WHEN ${truthSql(d, sub(node.test))} THEN ${then.sql} ELSE ${otherwise.sql} END)`, kind };
    }
    case 'call': return callSql(d, node.fn, node.args, sub);
  }
}

function sameKind(items: SqlExpr[], reason: string): ExprKind {
  const kinds = new Set(items.map((e) => e.kind).filter((k) => k !== 'null'));
  if (kinds.size > 1) throw new Inexpressible(`${reason} (${[...kinds].join(' and ')}); an SQL column has one type`);
  return kinds.size === 0 ? 'null' : ([...kinds][0] as ExprKind);
}

function callSql(d: SqlDialect, fn: string, argNodes: ExprNode[], sub: (n: ExprNode) => SqlExpr): SqlExpr {
  const args = argNodes.map(sub);
  const first = args[0] as SqlExpr;
  switch (fn) {
    case 'len': return { sql: d.length(textOf(d, first)), kind: 'num' };
    case 'lower': case 'upper': return { sql: `${fn}(${textOf(d, first)})`, kind: 'text' };
    case 'trim': return { sql: d.replaceAll(textOf(d, first), '^[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]+|[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]+$', ''), kind: 'text' };
    case 'is_missing': return { sql: first.kind === 'text' ? `(coalesce(${first.sql}, '') = '')` : first.kind === 'null' ? 'TRUE' : `(${first.sql} IS NULL)`, kind: 'bool' };
    case 'abs': {
      const value = comparable(first);
      return value.kind === 'num' ? { sql: `abs(${value.sql})`, kind: 'num' } : NULL;
    }
    case 'min': case 'max': {
      if (args.length === 1) return first;
      const values = args.map(comparable);
      const kind = values[0]?.kind;
      if (kind === 'null' || values.some((v) => v.kind !== kind)) return NULL;
      const anyNull = values.map((v) => `${v.sql} IS NULL`).join(' OR ');
      return { sql: `(CASE WHEN ${anyNull} THEN NULL ELSE ${fn === 'min' ? 'least' : 'greatest'}(${values.map((v) => v.sql).join(', ')}) END)`, kind: kind as ExprKind };
    }
    case 'coalesce': {
      const kind = sameKind(args, 'the arguments of coalesce() have different kinds of value');
      return { sql: args.length === 1 ? first.sql : `coalesce(${args.map((a) => a.sql).join(', ')})`, kind };
    }
    case 'matches': {
      const pattern = (argNodes[1] as { value: string }).value;
      const text = textOf(d, first);
      return { sql: d.fullMatch(text, re2Pattern(pattern)), kind: 'bool' };
    }
  }
  throw new Inexpressible(`function ${fn}() has no SQL form`);
}
