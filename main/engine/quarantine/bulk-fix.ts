import { re2, type Re2Pattern } from '../rules/re2.js';
import { SluiceError } from '../errors.js';
import { readRowValues, writeRowValues } from './row-text.js';
import { compileExpression, type Evaluator } from '../rules/expr-eval.js';
import { parseExpression } from '../rules/expr-parse.js';
import { ProblemList } from '../rules/problems.js';
import { MAX_PATTERN_CHARS } from '../rules/safe-regex.js';
import type { Store } from '../store/store.js';
import type { SourceLayout } from '../types.js';
import { isUnfixable, RowFixer } from './retry.js';

/** What a bulk fix does to one field of every selected row. */
export type FixOperation =
  | { kind: 'set'; value: string }
  | { kind: 'map'; pairs: readonly (readonly [string, string])[] }
  | { kind: 'trim' }
  /** RE2 semantics (linear time, no backreferences); `$1` in `with` names a group. */
  | { kind: 'replace'; pattern: string; with: string }
  /** An expression over the row's fields, as in row rules: `lower(plan)`, `age * 1`. */
  | { kind: 'expression'; expression: string };

export interface BulkFixRequest {
  importId: number;
  /** The field the fix changes; rows are selected by a failure on it. */
  field: string;
  operation: FixOperation;
  /** Only rows with a failure of this rule (on the field). */
  rule?: string;
  /** Count what would happen, write nothing. */
  dryRun?: boolean;
  /** Check with these rules instead of the import's (the user's current rules). */
  ruleFile?: unknown;
}

export interface BulkFixSummary {
  /** The child import that recorded the fix (null with dryRun, or when nothing was changed). */
  importId: number | null;
  /** Open rows selected. */
  matched: number;
  /** Rows whose text the fix changed. */
  changed: number;
  /** Rows that pass after the fix and were written to the table. */
  fixed: number;
  stillFailing: number;
}

/** Thrown inside a dry run's transaction so that everything it did rolls back. */
class DryRun extends Error {
  constructor(readonly summary: BulkFixSummary) {
    super('dry run');
  }
}

/**
 * Applies a fix to one field of an import's open quarantined rows, then
 * retries them: rows that now pass are written and marked fixed, the rest
 * keep the edited text (the import's text stays beside it) with their new
 * reasons. Recorded as a child import, so `undo` takes it back. A dry run
 * does all of it in a transaction that is rolled back: its counts are exact.
 */
export function bulkFix(store: Store, request: BulkFixRequest): BulkFixSummary {
  const record = store.imports.get(request.importId);
  if (!record) throw new SluiceError('IMPORT_NOT_FOUND', `There is no import #${request.importId}.`);
  const columnIndex = record.layout.columns.indexOf(request.field);
  if (columnIndex < 0) {
    throw new SluiceError('USAGE', `Import #${record.id} has no field "${request.field}" (fields: ${record.layout.columns.join(', ')}).`);
  }
  const change = buildChange(request.operation, record.layout, columnIndex);
  const fixer = new RowFixer(store, record, request.ruleFile === undefined ? record.schema : request.ruleFile, `fix: ${request.operation.kind} ${request.field}`, true);
  const run = (): BulkFixSummary => {
    const summary: BulkFixSummary = { importId: null, matched: 0, changed: 0, fixed: 0, stillFailing: 0 };
    const rows = [...store.quarantine.select({ importId: record.id, status: 'open', field: request.field, ...(request.rule !== undefined ? { rule: request.rule } : {}) })];
    for (const row of rows) {
      summary.matched++;
      const edited = isUnfixable(row) ? null : editRaw(row.raw, record.layout, columnIndex, change);
      if (edited === null || edited === row.raw) {
        summary.stillFailing++;
        continue;
      }
      summary.changed++;
      if (fixer.fix(row.id, edited).ok) summary.fixed++;
      else summary.stillFailing++;
    }
    summary.importId = fixer.finish();
    if (request.dryRun) throw new DryRun({ ...summary, importId: null });
    return summary;
  };
  try {
    return store.db.transaction(run).immediate();
  } catch (error) {
    if (error instanceof DryRun) return error.summary;
    throw error;
  }
}

type Change = (value: unknown, values: readonly unknown[]) => unknown;

function buildChange(operation: FixOperation, layout: SourceLayout, columnIndex: number): Change {
  switch (operation.kind) {
    case 'set':
      return () => operation.value;
    case 'map': {
      const map = new Map(operation.pairs);
      return (value) => (typeof value === 'string' && map.has(value) ? map.get(value) : value);
    }
    case 'trim':
      return (value) => (typeof value === 'string' ? value.trim() : value);
    case 'replace': {
      if (operation.pattern.length > MAX_PATTERN_CHARS) throw new SluiceError('USAGE', `The pattern is longer than ${MAX_PATTERN_CHARS} characters.`);
      let pattern: Re2Pattern;
      try {
        pattern = re2().compile(operation.pattern);
      } catch (error) {
        throw new SluiceError('USAGE', `--replace: not a valid pattern (${(error as Error).message}).`);
      }
      return (value) => (typeof value === 'string' ? pattern.matcher(value).replaceAll(operation.with) : value);
    }
    case 'expression': {
      const problems = new ProblemList();
      const parsed = parseExpression(operation.expression, new Set(layout.columns), problems, 'expression');
      if (!parsed) throw new SluiceError('USAGE', `The expression cannot be used: ${problems.items.map((p) => p.message).join('; ')}`);
      const json = layout.dialect.format === 'jsonl';
      const evaluate: Evaluator = compileExpression(parsed.ast, (name) => ({ index: layout.columns.indexOf(name), json: false }));
      // No value (a field that is not a number, 1/0, an overflow) leaves the row as it was: blanking the
      // field would write the row as "fixed" with its value silently gone. `--set ''` blanks on purpose.
      return (value, values) => {
        const result = evaluate(values);
        if (result === null || result === undefined) return value;
        if (typeof result === 'number' && !Number.isFinite(result)) return value;
        return json ? result : String(result);
      };
    }
  }
  // Exhaustive: every kind returned above.
  throw new SluiceError('USAGE', `Unknown fix "${(operation as { kind: string }).kind}" at column ${columnIndex}.`);
}

/** The row's text with one field changed, in the import's dialect; null when the text cannot be read as a record. */
function editRaw(raw: string, layout: SourceLayout, columnIndex: number, change: Change): string | null {
  const values = readRowValues(raw, layout);
  if (!values) return null;
  const before = layout.dialect.format === 'jsonl' ? values[columnIndex] : String(values[columnIndex] ?? '');
  const next = change(before, values);
  if (next === before) return raw;
  values[columnIndex] = layout.dialect.format === 'jsonl' ? next : String(next ?? '');
  return writeRowValues(raw, layout, values);
}

/** `enterprise=team,free=basic` → pairs; `=` inside a value is not supported (the first `=` splits). */
export function parseMapPairs(text: string): [string, string][] {
  return text.split(',').map((pair) => {
    const at = pair.indexOf('=');
    if (at === 0) throw new SluiceError('USAGE', `--map takes OLD=NEW pairs separated by commas; "${pair}" has no OLD value before "=".`);
    if (at < 0) throw new SluiceError('USAGE', `--map takes OLD=NEW pairs separated by commas; ${pair === '' ? 'one pair is empty' : `"${pair}" has no "="`}.`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}
