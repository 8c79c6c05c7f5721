import { SluiceError } from '../errors.js';
import type { RuleProblem } from './model.js';

/** Collects every problem of a rule file so the user fixes them in one pass, not one per run. */
export class ProblemList {
  readonly items: RuleProblem[] = [];

  add(path: string, message: string): void {
    this.items.push({ path, message });
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }
}

/** JSON-path helpers: `fields[3]` and `fields[3].constraints`. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][\w$:]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

export function formatProblems(problems: readonly RuleProblem[], origin?: string): string {
  const where = origin ? `${origin}: ` : '';
  const noun = problems.length === 1 ? 'problem' : 'problems';
  const lines = problems.map((p) => `  ${p.path === '' ? '(root)' : p.path}: ${p.message}`);
  return `${where}rule file has ${problems.length} ${noun}:\n${lines.join('\n')}`;
}

export function rulesInvalid(problems: readonly RuleProblem[], origin?: string): SluiceError {
  return new SluiceError('RULES_INVALID', formatProblems(problems, origin));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}
