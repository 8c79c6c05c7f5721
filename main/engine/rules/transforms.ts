import { checkPatternSafety, linearRegex } from './safe-regex.js';
import type { MapTarget, TransformModel } from './model.js';
import { at, describeJson, isPlainObject, type ProblemList } from './problems.js';

/**
 * Field transforms run on the source value before casting and validation, in
 * the order written. String transforms leave non-strings (JSONL numbers,
 * booleans, map results) alone, so a transform never fails a row.
 */

const SIMPLE_OPS = new Set(['trim', 'collapseSpaces', 'lower', 'upper', 'title', 'drop']);

export interface ParsedTransforms {
  transforms: TransformModel[];
  rename: string | null;
  drop: boolean;
}

export function parseTransforms(raw: unknown, path: string, problems: ProblemList): ParsedTransforms {
  const result: ParsedTransforms = { transforms: [], rename: null, drop: false };
  if (!Array.isArray(raw)) {
    problems.add(path, `must be an array of transforms, not ${describeJson(raw)}`);
    return result;
  }
  raw.forEach((entry: unknown, index) => {
    const here = at(path, index);
    const spec: Record<string, unknown> | null = typeof entry === 'string' ? { op: entry } : isPlainObject(entry) ? entry : null;
    if (spec === null || typeof spec.op !== 'string') {
      problems.add(here, 'a transform is a name such as "trim" or an object with an "op" property');
      return;
    }
    const op = spec.op;
    if (SIMPLE_OPS.has(op)) {
      if (op === 'drop') result.drop = true;
      else result.transforms.push({ op: op as 'trim' });
      return;
    }
    switch (op) {
      case 'default':
        if (!['string', 'number', 'boolean'].includes(typeof spec.value)) problems.add(at(here, 'value'), 'must be a string, number or boolean');
        else result.transforms.push({ op: 'default', value: spec.value as string });
        return;
      case 'replace': {
        const flags = spec.flags === undefined ? '' : spec.flags;
        if (typeof spec.pattern !== 'string') problems.add(at(here, 'pattern'), 'must be a regular expression string');
        if (typeof spec.with !== 'string') problems.add(at(here, 'with'), 'must be a string');
        if (typeof flags !== 'string') problems.add(at(here, 'flags'), 'must be a string such as "i"');
        if (typeof spec.pattern !== 'string' || typeof spec.with !== 'string' || typeof flags !== 'string') return;
        const unsafe = checkPatternSafety(spec.pattern, flags);
        if (unsafe) problems.add(at(here, 'pattern'), unsafe);
        else result.transforms.push({ op: 'replace', pattern: spec.pattern, flags, with: spec.with });
        return;
      }
      case 'map': {
        if (!isPlainObject(spec.values)) {
          problems.add(at(here, 'values'), 'must be an object such as {"Y": true, "N": false}');
          return;
        }
        const values: Record<string, MapTarget> = {};
        for (const [key, target] of Object.entries(spec.values)) {
          if (target !== null && !['string', 'number', 'boolean'].includes(typeof target)) {
            problems.add(at(at(here, 'values'), key), 'must be a string, number, boolean or null');
          } else values[key] = target as MapTarget;
        }
        if (spec.caseInsensitive !== undefined && typeof spec.caseInsensitive !== 'boolean') {
          problems.add(at(here, 'caseInsensitive'), 'must be true or false');
        }
        result.transforms.push({ op: 'map', values, caseInsensitive: spec.caseInsensitive === true });
        return;
      }
      case 'rename':
        if (typeof spec.from !== 'string' || spec.from === '') problems.add(at(here, 'from'), 'must name the source column');
        else if (result.rename !== null) problems.add(here, 'a field can be renamed only once');
        else result.rename = spec.from;
        return;
      default:
        problems.add(at(here, 'op'), `unknown transform "${op}" (expected one of trim, collapseSpaces, lower, upper, title, default, replace, map, rename, drop)`);
    }
  });
  return result;
}

type Step = (value: unknown) => unknown;

function titleCase(text: string): string {
  return text.toLowerCase().replace(/(^|[\s\-'(])(\p{L})/gu, (_m, before: string, letter: string) => before + letter.toUpperCase());
}

function stringStep(fn: (text: string) => string): Step {
  return (value) => (typeof value === 'string' ? fn(value) : value);
}

function buildStep(transform: TransformModel, isMissing: (value: unknown) => boolean): Step {
  switch (transform.op) {
    case 'trim': return stringStep((t) => t.trim());
    case 'collapseSpaces': return stringStep((t) => t.replace(/\s+/g, ' '));
    case 'lower': return stringStep((t) => t.toLowerCase());
    case 'upper': return stringStep((t) => t.toUpperCase());
    case 'title': return stringStep(titleCase);
    case 'default': {
      const fallback = transform.value;
      return (value) => (isMissing(value) ? fallback : value);
    }
    case 'replace': {
      // RE2: linear in the value's length whatever the pattern (see safe-regex.ts), so no value is too long to transform.
      const regex = linearRegex(transform.pattern, transform.flags);
      const replacement = transform.with;
      return stringStep((t) => regex.replaceAll(t, replacement));
    }
    case 'map': {
      const fold = transform.caseInsensitive;
      const table = new Map<string, MapTarget>();
      for (const [key, target] of Object.entries(transform.values)) table.set(fold ? key.toLowerCase() : key, target);
      return (value) => {
        if (value === null || value === undefined || typeof value === 'object') return value;
        const key = fold ? String(value).toLowerCase() : String(value);
        const target = table.get(key);
        return target === undefined ? value : target;
      };
    }
  }
}

/** Composes the transforms into one function, or null when there are none (the common, fast case). */
export function buildTransform(transforms: readonly TransformModel[], isMissing: (value: unknown) => boolean): Step | null {
  if (transforms.length === 0) return null;
  const steps = transforms.map((t) => buildStep(t, isMissing));
  if (steps.length === 1) return steps[0] as Step;
  return (value) => {
    let result = value;
    for (let i = 0; i < steps.length; i += 1) result = (steps[i] as Step)(result);
    return result;
  };
}
