import type { RowFailure } from '../types.js';
import type { SqlValue } from './contract.js';
import { CastFailure } from './cast-failure.js';
import { jsonToSql, makeCaster, type Caster } from './cast.js';
import { castConstraintValue } from './constraint-values.js';
import { fieldFailure, requiredFailure } from './messages.js';
import type { FieldModel } from './model.js';
import { linearRegex } from './safe-regex.js';
import { buildTransform } from './transforms.js';

/** Receives failures; the row validator and the column-wise preview each supply their own. */
export interface FailureSink {
  fail(failure: RowFailure): void;
}

/**
 * Checks one field of one row: reads `values[sourceIndex]`, writes the table
 * value to `out[outIndex]` and the logical value (what row rules read) to
 * `logical[slot]`. Everything that depends only on the schema is worked out
 * when this closure is built, so a valid cell costs a transform, a cast and a
 * few comparisons with no allocation.
 */
export type FieldCheck = (values: readonly unknown[], out: SqlValue[], logical: unknown[], sink: FailureSink) => void;

export interface FieldPlacement {
  sourceIndex: number;
  /** -1 when the field is dropped. */
  outIndex: number;
  slot: number;
}

type ConstraintCheck = (typed: unknown, text: unknown, raw: unknown, sink: FailureSink) => void;

export function missingTest(missingValues: readonly string[]): (value: unknown) => boolean {
  if (missingValues.length === 1 && missingValues[0] === '') return (v) => v === '' || v === null || v === undefined;
  if (missingValues.length === 0) return (v) => v === null || v === undefined;
  const set = new Set(missingValues);
  return (v) => v === null || v === undefined || (typeof v === 'string' && set.has(v));
}

export function buildFieldCheck(field: FieldModel, place: FieldPlacement, sourceKind: 'csv' | 'jsonl', redact: boolean): FieldCheck {
  const { sourceIndex, outIndex, slot } = place;
  const { name, required } = field;
  const isMissing = missingTest(field.missingValues);
  const transform = buildTransform(field.transforms, isMissing);
  const caster = makeCaster(field.type, field.cast, sourceKind);
  const checks = buildConstraintChecks(field, caster, redact);
  const cast = caster.cast;
  const toSql = caster.toSql;
  const checkCount = checks.length;
  return (values, out, logical, sink) => {
    const raw = sourceIndex >= 0 ? values[sourceIndex] : undefined;
    const value = transform === null ? raw : transform(raw);
    if (isMissing(value)) {
      logical[slot] = null;
      if (outIndex >= 0) out[outIndex] = null;
      if (required) sink.fail(requiredFailure(name));
      return;
    }
    const typed = cast(value);
    if (typed instanceof CastFailure) {
      logical[slot] = null;
      // The preview shows what the cell held after transforms, even when it could not be cast.
      if (outIndex >= 0) out[outIndex] = jsonToSql(value);
      sink.fail(fieldFailure(name, typed.rule, typed.text, raw, redact));
      return;
    }
    logical[slot] = typed;
    if (outIndex >= 0) out[outIndex] = toSql(typed);
    for (let i = 0; i < checkCount; i += 1) (checks[i] as ConstraintCheck)(typed, value, raw, sink);
  };
}

const BOUNDS = {
  minimum: { fails: (c: number) => c < 0, text: (b: string) => `is less than the minimum ${b}` },
  maximum: { fails: (c: number) => c > 0, text: (b: string) => `is greater than the maximum ${b}` },
  exclusiveMinimum: { fails: (c: number) => c <= 0, text: (b: string) => `must be greater than ${b}` },
  exclusiveMaximum: { fails: (c: number) => c >= 0, text: (b: string) => `must be less than ${b}` },
} as const;

function compare(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function buildConstraintChecks(field: FieldModel, caster: Caster, redact: boolean): ConstraintCheck[] {
  const { name, constraints } = field;
  const checks: ConstraintCheck[] = [];
  const fail = (sink: FailureSink, rule: string, text: string, raw: unknown): void => sink.fail(fieldFailure(name, rule, text, raw, redact));
  for (const rule of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    const written = constraints[rule];
    if (written === undefined) continue;
    const bound = castConstraintValue(field.type, field.cast, written);
    const { fails } = BOUNDS[rule];
    const text = BOUNDS[rule].text(String(written));
    const notFinite = `is not a finite number (${rule} ${String(written)})`;
    checks.push((typed, _text, raw, sink) => {
      // NaN compares false with everything and ±INF is no bound's neighbour: neither is within a range.
      if (typeof typed === 'number' && !Number.isFinite(typed)) fail(sink, rule, notFinite, raw);
      else if (fails(compare(typed, bound))) fail(sink, rule, text, raw);
    });
  }
  const length = caster.length;
  if (length !== null) {
    const unit = field.type === 'array' ? 'items' : field.type === 'object' || field.type === 'geojson' ? 'keys' : 'characters';
    const { minLength, maxLength } = constraints;
    if (minLength !== undefined) {
      const text = `is shorter than ${minLength} ${unit}`;
      checks.push((typed, _text, raw, sink) => { if (length(typed) < minLength) fail(sink, 'minLength', text, raw); });
    }
    if (maxLength !== undefined) {
      const text = `is longer than ${maxLength} ${unit}`;
      checks.push((typed, _text, raw, sink) => { if (length(typed) > maxLength) fail(sink, 'maxLength', text, raw); });
    }
  }
  if (constraints.pattern !== undefined) {
    // Table Schema patterns match the whole value; RE2 keeps every test linear in the value's length.
    const regex = linearRegex(constraints.pattern);
    const text = `does not match the pattern ${constraints.pattern}`;
    checks.push((_typed, value, raw, sink) => {
      if (!regex.testWhole(typeof value === 'string' ? value : String(value))) fail(sink, 'pattern', text, raw);
    });
  }
  if (constraints.enum !== undefined) {
    const key = (v: unknown): unknown => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v);
    const allowed = new Set(constraints.enum.map((entry) => key(castConstraintValue(field.type, field.cast, entry))));
    const listed = constraints.enum.slice(0, 10).map((v) => JSON.stringify(v)).join(', ');
    const text = `is not one of ${listed}${constraints.enum.length > 10 ? ', …' : ''}`;
    checks.push((typed, _text, raw, sink) => { if (!allowed.has(key(typed))) fail(sink, 'enum', text, raw); });
  }
  return checks;
}
