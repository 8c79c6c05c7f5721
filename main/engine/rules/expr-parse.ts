import jsep from 'jsep';
import { checkPatternSafety } from './safe-regex.js';
import type { ExprFunction, ExprNode } from './model.js';
import type { ProblemList } from './problems.js';

/**
 * Row-rule expressions are parsed by jsep (a small, dependency-free expression
 * parser that yields an AST) and converted into our own ExprNode tree. We never
 * eval user text: the tree is interpreted by expr-eval.ts, and anything outside
 * the small grammar (member access, `this`, bitwise operators, unknown
 * functions or fields) is a rule-file problem at load time.
 */

// jsep is configured once per process. Word operators read like the SQL the model may later compile to.
jsep.addBinaryOp('or', 1);
jsep.addBinaryOp('and', 2);
jsep.addBinaryOp('in', 7);
jsep.addUnaryOp('not');

const ARITY: Record<ExprFunction, [min: number, max: number]> = {
  len: [1, 1], lower: [1, 1], upper: [1, 1], trim: [1, 1], is_missing: [1, 1], abs: [1, 1],
  min: [1, Infinity], max: [1, Infinity], matches: [2, 2], coalesce: [1, Infinity],
};
const COMPARE: Record<string, '==' | '!=' | '<' | '<=' | '>' | '>='> = {
  '==': '==', '===': '==', '!=': '!=', '!==': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};
const ARITH = new Set(['+', '-', '*', '/', '%']);
const LOGICAL: Record<string, 'and' | 'or'> = { and: 'and', '&&': 'and', or: 'or', '||': 'or' };

class ExprError extends Error {}

export interface ParsedExpression {
  ast: ExprNode;
  fields: string[];
}

export function parseExpression(text: string, knownFields: ReadonlySet<string>, problems: ProblemList, path: string): ParsedExpression | null {
  let tree: jsep.Expression;
  try {
    tree = jsep(text);
  } catch (error) {
    problems.add(path, `cannot parse expression: ${(error as Error).message}`);
    return null;
  }
  const fields = new Set<string>();
  try {
    const ast = convert(tree, knownFields, fields);
    return { ast, fields: [...fields] };
  } catch (error) {
    if (!(error instanceof ExprError)) throw error;
    problems.add(path, error.message);
    return null;
  }
}

function convert(node: jsep.Expression, known: ReadonlySet<string>, used: Set<string>): ExprNode {
  const recurse = (child: unknown): ExprNode => convert(child as jsep.Expression, known, used);
  switch (node.type) {
    case 'Literal': {
      const value = (node as jsep.Literal).value;
      if (value instanceof RegExp) throw new ExprError('regular expression literals are not supported; use matches(field, "pattern")');
      return { kind: 'literal', value };
    }
    case 'Identifier':
      return fieldNode((node as jsep.Identifier).name, known, used);
    case 'UnaryExpression': {
      const { operator, argument } = node as jsep.UnaryExpression;
      if (operator === 'not' || operator === '!') return { kind: 'unary', op: 'not', arg: recurse(argument) };
      if (operator === '-' || operator === '+') return { kind: 'unary', op: operator, arg: recurse(argument) };
      throw new ExprError(`operator "${operator}" is not supported`);
    }
    case 'BinaryExpression': {
      const { operator, left, right } = node as jsep.BinaryExpression;
      const compare = COMPARE[operator];
      if (compare) {
        if (left.type === 'UnaryExpression' && (left as jsep.UnaryExpression).operator === 'not') {
          throw new ExprError('"not" applies only to the operand right after it; write not (a == b) to negate a comparison');
        }
        return { kind: 'compare', op: compare, left: recurse(left), right: recurse(right) };
      }
      const logical = LOGICAL[operator];
      if (logical) return { kind: 'logical', op: logical, left: recurse(left), right: recurse(right) };
      if (ARITH.has(operator)) return { kind: 'arith', op: operator as '+', left: recurse(left), right: recurse(right) };
      if (operator === 'in') {
        if (right.type !== 'ArrayExpression') throw new ExprError('"in" needs a list on its right, e.g. plan in ["pro", "team"]');
        const elements = (right as jsep.ArrayExpression).elements;
        if (elements.some((e) => e === null)) throw new ExprError('the list after "in" has an empty slot');
        return { kind: 'in', value: recurse(left), list: elements.map(recurse) };
      }
      throw new ExprError(`operator "${operator}" is not supported (use ==, !=, <, <=, >, >=, + - * / %, and, or, not, in)`);
    }
    case 'ConditionalExpression': {
      const { test, consequent, alternate } = node as jsep.ConditionalExpression;
      return { kind: 'conditional', test: recurse(test), then: recurse(consequent), else: recurse(alternate) };
    }
    case 'CallExpression':
      return callNode(node as jsep.CallExpression, known, used);
    case 'ArrayExpression':
      throw new ExprError('lists are only allowed after "in"');
    case 'Compound':
      throw new ExprError('an expression must be a single condition (found several separated by "," or ";")');
    case 'MemberExpression':
      throw new ExprError('"." and [] access are not supported; for a field name with odd characters write field("my field")');
    default:
      throw new ExprError(`"${node.type}" is not supported in row rules`);
  }
}

function fieldNode(name: string, known: ReadonlySet<string>, used: Set<string>): ExprNode {
  if (!known.has(name)) {
    const hint = closest(name, known);
    throw new ExprError(`unknown field "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
  used.add(name);
  return { kind: 'field', name };
}

function callNode(node: jsep.CallExpression, known: ReadonlySet<string>, used: Set<string>): ExprNode {
  if (node.callee.type !== 'Identifier') throw new ExprError('only the built-in functions can be called');
  const name = (node.callee as jsep.Identifier).name;
  const args = node.arguments;
  if (name === 'field') {
    const only = args[0];
    if (args.length !== 1 || only?.type !== 'Literal' || typeof (only as jsep.Literal).value !== 'string') {
      throw new ExprError('field() takes one quoted field name, e.g. field("signup date")');
    }
    return fieldNode((only as jsep.Literal).value as string, known, used);
  }
  // Own properties only: `constructor`, `__proto__` and `toString` are Object.prototype's, not the interpreter's functions.
  const arity = Object.hasOwn(ARITY, name) ? ARITY[name as ExprFunction] : undefined;
  if (!arity) throw new ExprError(`unknown function "${name}" (available: ${Object.keys(ARITY).join(', ')}, field)`);
  if (args.length < arity[0] || args.length > arity[1]) {
    throw new ExprError(`${name}() takes ${arity[0] === arity[1] ? arity[0] : `at least ${arity[0]}`} argument(s), got ${args.length}`);
  }
  if (name === 'matches') {
    const pattern = args[1];
    if (pattern?.type !== 'Literal' || typeof (pattern as jsep.Literal).value !== 'string') {
      throw new ExprError('the pattern of matches() must be a quoted string, so it can be checked when the rules load');
    }
    const unsafe = checkPatternSafety((pattern as jsep.Literal).value as string);
    if (unsafe) throw new ExprError(`matches(): ${unsafe}`);
  }
  return { kind: 'call', fn: name as ExprFunction, args: args.map((a) => convert(a, known, used)) };
}

function closest(name: string, known: ReadonlySet<string>): string | null {
  const lower = name.toLowerCase();
  for (const candidate of known) if (candidate.toLowerCase() === lower) return candidate;
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
