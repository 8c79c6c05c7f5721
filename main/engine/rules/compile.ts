import { SluiceError } from '../errors.js';
import type { RowFailure } from '../types.js';
import type { CompileOptions, CompiledRules, OutputColumn, RowOutcome, SqlValue } from './contract.js';
import { compileExpression, truth } from './expr-eval.js';
import { buildFieldCheck, missingTest, type FailureSink, type FieldCheck } from './field-check.js';
import { describeValues, rowRuleFailure } from './messages.js';
import type { FieldModel, RowRuleModel, RuleFile, RuleModel, RuleProblem } from './model.js';
import { csvConverter, isIsoDate, jsonToStored, type ColumnType } from './lossless-columns.js';
import { ruleModelOf } from './parse-rule-file.js';
import { at, rulesInvalid } from './problems.js';

/**
 * Binds a rule model to one source (its column names and kind) and compiles
 * it to closures. Choices, all visible to the user through the table columns:
 *   - fields are matched to source columns by name after `rename`; exactly
 *     first, then case-insensitively when that is unambiguous;
 *   - a schema field absent from the source is an error only when it is
 *     required and has no `default` transform (it would fail every row);
 *     otherwise its column is created and filled with nulls/defaults, because
 *     Table Schemas often describe optional fields a given file lacks;
 *   - source columns no field reads are kept as TEXT columns after the schema
 *     fields (`"sluice:extraColumns": "keep"`, the default), since published
 *     schemas often list only the columns someone cared to describe; "drop"
 *     leaves them out and "error" refuses the file.
 */

export interface PlannedField { name: string; check: FieldCheck }
export interface PlannedRowRule {
  rule: RowRuleModel;
  /** Returns the failure when the rule is false for the row, else null. */
  run: (logical: readonly unknown[]) => RowFailure | null;
}

export interface CompiledPlan {
  columns: OutputColumn[];
  primaryKey: string[];
  uniqueKeys: string[][];
  fields: PlannedField[];
  /** Output column of each field, -1 when dropped. */
  outIndexes: number[];
  copyExtras: ((values: readonly unknown[], out: SqlValue[]) => void) | null;
  rowRules: PlannedRowRule[];
  slotCount: number;
}

function matchColumn(name: string, sourceColumns: readonly string[]): number {
  const exact = sourceColumns.indexOf(name);
  if (exact >= 0) return exact;
  const folded = name.trim().toLowerCase();
  const candidates = sourceColumns.flatMap((c, i) => (c.trim().toLowerCase() === folded ? [i] : []));
  return candidates.length === 1 ? (candidates[0] as number) : -1;
}

/** Plans a rule model against a source; problems are rule-file problems that only this source reveals. */
export function planRules(model: RuleModel, options: CompileOptions): { plan: CompiledPlan | null; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const { sourceColumns, sourceKind, redact } = options;
  const used = new Set<number>();
  const columns: OutputColumn[] = [];
  const fields: PlannedField[] = [];
  const outIndexes: number[] = [];
  const sourceList = sourceColumns.slice(0, 20).map((c) => JSON.stringify(c)).join(', ') + (sourceColumns.length > 20 ? ', …' : '');
  model.fields.forEach((field, slot) => {
    const sourceIndex = matchColumn(field.source, sourceColumns);
    if (sourceIndex < 0 && field.required && !field.hasDefault) {
      problems.push({ path: at('fields', slot), message: `required field "${field.name}" has no column "${field.source}" in the source (columns: ${sourceList})` });
    }
    if (sourceIndex >= 0) used.add(sourceIndex);
    const outIndex = field.drop ? -1 : columns.length;
    const check = buildFieldCheck(field, { sourceIndex, outIndex, slot }, sourceKind, redact);
    if (!field.drop) columns.push(outputColumnOf(field, sourceKind));
    fields.push({ name: field.name, check });
    outIndexes.push(outIndex);
  });
  const extras = sourceColumns.flatMap((name, i) => (used.has(i) ? [] : [{ name, sourceIndex: i }]));
  let copyExtras: CompiledPlan['copyExtras'] = null;
  if (extras.length > 0 && model.extraColumns === 'error') {
    problems.push({ path: 'sluice:extraColumns', message: `source columns not described by any field: ${extras.map((e) => JSON.stringify(e.name)).join(', ')}` });
  } else if (extras.length > 0 && model.extraColumns === 'keep') {
    const taken = extras.filter((extra) => columns.some((c) => c.name === extra.name));
    // JSONL source columns are the union of keys seen and schema field names, so a renamed field's
    // own name can show up unused; a CSV header column of that name would be data we must not lose.
    if (sourceKind === 'csv') {
      for (const extra of taken) {
        problems.push({ path: 'sluice:extraColumns', message: `source column "${extra.name}" is not read by any field, but a field already has that name; drop it with "sluice:extraColumns": "drop"` });
      }
    }
    extras.splice(0, extras.length, ...extras.filter((extra) => !taken.includes(extra)));
    const first = columns.length;
    for (const extra of extras) columns.push({ name: extra.name, sqlType: sourceKind === 'csv' ? 'TEXT' : '', type: sourceKind === 'csv' ? 'string' : 'any' });
    const indexes = extras.map((e) => e.sourceIndex);
    const isMissing = missingTest(model.missingValues);
    copyExtras = sourceKind === 'csv'
      ? (values, out) => { for (let i = 0; i < indexes.length; i += 1) { const v = values[indexes[i] as number]; out[first + i] = isMissing(v) ? null : (v as string); } }
      : (values, out) => { for (let i = 0; i < indexes.length; i += 1) out[first + i] = jsonToStored(values[indexes[i] as number], 'any'); };
  }
  const slots = new Map(model.fields.map((f, i) => [f.name, { index: i, json: f.type === 'object' || f.type === 'array' || f.type === 'geojson' }]));
  const rowRules = model.rowRules.map((rule) => planRowRule(rule, (name) => slots.get(name) as { index: number; json: boolean }, redact));
  const primaryKey = options.keyOverride && options.keyOverride.length > 0 ? [...options.keyOverride] : model.primaryKey;
  const unknownKeys = primaryKey.filter((k) => !columns.some((c) => c.name === k));
  if (unknownKeys.length > 0) {
    // --key comes from the command line, not the rule file, so it is a usage error.
    throw new SluiceError('USAGE', `--key names unknown column(s): ${unknownKeys.join(', ')} (columns: ${columns.map((c) => c.name).join(', ')})`);
  }
  if (problems.length > 0) return { plan: null, problems };
  return { plan: { columns, primaryKey, uniqueKeys: model.uniqueKeys, fields, outIndexes, copyExtras, rowRules, slotCount: model.fields.length }, problems };
}

function outputColumnOf(field: FieldModel, sourceKind: 'csv' | 'jsonl'): OutputColumn {
  const column: OutputColumn = { name: field.name, sqlType: sqlTypeOf(field.type, sourceKind), type: field.type };
  if (field.type === 'boolean') {
    column.trueValues = field.cast.trueValues;
    column.falseValues = field.cast.falseValues;
  }
  return column;
}

function sqlTypeOf(type: string, sourceKind: 'csv' | 'jsonl'): OutputColumn['sqlType'] {
  switch (type) {
    case 'integer': case 'boolean': case 'year': return 'INTEGER';
    case 'number': return 'REAL';
    case 'any': return sourceKind === 'csv' ? 'TEXT' : '';
    default: return 'TEXT';
  }
}

function planRowRule(rule: RowRuleModel, slot: (name: string) => { index: number; json: boolean }, redact: boolean): PlannedRowRule {
  const evaluate = compileExpression(rule.ast, slot);
  const indexes = rule.fields.map((name) => slot(name).index);
  const run = (logical: readonly unknown[]): RowFailure | null => {
    if (truth(evaluate(logical)) !== false) return null;
    const shown = redact ? null : describeValues(rule.fields, indexes.map((i) => logical[i]));
    return rowRuleFailure(rule.name, rule.expr, rule.message, shown);
  };
  return { rule, run };
}

class RowSink implements FailureSink {
  errors: RowFailure[] | null = null;
  fail(failure: RowFailure): void {
    if (this.errors === null) this.errors = [failure];
    else this.errors.push(failure);
  }
}

function fromPlan(plan: CompiledPlan): CompiledRules {
  const checks = plan.fields.map((f) => f.check);
  const { copyExtras, rowRules } = plan;
  const logical: unknown[] = new Array(plan.slotCount).fill(null);
  const sink = new RowSink();
  const validate = (values: readonly unknown[], out: SqlValue[]): RowOutcome | null => {
    sink.errors = null;
    for (let i = 0; i < checks.length; i += 1) (checks[i] as FieldCheck)(values, out, logical, sink);
    if (copyExtras !== null) copyExtras(values, out);
    let warnings: RowFailure[] | null = null;
    for (let i = 0; i < rowRules.length; i += 1) {
      const planned = rowRules[i] as PlannedRowRule;
      const failure = planned.run(logical);
      if (failure === null) continue;
      if (planned.rule.severity === 'warn') (warnings ??= []).push(failure);
      else sink.fail(failure);
    }
    if (sink.errors === null && warnings === null) return null;
    return { errors: sink.errors, warnings };
  };
  return { columns: plan.columns, primaryKey: plan.primaryKey, uniqueKeys: plan.uniqueKeys, validate };
}

/**
 * No rule file: every column kept under its own name, typed without loss
 * (lossless-columns.ts) and declared without affinity so SQLite stores each
 * value exactly as handed over.
 */
function compileWithoutRules(options: CompileOptions): CompiledRules {
  const { sourceColumns, sourceKind } = options;
  const count = sourceColumns.length;
  const primaryKey = options.keyOverride ? [...options.keyOverride] : [];
  const unknownKeys = primaryKey.filter((k) => !sourceColumns.includes(k));
  if (unknownKeys.length > 0) throw new SluiceError('USAGE', `--key names unknown column(s): ${unknownKeys.join(', ')}`);
  const types: ColumnType[] = sourceColumns.map((_, i) => options.columnTypes?.[i] ?? { type: sourceKind === 'csv' ? 'string' : 'any' });
  let validate: CompiledRules['validate'];
  // Values of a typed column stored as they came, counted so the table's schema can say so.
  const kept = new Array<number>(count).fill(0);
  let anyKept = false;
  if (sourceKind === 'csv') {
    const converters = types.map(csvConverter);
    const dates = types.map((t) => t.type === 'date');
    validate = (values: readonly unknown[], out: SqlValue[]): null => {
      for (let i = 0; i < count; i += 1) {
        const v = values[i];
        if (v === '' || v === undefined || v === null) out[i] = null;
        else {
          const convert = converters[i];
          if (convert) {
            const stored = convert(v as string);
            // A converter hands back its own text only when it could not convert it without loss.
            if (stored === v) {
              kept[i]! += 1;
              anyKept = true;
            }
            out[i] = stored;
          } else {
            out[i] = v as string;
            if (dates[i] && !isIsoDate(v as string)) {
              kept[i]! += 1;
              anyKept = true;
            }
          }
        }
      }
      return null;
    };
  } else {
    const logical = types.map((t) => t.type);
    const store = (value: unknown, i: number): SqlValue => {
      const stored = jsonToStored(value, logical[i]!);
      // A BLOB holds the JSON text of a value whose kind is not the column's (lossless-columns.ts).
      if (stored instanceof Uint8Array && logical[i] !== 'any') {
        kept[i]! += 1;
        anyKept = true;
      }
      return stored;
    };
    validate = options.markAbsent
      ? (values: readonly unknown[], out: SqlValue[]): null => {
        // A dense record (the common case) allocates nothing: the list starts at the first absent key.
        let absent: string[] | null = null;
        for (let i = 0; i < count; i += 1) {
          const value = values[i];
          if (value === undefined) {
            (absent ??= []).push(sourceColumns[i]!);
            out[i] = null;
          } else out[i] = store(value, i);
        }
        out[count] = absent === null ? null : JSON.stringify(absent);
        return null;
      }
      : (values: readonly unknown[], out: SqlValue[]): null => {
        for (let i = 0; i < count; i += 1) out[i] = store(values[i], i);
        return null;
      };
  }
  const takeKeptAsText = (): number[] | null => {
    if (!anyKept) return null;
    const taken = [...kept];
    kept.fill(0);
    anyKept = false;
    return taken;
  };
  return {
    columns: sourceColumns.map((name, i) => ({ name, sqlType: '', ...types[i]! })),
    primaryKey,
    uniqueKeys: [],
    validate,
    takeKeptAsText,
  };
}

export function compileRules(ruleFile: RuleFile | null, options: CompileOptions): CompiledRules {
  if (ruleFile === null) return compileWithoutRules(options);
  const { plan, problems } = planRules(ruleModelOf(ruleFile), options);
  if (plan === null) throw rulesInvalid(problems);
  return fromPlan(plan);
}

export function compilePlan(plan: CompiledPlan): CompiledRules {
  return fromPlan(plan);
}
