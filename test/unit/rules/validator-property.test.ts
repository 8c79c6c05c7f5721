import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileRules, parseRuleFile, type SqlValue } from '../../../main/engine/rules/index.js';

/**
 * The compiled validator (closures, fast paths, lookup tables) must agree with
 * this deliberately plain interpreter of the same rules on random schemas and rows.
 */

type Type = 'string' | 'integer' | 'number' | 'boolean' | 'date';
interface FieldSpec {
  name: string; type: Type; required: boolean; transforms: string[]; defaultValue: string | null;
  minimum: number | string | null; maximum: number | string | null; minLength: number | null; maxLength: number | null;
  pattern: string | null; enumValues: (string | number)[] | null;
}
interface RuleSpec { left: string; op: '==' | '!=' | '<' | '<=' | '>' | '>='; right: string }

const TOKENS = ['', ' ', '007', '-3', '+4', '12', '1.5', '.5', '1e3', 'abc', 'Abc', ' 7 ', 'true', 'TRUE', 'false', '0', '1', 'x y', 'b',
  '2024-01-31', '2023-02-29', '2024-12-01', ' 2024-01-31', 'ABC', '99', 'é'];
const PATTERNS = ['[a-z]+', '\\d+', '.*b.*', '[A-Z][a-z]*'];
const TRUE = new Set(['true', 'True', 'TRUE', '1']);
const FALSE = new Set(['false', 'False', 'FALSE', '0']);

function refCast(type: Type, text: string): { ok: true; value: unknown } | { ok: false } {
  switch (type) {
    case 'string': return { ok: true, value: text };
    case 'integer': return /^[+-]?\d+$/.test(text) ? { ok: true, value: Number(text) } : { ok: false };
    case 'number': return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? { ok: true, value: Number(text) } : { ok: false };
    case 'boolean': return TRUE.has(text) ? { ok: true, value: true } : FALSE.has(text) ? { ok: true, value: false } : { ok: false };
    case 'date': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return { ok: false };
      const [y, m, d] = text.split('-').map(Number) as [number, number, number];
      const date = new Date(Date.UTC(y, m - 1, d));
      return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? { ok: true, value: text } : { ok: false };
    }
  }
}

function refTransform(field: FieldSpec, text: string): string {
  let value = text;
  for (const t of field.transforms) value = t === 'trim' ? value.trim() : t === 'lower' ? value.toLowerCase() : value.toUpperCase();
  if (field.defaultValue !== null && value === '') value = field.defaultValue;
  return value;
}

const num = (v: unknown): unknown => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
function refEqual(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return (a === null || a === '') && (b === null || b === '');
  return num(a) === num(b);
}
function refRule(rule: RuleSpec, values: Map<string, unknown>): boolean {
  const a = values.get(rule.left) ?? null;
  const b = values.get(rule.right) ?? null;
  if (rule.op === '==') return refEqual(a, b);
  if (rule.op === '!=') return !refEqual(a, b);
  if (a === null || b === null) return true;
  const x = num(a);
  const y = num(b);
  if (typeof x !== typeof y) return true; // unknown: a rule fails only when definitely false
  const c = (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
  return rule.op === '<' ? c < 0 : rule.op === '<=' ? c <= 0 : rule.op === '>' ? c > 0 : c >= 0;
}

function reference(fields: FieldSpec[], rules: RuleSpec[], row: string[]): { out: unknown[]; failures: string[] } {
  const out: unknown[] = [];
  const failures: string[] = [];
  const logical = new Map<string, unknown>();
  fields.forEach((field, i) => {
    const value = refTransform(field, row[i] as string);
    logical.set(field.name, null);
    if (value === '') {
      out.push(null);
      if (field.required) failures.push(`${field.name}:required`);
      return;
    }
    const cast = refCast(field.type, value);
    if (!cast.ok) {
      out.push(value);
      failures.push(`${field.name}:type`);
      return;
    }
    const v = cast.value;
    logical.set(field.name, v);
    out.push(typeof v === 'boolean' ? (v ? 1 : 0) : v);
    const length = [...value].length;
    if (field.minimum !== null && (v as number) < (field.minimum as number)) failures.push(`${field.name}:minimum`);
    if (field.maximum !== null && (v as number) > (field.maximum as number)) failures.push(`${field.name}:maximum`);
    if (field.minLength !== null && length < field.minLength) failures.push(`${field.name}:minLength`);
    if (field.maxLength !== null && length > field.maxLength) failures.push(`${field.name}:maxLength`);
    if (field.pattern !== null && !new RegExp(`^(?:${field.pattern})$`, 'u').test(value)) failures.push(`${field.name}:pattern`);
    if (field.enumValues !== null && !field.enumValues.some((e) => refCast(field.type, String(e)).ok && (refCast(field.type, String(e)) as { value: unknown }).value === v)) {
      failures.push(`${field.name}:enum`);
    }
  });
  rules.forEach((rule, k) => { if (!refRule(rule, logical)) failures.push(`(row):rule${k}`); });
  return { out, failures };
}

function toSchema(fields: FieldSpec[], rules: RuleSpec[]): unknown {
  return {
    fields: fields.map((f) => {
      const constraints: Record<string, unknown> = {};
      if (f.required) constraints.required = true;
      for (const key of ['minimum', 'maximum', 'minLength', 'maxLength', 'pattern'] as const) if (f[key] !== null) constraints[key] = f[key];
      if (f.enumValues !== null) constraints.enum = f.enumValues;
      const transforms: unknown[] = [...f.transforms];
      if (f.defaultValue !== null) transforms.push({ op: 'default', value: f.defaultValue });
      return { name: f.name, type: f.type, constraints, 'sluice:transforms': transforms };
    }),
    'sluice:rowRules': rules.map((r, k) => ({ name: `rule${k}`, expr: `${r.left} ${r.op} ${r.right}` })),
  };
}

const fieldArb = (name: string): fc.Arbitrary<FieldSpec> => fc.constantFrom<Type>('string', 'integer', 'number', 'boolean', 'date').chain((type) => {
  const numeric = type === 'integer' || type === 'number';
  const bound = numeric ? fc.option(fc.integer({ min: -5, max: 20 }), { nil: null })
    : type === 'date' ? fc.option(fc.constantFrom('2024-01-01', '2024-06-30'), { nil: null }) : fc.constant(null);
  const length = type === 'string' ? fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }) : fc.constant(null);
  const enumArb = type === 'string' ? fc.option(fc.uniqueArray(fc.constantFrom(...TOKENS.filter((t) => t !== '')), { minLength: 1, maxLength: 4 }), { nil: null })
    : type === 'integer' ? fc.option(fc.uniqueArray(fc.integer({ min: -5, max: 15 }), { minLength: 1, maxLength: 4 }), { nil: null }) : fc.constant(null);
  return fc.record({
    name: fc.constant(name), type: fc.constant(type), required: fc.boolean(),
    transforms: fc.subarray(['trim', 'lower', 'upper']),
    defaultValue: fc.option(fc.constantFrom(...TOKENS.filter((t) => t !== '')), { nil: null, freq: 4 }),
    minimum: bound, maximum: bound, minLength: length, maxLength: length,
    pattern: type === 'string' ? fc.option(fc.constantFrom(...PATTERNS), { nil: null }) : fc.constant(null),
    enumValues: enumArb as fc.Arbitrary<(string | number)[] | null>,
  });
});

const caseArb = fc.integer({ min: 1, max: 5 }).chain((count) => {
  const names = Array.from({ length: count }, (_, i) => `f${i}`);
  return fc.record({
    fields: fc.tuple(...names.map(fieldArb)),
    rules: fc.array(fc.record({
      left: fc.constantFrom(...names), right: fc.constantFrom(...names),
      op: fc.constantFrom<RuleSpec['op']>('==', '!=', '<', '<=', '>', '>='),
    }), { maxLength: 3 }),
    rows: fc.array(fc.array(fc.constantFrom(...TOKENS), { minLength: count, maxLength: count }), { minLength: 1, maxLength: 20 }),
  });
});

test('compiled validator agrees with a plain reference interpreter', () => {
  fc.assert(fc.property(caseArb, ({ fields: drawn, rules, rows }) => {
    // The rule file refuses minLength > maxLength, so the generator never offers it.
    const fields = drawn.map((f) => (f.minLength !== null && f.maxLength !== null && f.minLength > f.maxLength
      ? { ...f, minLength: f.maxLength, maxLength: f.minLength } : f));
    const names = fields.map((f) => f.name);
    const compiled = compileRules(parseRuleFile(toSchema(fields, rules)), { sourceColumns: names, redact: false, sourceKind: 'csv' });
    for (const row of rows) {
      const out: SqlValue[] = new Array(names.length).fill(null);
      const outcome = compiled.validate(row, out);
      const actual = [...(outcome?.errors ?? []), ...(outcome?.warnings ?? [])].map((f) => `${f.field ?? '(row)'}:${f.rule}`);
      const expected = reference(fields, rules, row);
      assert.deepEqual(actual, expected.failures, `row ${JSON.stringify(row)}`);
      assert.deepEqual(out, expected.out, `row ${JSON.stringify(row)}`);
    }
  }), { numRuns: 400 });
});
