import { CastFailure } from './cast-failure.js';
import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES, STRING_FORMATS } from './cast.js';
import { checkTemporalPattern } from './cast-temporal.js';
import { LENGTH_TYPES, ORDERED_TYPES, castConstraintValue } from './constraint-values.js';
import { FIELD_TYPES, type CastOptions, type ConstraintModel, type FieldModel, type FieldType } from './model.js';
import { at, describeJson, isPlainObject, type ProblemList } from './problems.js';
import { checkPatternSafety } from './safe-regex.js';
import { parseTransforms } from './transforms.js';

const BOUND_KEYS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;
const KNOWN_CONSTRAINTS = new Set(['required', 'unique', ...BOUND_KEYS, 'minLength', 'maxLength', 'pattern', 'enum']);
const SLUICE_FIELD_KEYS = new Set(['sluice:transforms']);

/** Checks one entry of `fields`, adding every problem found; returns null only when the entry is unusable. */
export function parseField(raw: unknown, path: string, missingValues: string[], problems: ProblemList): FieldModel | null {
  if (!isPlainObject(raw)) {
    problems.add(path, `must be an object with at least a "name", not ${describeJson(raw)}`);
    return null;
  }
  const nameOk = typeof raw.name === 'string' && raw.name !== '';
  if (!nameOk) problems.add(at(path, 'name'), 'must be a non-empty string');
  const typeProblems = problems.items.length;
  const type = parseType(raw.type, at(path, 'type'), problems);
  const typeOk = problems.items.length === typeProblems;
  const cast = parseCastOptions(raw, type, path, problems);
  for (const key of Object.keys(raw)) {
    if (key.startsWith('sluice:') && !SLUICE_FIELD_KEYS.has(key)) problems.add(at(path, key), `unknown Sluice property (known: ${[...SLUICE_FIELD_KEYS].join(', ')})`);
  }
  let fieldMissing = missingValues;
  if (raw.missingValues !== undefined) {
    if (isStringArray(raw.missingValues)) fieldMissing = raw.missingValues;
    else problems.add(at(path, 'missingValues'), 'must be an array of strings');
  }
  const transforms = raw['sluice:transforms'] === undefined
    ? { transforms: [], rename: null, drop: false }
    : parseTransforms(raw['sluice:transforms'], at(path, 'sluice:transforms'), problems);
  // With an unknown type, constraint checks would only repeat that problem in other words.
  const { constraints, required, unique } = typeOk
    ? parseConstraints(raw.constraints, type, cast, at(path, 'constraints'), problems)
    : { constraints: {}, required: false, unique: false };
  if (!nameOk) return null;
  const name = raw.name as string;
  return {
    name,
    source: transforms.rename ?? name,
    type,
    cast,
    missingValues: fieldMissing,
    required,
    unique,
    constraints,
    transforms: transforms.transforms,
    drop: transforms.drop,
    hasDefault: transforms.transforms.some((t) => t.op === 'default'),
  };
}

function parseType(raw: unknown, path: string, problems: ProblemList): FieldType {
  if (raw === undefined) return 'string';
  if (typeof raw === 'string' && (FIELD_TYPES as readonly string[]).includes(raw)) return raw as FieldType;
  problems.add(path, `unknown type ${JSON.stringify(raw)} (expected one of ${FIELD_TYPES.join(', ')})`);
  return 'string';
}

function parseCastOptions(raw: Record<string, unknown>, type: FieldType, path: string, problems: ProblemList): CastOptions {
  const options: CastOptions = {
    format: 'default', trueValues: DEFAULT_TRUE_VALUES, falseValues: DEFAULT_FALSE_VALUES,
    bareNumber: true, groupChar: '', decimalChar: '.',
  };
  if (raw.format !== undefined) {
    if (typeof raw.format !== 'string') problems.add(at(path, 'format'), 'must be a string');
    else {
      options.format = raw.format;
      const problem = formatProblem(type, raw.format);
      if (problem) problems.add(at(path, 'format'), problem);
    }
  }
  for (const key of ['trueValues', 'falseValues'] as const) {
    if (raw[key] === undefined) continue;
    if (isStringArray(raw[key])) options[key] = raw[key];
    else problems.add(at(path, key), 'must be an array of strings');
  }
  if (raw.bareNumber !== undefined) {
    if (typeof raw.bareNumber === 'boolean') options.bareNumber = raw.bareNumber;
    else problems.add(at(path, 'bareNumber'), 'must be true or false');
  }
  for (const key of ['groupChar', 'decimalChar'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] === 'string' && raw[key] !== '') options[key] = raw[key];
    else problems.add(at(path, key), 'must be a non-empty string');
  }
  if (options.groupChar !== '' && options.groupChar === options.decimalChar) {
    problems.add(at(path, 'groupChar'), 'must differ from decimalChar');
  }
  return options;
}

function formatProblem(type: FieldType, format: string): string | null {
  if (type === 'string') {
    return format in STRING_FORMATS ? null : `unknown string format "${format}" (expected one of ${Object.keys(STRING_FORMATS).join(', ')})`;
  }
  if (type === 'date' || type === 'datetime' || type === 'time') {
    return format === 'default' || format === 'any' ? null : checkTemporalPattern(format);
  }
  if (type === 'geopoint') return ['default', 'array', 'object'].includes(format) ? null : 'geopoint format must be default, array or object';
  // Other types have no formats in Table Schema; tools disagree on extras, so they are ignored rather than refused.
  return null;
}

interface ParsedConstraints { constraints: ConstraintModel; required: boolean; unique: boolean }

function parseConstraints(raw: unknown, type: FieldType, cast: CastOptions, path: string, problems: ProblemList): ParsedConstraints {
  const result: ParsedConstraints = { constraints: {}, required: false, unique: false };
  if (raw === undefined) return result;
  if (!isPlainObject(raw)) {
    problems.add(path, `must be an object, not ${describeJson(raw)}`);
    return result;
  }
  for (const [key, value] of Object.entries(raw)) {
    const here = at(path, key);
    if (!KNOWN_CONSTRAINTS.has(key)) {
      // Namespaced keys belong to other tools; a bare unknown key is most likely a typo.
      if (!key.includes(':')) problems.add(here, `unknown constraint (known: ${[...KNOWN_CONSTRAINTS].join(', ')})`);
      continue;
    }
    if (key === 'required' || key === 'unique') {
      if (typeof value !== 'boolean') problems.add(here, 'must be true or false');
      else result[key] = value;
    } else if (key === 'minLength' || key === 'maxLength') {
      if (!LENGTH_TYPES.has(type)) problems.add(here, `does not apply to type ${type}`);
      else if (!Number.isInteger(value) || (value as number) < 0) problems.add(here, 'must be a whole number ≥ 0');
      else result.constraints[key] = value as number;
    } else if (key === 'pattern') {
      const problem = typeof value === 'string' ? checkPatternSafety(value) : 'must be a regular expression string';
      if (problem) problems.add(here, problem);
      else result.constraints.pattern = value as string;
    } else if (key === 'enum') {
      if (!Array.isArray(value) || value.length === 0) {
        problems.add(here, 'must be a non-empty array');
        continue;
      }
      const bad = value.map((entry, i) => [i, castConstraintValue(type, cast, entry)] as const).filter(([, v]) => v instanceof CastFailure);
      for (const [i, failure] of bad) problems.add(at(here, i), `${JSON.stringify(value[i])} ${(failure as CastFailure).text}`);
      if (bad.length === 0) result.constraints.enum = value;
    } else {
      const bound = key as (typeof BOUND_KEYS)[number];
      if (!ORDERED_TYPES.has(type)) {
        problems.add(here, `does not apply to type ${type}`);
        continue;
      }
      const casted = castConstraintValue(type, cast, value);
      if (casted instanceof CastFailure || (typeof value !== 'number' && typeof value !== 'string')) {
        problems.add(here, `${JSON.stringify(value)} ${casted instanceof CastFailure ? casted.text : 'must be a number or a string'}`);
      } else result.constraints[bound] = value;
    }
  }
  const { minLength, maxLength } = result.constraints;
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
    problems.add(at(path, 'minLength'), `is greater than maxLength (${minLength} > ${maxLength})`);
  }
  return result;
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
