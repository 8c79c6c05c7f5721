/**
 * The rule file as the editor holds it: a Table Schema object edited in place.
 * Only what the form edits is typed; everything else in the file is kept as-is.
 */
export interface FieldDraft {
  name: string;
  type?: string;
  format?: string;
  constraints?: {
    required?: boolean;
    unique?: boolean;
    minimum?: number | string;
    maximum?: number | string;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    enum?: unknown[];
    [key: string]: unknown;
  };
  'sluice:transforms'?: unknown[];
  trueValues?: string[];
  falseValues?: string[];
  decimalChar?: string;
  groupChar?: string;
  [key: string]: unknown;
}

export interface RowRuleDraft {
  name: string;
  expr: string;
  message?: string;
  severity?: 'error' | 'warn';
}

export interface RuleFileDraft {
  fields: FieldDraft[];
  primaryKey?: string | string[];
  missingValues?: string[];
  'sluice:rowRules'?: RowRuleDraft[];
  [key: string]: unknown;
}

export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'time', 'year', 'yearmonth', 'duration', 'object', 'array', 'any'];
export const SIMPLE_TRANSFORMS = ['trim', 'collapseSpaces', 'lower', 'upper', 'title'] as const;

export function asRuleFileDraft(value: unknown): RuleFileDraft {
  const draft = (value && typeof value === 'object' ? structuredClone(value) : {}) as RuleFileDraft;
  if (!Array.isArray(draft.fields)) draft.fields = [];
  return draft;
}

export interface LocatedProblem {
  /** The path below the field or row rule (`constraints.pattern`, `expr`), '' for the item itself. */
  at: string;
  message: string;
}

/** Problems located under `fields[i]…` or `sluice:rowRules[i]…`, with the rest of their path. */
export function problemsAt(problems: readonly { path: string; message: string }[], prefix: 'fields' | 'sluice:rowRules', index: number): LocatedProblem[] {
  const head = `${prefix}[${index}]`;
  const located: LocatedProblem[] = [];
  for (const problem of problems) {
    if (problem.path === head) located.push({ at: '', message: problem.message });
    else if (problem.path.startsWith(`${head}.`)) located.push({ at: problem.path.slice(head.length + 1), message: problem.message });
    else if (problem.path.startsWith(`${head}[`)) located.push({ at: problem.path.slice(head.length), message: problem.message });
  }
  return located;
}

/** The messages of the problems at exactly `at` (or below it). */
export function messagesAt(problems: readonly LocatedProblem[], at: string): string[] {
  return problems.filter((p) => p.at === at || p.at.startsWith(`${at}.`) || p.at.startsWith(`${at}[`)).map((p) => p.message);
}

export function hasTransform(field: FieldDraft, op: string): boolean {
  return (field['sluice:transforms'] ?? []).some((t) => t === op || (typeof t === 'object' && t !== null && (t as { op?: string }).op === op));
}

export function toggleTransform(field: FieldDraft, op: string, on: boolean): void {
  const current = (field['sluice:transforms'] ?? []).filter((t) => !(t === op || (typeof t === 'object' && t !== null && (t as { op?: string }).op === op)));
  if (on) current.push(op);
  if (current.length > 0) field['sluice:transforms'] = current;
  else delete field['sluice:transforms'];
}

export function setConstraint(field: FieldDraft, key: string, value: unknown): void {
  const constraints = { ...(field.constraints ?? {}) };
  if (value === undefined || value === '' || value === false) delete constraints[key];
  else constraints[key] = value;
  if (Object.keys(constraints).length > 0) field.constraints = constraints;
  else delete field.constraints;
}
