import { isSluiceError } from '../errors.js';
import type { RowFailure } from '../types.js';
import type { OutputColumn, SqlValue } from './contract.js';
import { planRules, type CompiledPlan } from './compile.js';
import type { FailureSink } from './field-check.js';
import type { RuleModel, RuleProblem } from './model.js';
import { checkRuleFile } from './parse-rule-file.js';

/**
 * The live rule editor's engine. It runs the compiled checks column by column
 * rather than row by row, and keeps each field's results, so when an edit
 * changes one field only that field (and the row rules reading it) is re-run.
 * An invalid draft yields problems, never a throw, and keeps the previous
 * state so the next valid edit is still incremental.
 */

export interface PreviewSample {
  columns: string[];
  rows: unknown[][];
  /** Defaults to 'csv' when every value is a string (or absent), else 'jsonl'. */
  kind?: 'csv' | 'jsonl';
  /** Per row: why the import would quarantine it before any rule runs (wrong width, bad JSON); such a row fails with that reason alone. */
  malformed?: readonly (RowFailure | null)[];
}

export interface FailureGroup {
  rule: string;
  field: string | null;
  severity: 'error' | 'warn';
  count: number;
  /** The first message, as an example. */
  message: string;
  /** Indexes of the first rows with this failure (at most MAX_GROUP_ROWS). */
  rows: number[];
}

export interface PreviewRow { errors: RowFailure[]; warnings: RowFailure[] }

/** Opaque to callers: pass the last result's `state` back as `previous`. */
export interface PreviewState { readonly kind: 'sluice-preview-state' }

export interface PreviewResult {
  ok: boolean;
  problems: RuleProblem[];
  columns: OutputColumn[];
  /**
   * Table values after transforms and casting, column-major: `columnValues[c][r]` is
   * column c of sample row r. Columns an edit did not touch are the previous arrays,
   * shared rather than copied; no array handed out is ever mutated.
   */
  columnValues: SqlValue[][];
  /** Failures per sample row; null for rows with none. */
  rows: (PreviewRow | null)[];
  groups: FailureGroup[];
  invalidRows: number;
  warnedRows: number;
  /** What this call had to re-run (the rest came from `previous`). */
  recomputed: { fields: string[]; rowRules: string[] };
  state: PreviewState | null;
}

const MAX_GROUP_ROWS = 50;

interface InternalState extends PreviewState {
  sample: PreviewSample;
  sourceKind: 'csv' | 'jsonl';
  redact: boolean;
  layoutKey: string;
  fieldKeys: string[];
  ruleKeys: string[];
  columnValues: SqlValue[][];
  /** Logical values per field slot (column-major), what row rules read. */
  logical: unknown[][];
  fieldFailures: (RowFailure[] | null)[][];
  ruleFailures: (RowFailure | null)[][];
}

class CellSink implements FailureSink {
  current: RowFailure[] | null = null;
  fail(failure: RowFailure): void {
    if (this.current === null) this.current = [failure];
    else this.current.push(failure);
  }
}

function sampleKind(sample: PreviewSample): 'csv' | 'jsonl' {
  if (sample.kind) return sample.kind;
  return sample.rows.every((row) => row.every((v) => typeof v === 'string' || v === undefined)) ? 'csv' : 'jsonl';
}

function emptyResult(problems: RuleProblem[], previous: PreviewState | undefined): PreviewResult {
  return {
    ok: false, problems, columns: [], columnValues: [], rows: [], groups: [], invalidRows: 0, warnedRows: 0,
    recomputed: { fields: [], rowRules: [] }, state: previous ?? null,
  };
}

export function previewRules(draft: unknown, sample: PreviewSample, previous?: PreviewState, options: { redact?: boolean } = {}): PreviewResult {
  const checked = checkRuleFile(draft);
  if (checked.model === null) return emptyResult(checked.problems, previous);
  const model = checked.model;
  const sourceKind = sampleKind(sample);
  const redact = options.redact ?? false;
  let planned: ReturnType<typeof planRules>;
  try {
    planned = planRules(model, { sourceColumns: sample.columns, sourceKind, redact });
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    return emptyResult([{ path: '', message: error.message }], previous);
  }
  if (planned.plan === null) return emptyResult(planned.problems, previous);
  const plan = planned.plan;

  const layoutKey = JSON.stringify([plan.columns, model.fields.map((f) => [f.name, f.source, f.drop]), model.missingValues, model.extraColumns]);
  const fieldKeys = model.fields.map((f) => JSON.stringify(f));
  const ruleKeys = model.rowRules.map((r) => JSON.stringify([r.name, r.expr, r.message, r.severity]));
  const old = previous as InternalState | undefined;
  const reuse = old !== undefined && old.sample === sample && old.sourceKind === sourceKind && old.redact === redact && old.layoutKey === layoutKey;
  const rowCount = sample.rows.length;

  const width = plan.columns.length;
  const state: InternalState = {
    kind: 'sluice-preview-state', sample, sourceKind, redact, layoutKey, fieldKeys, ruleKeys,
    columnValues: reuse ? [...old.columnValues] : new Array<SqlValue[]>(width).fill([]),
    logical: reuse ? [...old.logical] : new Array<unknown[]>(plan.slotCount).fill([]),
    fieldFailures: [],
    ruleFailures: [],
  };
  const scratchOut = new Array<SqlValue>(width).fill(null);
  const scratchLogical = new Array<unknown>(plan.slotCount).fill(null);
  if (!reuse && plan.copyExtras) {
    const first = plan.outIndexes.filter((i) => i >= 0).length;
    for (let c = first; c < width; c += 1) state.columnValues[c] = new Array<SqlValue>(rowCount);
    for (let r = 0; r < rowCount; r += 1) {
      plan.copyExtras(sample.rows[r] as unknown[], scratchOut);
      for (let c = first; c < width; c += 1) (state.columnValues[c] as SqlValue[])[r] = scratchOut[c] as SqlValue;
    }
  }

  const changedFields = new Set<string>();
  const sink = new CellSink();
  plan.fields.forEach((field, f) => {
    if (reuse && old.fieldKeys[f] === fieldKeys[f]) {
      state.fieldFailures.push(old.fieldFailures[f] as (RowFailure[] | null)[]);
      return;
    }
    changedFields.add(field.name);
    const outIndex = plan.outIndexes[f] as number;
    const values = new Array<SqlValue>(rowCount);
    const logical = new Array<unknown>(rowCount);
    const failures: (RowFailure[] | null)[] = new Array(rowCount);
    for (let r = 0; r < rowCount; r += 1) {
      sink.current = null;
      field.check(sample.rows[r] as unknown[], scratchOut, scratchLogical, sink);
      failures[r] = sink.current;
      if (outIndex >= 0) values[r] = scratchOut[outIndex] as SqlValue;
      logical[r] = scratchLogical[f];
    }
    if (outIndex >= 0) state.columnValues[outIndex] = values;
    state.logical[f] = logical;
    state.fieldFailures.push(failures);
  });

  const changedRules: string[] = [];
  plan.rowRules.forEach((planned, k) => {
    const previousIndex = reuse ? old.ruleKeys.indexOf(ruleKeys[k] as string) : -1;
    const stale = previousIndex < 0 || planned.rule.fields.some((name) => changedFields.has(name));
    if (!stale) {
      state.ruleFailures.push(old?.ruleFailures[previousIndex] as (RowFailure | null)[]);
      return;
    }
    changedRules.push(planned.rule.name);
    const failures: (RowFailure | null)[] = new Array(rowCount);
    for (let r = 0; r < rowCount; r += 1) {
      for (let slot = 0; slot < plan.slotCount; slot += 1) scratchLogical[slot] = (state.logical[slot] as unknown[])[r];
      failures[r] = planned.run(scratchLogical);
    }
    state.ruleFailures.push(failures);
  });

  return { ...assemble(plan, model, state), problems: [], recomputed: { fields: [...changedFields], rowRules: changedRules }, state };
}

function assemble(plan: CompiledPlan, model: RuleModel, state: InternalState): Omit<PreviewResult, 'problems' | 'recomputed' | 'state'> {
  const rows: (PreviewRow | null)[] = [];
  const groups = new Map<string, FailureGroup>();
  let invalidRows = 0;
  let warnedRows = 0;
  const record = (failure: RowFailure, severity: 'error' | 'warn', row: number): void => {
    const key = `${severity}\u0000${failure.rule}\u0000${failure.field ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { rule: failure.rule, field: failure.field, severity, count: 0, message: failure.message, rows: [] };
      groups.set(key, group);
    }
    group.count += 1;
    if (group.rows.length < MAX_GROUP_ROWS) group.rows.push(row);
  };
  for (let r = 0; r < state.sample.rows.length; r += 1) {
    let errors: RowFailure[] | null = null;
    let warnings: RowFailure[] | null = null;
    const malformed = state.sample.malformed?.[r];
    if (malformed) {
      record(malformed, 'error', r);
      invalidRows += 1;
      rows.push({ errors: [malformed], warnings: [] });
      continue;
    }
    for (const column of state.fieldFailures) {
      const failures = column[r];
      if (failures) for (const failure of failures) { (errors ??= []).push(failure); record(failure, 'error', r); }
    }
    state.ruleFailures.forEach((column, k) => {
      const failure = column[r];
      if (!failure) return;
      const severity = model.rowRules[k]?.severity ?? 'error';
      if (severity === 'warn') (warnings ??= []).push(failure);
      else (errors ??= []).push(failure);
      record(failure, severity, r);
    });
    if (errors) invalidRows += 1;
    if (warnings) warnedRows += 1;
    rows.push(errors || warnings ? { errors: errors ?? [], warnings: warnings ?? [] } : null);
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count);
  return { ok: true, columns: plan.columns, columnValues: state.columnValues, rows, groups: sorted, invalidRows, warnedRows };
}
