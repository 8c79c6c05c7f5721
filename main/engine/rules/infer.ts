import { CastFailure } from './cast-failure.js';
import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES, STRING_FORMATS, makeCaster } from './cast.js';
import { makeTemporalParser } from './cast-temporal.js';
import type { CastOptions, FieldDescriptor, FieldType, RuleFile } from './model.js';

/**
 * Drafts a rule file from a sample. Real files carry a few bad values, so a
 * guess holds when all but a small share of the sample supports it (at most
 * 5%, and only in samples of 10 values or more): the draft then quarantines
 * those outliers instead of giving up on the column's type. The user
 * loosens or tightens it in the editor. Deliberate refusals:
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
  /**
   * 'sign' (default) sets minimum 0 for columns that are (almost) never
   * negative; 'observed' writes the sample's min/max, which rejects any later
   * value outside the sample's range; 'none' leaves bounds out.
   */
  bounds?: 'sign' | 'observed' | 'none';
}

interface Sample { columns: string[]; rows: unknown[][] }

const NA_TOKENS = new Set(['NA', 'N/A', 'n/a', 'na', 'null', 'NULL', 'None', 'none', '-', 'nan', 'NaN', '#N/A']);
const DATE_PATTERNS = ['%d/%m/%Y', '%m/%d/%Y', '%Y/%m/%d', '%d.%m.%Y'];
const NAME_HINTS: [RegExp, number][] = [[/^id$/i, 3], [/(_id|Id|\sid)$/, 2], [/^(key|code|uuid|guid)$/i, 1]];
const DEFAULT_CAST: CastOptions = {
  format: 'default', trueValues: DEFAULT_TRUE_VALUES, falseValues: DEFAULT_FALSE_VALUES, bareNumber: true, groupChar: '', decimalChar: '.',
};

const isMissing = (v: unknown): boolean => v === undefined || v === null || v === '';

/** How many values of a sample may contradict a guess: none in tiny samples, then up to 5%. */
export function outlierAllowance(count: number): number {
  return count >= 10 ? Math.max(1, Math.floor(count * 0.05)) : 0;
}

/** The values that cast, or null when more than the allowance fail. */
function allCast(type: FieldType, format: string, values: readonly unknown[]): unknown[] | null {
  const caster = makeCaster(type, { ...DEFAULT_CAST, format }, 'jsonl');
  const allowed = outlierAllowance(values.length);
  const result: unknown[] = [];
  let failures = 0;
  for (const value of values) {
    const cast = caster.cast(value);
    if (cast instanceof CastFailure) {
      if (++failures > allowed) return null;
    } else result.push(cast);
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
    if (typed && type === 'integer' && typed.length < values.length) {
      // 12.5 among whole numbers is a decimal column, not a bad integer.
      const asNumbers = allCast('number', format, values);
      if (asNumbers && asNumbers.length === values.length) return { type: 'number', format, typed: asNumbers };
    }
    if (typed) return { type, format, typed };
  }
  if (values.every((v) => typeof v === 'string')) {
    const allowed = outlierAllowance(texts.length);
    const parsers = DATE_PATTERNS.filter((p) => texts.filter((t) => makeTemporalParser('date', p)(t) === null).length <= allowed);
    if (parsers.length === 1) return { type: 'date', format: parsers[0] as string, typed: allCast('date', parsers[0] as string, values) as unknown[] };
  }
  return { type: 'string', format: 'default', typed: texts };
}

function stringFormat(texts: readonly string[]): string | null {
  const allowed = outlierAllowance(texts.length);
  const holds = (test: (text: string) => boolean) => texts.filter((t) => !test(t)).length <= allowed;
  for (const format of ['email', 'uuid'] as const) {
    const check = STRING_FORMATS[format];
    if (check && holds((t) => check.regex.test(t))) return format;
  }
  return holds((t) => /^https?:\/\/\S+$/.test(t)) ? 'uri' : null;
}

/**
 * An enum from the values seen at least twice, when they cover all but the
 * allowance of rows: a one-off value in a column of a few repeated codes is
 * more likely a mistake than a new code.
 */
function inferEnum(texts: readonly string[], options: Required<InferOptions>): string[] | null {
  const counts = new Map<string, number>();
  for (const text of texts) counts.set(text, (counts.get(text) ?? 0) + 1);
  const frequent = [...counts].filter(([, count]) => count >= 2);
  const covered = frequent.reduce((sum, [, count]) => sum + count, 0);
  if (frequent.length === 0 || frequent.length > options.enumMaxDistinct) return null;
  if (covered < texts.length - outlierAllowance(texts.length)) return null;
  return frequent.map(([text]) => text).sort();
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
    const values = inferEnum(texts, options);
    if (format) field.format = format;
    else if (raw.length >= options.enumMinRows && values) constraints.enum = values;
  }
  const numeric = guess.type === 'integer' || guess.type === 'number' || guess.type === 'year';
  if (numeric && guess.typed.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const numbers = guess.typed as number[];
    if (options.bounds === 'observed') {
      constraints.minimum = Math.min(...numbers);
      constraints.maximum = Math.max(...numbers);
    } else if (options.bounds === 'sign' && numbers.filter((n) => n < 0).length <= outlierAllowance(numbers.length)) {
      constraints.minimum = 0;
    }
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
  const settings: Required<InferOptions> = { enumMaxDistinct: 10, enumMinRows: 20, bounds: 'sign', ...options };
  const facts = sample.columns.map((name, c) => inferColumn(name, sample.rows.map((row) => row[c]), settings));
  const ruleFile: RuleFile = { fields: facts.map((f) => f.field) };
  const key = pickPrimaryKey(sample.columns, facts, sample.rows.length);
  if (key !== null) ruleFile.primaryKey = key;
  return ruleFile;
}
