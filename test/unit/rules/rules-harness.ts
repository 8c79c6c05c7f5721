import { compileRules, parseRuleFile, type RowOutcome, type SqlValue } from '../../../main/engine/rules/index.js';

export interface Checked { outcome: RowOutcome | null; out: SqlValue[]; rules: string[] }

/** Compiles `schema` for `columns` and validates one row; `rules` lists "field:rule" for every failure. */
export function check(schema: unknown, columns: string[], row: unknown[], options: { redact?: boolean; kind?: 'csv' | 'jsonl' } = {}): Checked {
  const compiled = compileRules(parseRuleFile(schema), { sourceColumns: columns, redact: options.redact ?? false, sourceKind: options.kind ?? 'csv' });
  const out: SqlValue[] = new Array(compiled.columns.length).fill(null);
  const outcome = compiled.validate(row, out);
  const failures = [...(outcome?.errors ?? []), ...(outcome?.warnings ?? [])];
  return { outcome, out, rules: failures.map((f) => `${f.field ?? '(row)'}:${f.rule}`) };
}

/** One-field shortcut: the cast value of `value`, or the failing rules. */
export function one(field: Record<string, unknown>, value: unknown, kind: 'csv' | 'jsonl' = 'csv'): { value: SqlValue; rules: string[]; messages: string[] } {
  const result = check({ fields: [{ name: 'f', ...field }] }, ['f'], [value], { kind });
  return { value: result.out[0] as SqlValue, rules: result.rules, messages: (result.outcome?.errors ?? []).map((f) => f.message) };
}

export function rulesError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    const e = error as { code?: string; message: string };
    if (e.code !== 'RULES_INVALID') throw error;
    return e.message;
  }
  throw new Error('expected RULES_INVALID');
}
