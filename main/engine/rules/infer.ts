import { CastFailure } from './cast-failure.js';
import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES, STRING_FORMATS, makeCaster } from './cast.js';
import { makeTemporalParser } from './cast-temporal.js';
import type { CastOptions, FieldDescriptor, FieldType, RuleFile } from './model.js';

/**
 * Drafts a rule file from a sample. Every guess is one the sample fully
 * supports, so the draft accepts every row it was inferred from; the user
 * then loosens or tightens it in the editor. Deliberate refusals:
 *   - numbers with leading zeros ("02134") stay strings: they are codes, and
 *     casting would lose the zeros;
 *   - D/M/Y versus M/D/Y is chosen only when some day is above 12;
 *   - a column of only 0/1 is an integer, not a boolean (flags and counts look alike).
 */

export interface InferOptions {
  /** Text columns with at most this many distinct values become enums (default 10)… */
  enumMaxDistinct?: number;
  /** …when the sample has at least this many rows (default 20). */
  enumMinRows?: number;
  /** 'observed' (default) writes the sample's min/max as minimum/maximum; 'none' leaves bounds out. */
  bounds?: 'observed' | 'none';
}

interface Sample { columns: string[]; rows: unknown[][] }

const NA_TOKENS = new Set(['NA', 'N/A', 'n/a', 'na', 'null', 'NULL', 'None', 'none', '-', 'nan', 'NaN', '#N/A']);
const DATE_PATTERNS = ['%d/%m/%Y', '%m/%d/%Y', '%Y/%m/%d', '%d.%m.%Y'];
const NAME_HINTS: [RegExp, number][] = [[/^id$/i, 3], [/(_id|Id|\sid)$/, 2], [/^(key|code|uuid|guid)$/i, 1]];
const DEFAULT_CAST: CastOptions = {
  format: 'default', trueValues: DEFAULT_TRUE_VALUES, falseValues: DEFAULT_FALSE_VALUES, bareNumber: true, groupChar: '', decimalChar: '.',
};

const isMissing = (v: unknown): boolean => v === undefined || v === null || v === '';

function allCast(type: FieldType, format: string, values: readonly unknown[]): unknown[] | null {
  const caster = makeCaster(type, { ...DEFAULT_CAST, format }, 'jsonl');
  const result: unknown[] = [];
  for (const value of values) {
    const cast = caster.cast(value);
    if (cast instanceof CastFailure) return null;
    result.push(cast);
  }
  return result;
}

interface Guess { type: FieldType; format: string; typed: unknown[] }

function guessType(values: readonly unknown[]): Guess {
  const kinds = new Set(values.map((v) => (Array.isArray(v) ? 'array' : typeof v)));
  if (kinds.size === 1 && (kinds.has('object') || kinds.has('array'))) {
    const type = kinds.has('array') ? 'array' : 'object';
    return { type, format: 'default', typed: values as unknown[] };
  }
  if ([...kinds].some((k) => k !== 'string' && k !== 'number' && k !== 'boolean')) return { type: 'any', format: 'default', typed: [...values] };
  const texts = values.map((v) => String(v));
  const codeLike = texts.some((t) => /^[+-]?0\d/.test(t));
  const onlyBits = texts.every((t) => t === '0' || t === '1');
  const tries: [FieldType, string][] = [];
  if (!onlyBits) tries.push(['boolean', 'default']);
  if (!codeLike) tries.push(['integer', 'default'], ['number', 'default']);
  tries.push(['date', 'default'], ['datetime', 'default'], ['time', 'default']);
  for (const [type, format] of tries) {
    if (type === 'number' && texts.some((t) => /^[+-]?(NaN|INF)$/.test(t))) continue;
    const typed = allCast(type, format, values);
    if (typed) return { type, format, typed };
  }
  if (values.every((v) => typeof v === 'string')) {
    const parsers = DATE_PATTERNS.filter((p) => texts.every((t) => makeTemporalParser('date', p)(t) !== null));
    if (parsers.length === 1) return { type: 'date', format: parsers[0] as string, typed: allCast('date', parsers[0] as string, values) as unknown[] };
  }
  return { type: 'string', format: 'default', typed: texts };
}

function stringFormat(texts: readonly string[]): string | null {
  for (const format of ['email', 'uuid'] as const) {
    const check = STRING_FORMATS[format];
    if (check && texts.every((t) => check.regex.test(t))) return format;
  }
  return texts.every((t) => /^https?:\/\/\S+$/.test(t)) ? 'uri' : null;
}

interface ColumnFacts { field: FieldDescriptor; unique: boolean; required: boolean }

function inferColumn(name: string, raw: readonly unknown[], options: Required<InferOptions>): ColumnFacts {
  const present = raw.filter((v) => !isMissing(v));
  const required = present.length === raw.length && raw.length > 0;
  const field: FieldDescriptor = { name };
  if (present.length === 0) return { field: { name, type: 'string' }, unique: false, required: false };
  let guess = guessType(present);
  const tokens = new Set(present.filter((v) => typeof v === 'string' && NA_TOKENS.has(v)) as string[]);
  const rest = present.filter((v) => !(typeof v === 'string' && tokens.has(v)));
  if (guess.type === 'string' && tokens.size > 0 && rest.length > 0) {
    const narrowed = guessType(rest);
    if (narrowed.type !== 'string') {
      guess = narrowed;
      field.missingValues = ['', ...[...tokens].sort()];
    }
  }
  const typedRequired = required && field.missingValues === undefined;
  field.type = guess.type;
  if (guess.format !== 'default') field.format = guess.format;
  const constraints: NonNullable<FieldDescriptor['constraints']> = {};
  if (typedRequired) constraints.required = true;
  const keyOf = (v: unknown): unknown => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v);
  const distinct = new Set(guess.typed.map(keyOf));
  if (guess.type === 'string') {
    const texts = guess.typed as string[];
    const format = stringFormat(texts);
    if (format) field.format = format;
    else if (raw.length >= options.enumMinRows && distinct.size <= options.enumMaxDistinct && distinct.size < texts.length) {
      constraints.enum = [...distinct].sort() as string[];
    }
  }
  const numeric = guess.type === 'integer' || guess.type === 'number' || guess.type === 'year';
  if (numeric && options.bounds === 'observed' && guess.typed.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const numbers = guess.typed as number[];
    constraints.minimum = Math.min(...numbers);
    constraints.maximum = Math.max(...numbers);
  }
  if (Object.keys(constraints).length > 0) field.constraints = constraints;
  return { field, unique: distinct.size === guess.typed.length, required: typedRequired };
}

function pickPrimaryKey(columns: readonly string[], facts: readonly ColumnFacts[], rowCount: number): string | null {
  if (rowCount < 2) return null;
  let best: { name: string; score: number } | null = null;
  facts.forEach((fact, i) => {
    const type = fact.field.type;
    if (!fact.unique || !fact.required || (type !== 'integer' && type !== 'string') || fact.field.constraints?.enum) return;
    const name = columns[i] as string;
    const hint = NAME_HINTS.find(([regex]) => regex.test(name))?.[1] ?? 0;
    // Without a telling name, only a leading integer column is a credible key: a unique email in a sample is not.
    const score = hint > 0 ? hint : i === 0 && type === 'integer' ? 0.5 : 0;
    if (score > 0 && (best === null || score > best.score)) best = { name, score };
  });
  return (best as { name: string } | null)?.name ?? null;
}

export function inferRules(sample: Sample, options: InferOptions = {}): RuleFile {
  const settings: Required<InferOptions> = { enumMaxDistinct: 10, enumMinRows: 20, bounds: 'observed', ...options };
  const facts = sample.columns.map((name, c) => inferColumn(name, sample.rows.map((row) => row[c]), settings));
  const ruleFile: RuleFile = { fields: facts.map((f) => f.field) };
  const key = pickPrimaryKey(sample.columns, facts, sample.rows.length);
  if (key !== null) ruleFile.primaryKey = key;
  return ruleFile;
}
