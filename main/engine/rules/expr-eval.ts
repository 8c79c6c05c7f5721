import { codePointLength } from './cast.js';
import { linearRegex } from './safe-regex.js';
import type { ExprNode } from './model.js';

/**
 * Interprets ExprNode trees, compiled once into nested closures so a row costs
 * a few calls per node. Semantics, chosen to match SQL CHECK constraints (the
 * model may later be compiled to SQL):
 *   - a missing value is null; `==`/`!=` treat null as a value (like SQL IS),
 *     and null equals "" so `zip == ""` means "zip is missing";
 *   - ordering, arithmetic and functions on null give null (unknown);
 *   - `and`/`or`/`not` use three-valued logic;
 *   - a row rule fails only when its result is false, never when unknown.
 * Values of different kinds (text vs number) are never coerced: they are
 * unequal and their ordering is unknown.
 */

export type Evaluator = (values: readonly unknown[]) => unknown;
export interface FieldSlot { index: number; json: boolean }

const isNumeric = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';

/** Truth value in three-valued logic: true, false or null. */
export function truth(value: unknown): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') return value !== '';
  return true;
}

function asComparable(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

export function valuesEqual(left: unknown, right: unknown): boolean {
  const a = left === undefined ? null : left;
  const b = right === undefined ? null : right;
  if (a === null || b === null) return (a === null || a === '') && (b === null || b === '');
  const x = asComparable(a);
  const y = asComparable(b);
  if (isNumeric(x) && isNumeric(y)) return x == y; // loose on purpose: a number and a bigint compare by value
  return x === y;
}

/** -1, 0, 1, or null when the two cannot be ordered. */
export function order(left: unknown, right: unknown): number | null {
  if (left === null || left === undefined || right === null || right === undefined) return null;
  const x = asComparable(left);
  const y = asComparable(right);
  const comparable = (isNumeric(x) && isNumeric(y)) || (typeof x === 'string' && typeof y === 'string');
  if (!comparable) return null;
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', left: unknown, right: unknown): unknown {
  if (left === null || left === undefined || right === null || right === undefined) return null;
  if (op === '+' && typeof left === 'string' && typeof right === 'string') return left + right;
  const x = asComparable(left);
  const y = asComparable(right);
  if (!isNumeric(x) || !isNumeric(y)) return null;
  if (typeof x === 'bigint' && typeof y === 'bigint' && op !== '/') {
    if (op === '%' && y === 0n) return null;
    return op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x % y;
  }
  const a = Number(x);
  const b = Number(y);
  if ((op === '/' || op === '%') && b === 0) return null;
  return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : typeof value === 'string' ? value : String(value));

function extreme(values: unknown[], sign: 1 | -1): unknown {
  let best: unknown = values[0];
  for (let i = 1; i < values.length; i += 1) {
    const cmp = order(values[i], best);
    if (cmp === null) return null;
    if (cmp * sign > 0) best = values[i];
  }
  return best === undefined ? null : best;
}

export function compileExpression(node: ExprNode, slot: (name: string) => FieldSlot): Evaluator {
  const sub = (child: ExprNode): Evaluator => compileExpression(child, slot);
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'field': {
      const { index, json } = slot(node.name);
      if (json) return (values) => (values[index] === null || values[index] === undefined ? null : JSON.stringify(values[index]));
      return (values) => {
        const value = values[index];
        return value === undefined ? null : value;
      };
    }
    case 'unary': {
      const arg = sub(node.arg);
      if (node.op === 'not') return (values) => { const t = truth(arg(values)); return t === null ? null : !t; };
      const negate = node.op === '-';
      return (values) => {
        const v = asComparable(arg(values));
        if (!isNumeric(v)) return null;
        return negate ? -v : v;
      };
    }
    case 'compare': {
      const left = sub(node.left);
      const right = sub(node.right);
      switch (node.op) {
        case '==': return (values) => valuesEqual(left(values), right(values));
        case '!=': return (values) => !valuesEqual(left(values), right(values));
        case '<': return (values) => { const c = order(left(values), right(values)); return c === null ? null : c < 0; };
        case '<=': return (values) => { const c = order(left(values), right(values)); return c === null ? null : c <= 0; };
        case '>': return (values) => { const c = order(left(values), right(values)); return c === null ? null : c > 0; };
        case '>=': return (values) => { const c = order(left(values), right(values)); return c === null ? null : c >= 0; };
      }
      break;
    }
    case 'arith': {
      const left = sub(node.left);
      const right = sub(node.right);
      const op = node.op;
      return (values) => arithmetic(op, left(values), right(values));
    }
    case 'logical': {
      const left = sub(node.left);
      const right = sub(node.right);
      if (node.op === 'and') {
        return (values) => {
          const a = truth(left(values));
          if (a === false) return false;
          const b = truth(right(values));
          if (b === false) return false;
          return a === null || b === null ? null : true;
        };
      }
      return (values) => {
        const a = truth(left(values));
        if (a === true) return true;
        const b = truth(right(values));
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    }
    case 'in': {
      const value = sub(node.value);
      const list = node.list.map(sub);
      return (values) => {
        const v = value(values);
        if (v === null || v === undefined) return null;
        for (const item of list) if (valuesEqual(v, item(values))) return true;
        return false;
      };
    }
    case 'conditional': {
      const test = sub(node.test);
      const then = sub(node.then);
      const otherwise = sub(node.else);
      return (values) => (truth(test(values)) === true ? then(values) : otherwise(values));
    }
    case 'call':
      return compileCall(node.fn, node.args, sub);
  }
  throw new Error('unreachable expression node');
}

function compileCall(fn: string, argNodes: ExprNode[], sub: (n: ExprNode) => Evaluator): Evaluator {
  const args = argNodes.map(sub);
  const first = args[0] as Evaluator;
  switch (fn) {
    case 'len': return (values) => { const t = text(first(values)); return t === null ? null : codePointLength(t); };
    case 'lower': return (values) => text(first(values))?.toLowerCase() ?? null;
    case 'upper': return (values) => text(first(values))?.toUpperCase() ?? null;
    case 'trim': return (values) => text(first(values))?.trim() ?? null;
    case 'is_missing': return (values) => { const v = first(values); return v === null || v === undefined || v === ''; };
    case 'abs': return (values) => {
      const v = asComparable(first(values));
      if (typeof v === 'bigint') return v < 0n ? -v : v;
      return typeof v === 'number' ? Math.abs(v) : null;
    };
    case 'min': case 'max': {
      const sign = fn === 'max' ? 1 : -1;
      return (values) => extreme(args.map((a) => a(values)), sign);
    }
    case 'coalesce': return (values) => {
      for (const arg of args) { const v = arg(values); if (v !== null && v !== undefined) return v; }
      return null;
    };
    case 'matches': {
      const pattern = (argNodes[1] as { value: string }).value;
      const regex = linearRegex(pattern);
      return (values) => {
        const t = text(first(values));
        return t === null ? null : regex.testWhole(t);
      };
    }
  }
  throw new Error(`unknown function ${fn}`);
}
