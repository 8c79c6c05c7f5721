import { SluiceError } from '../../errors.js';
import { planRules } from '../compile.js';
import type { FieldModel, RuleModel, RuleProblem } from '../model.js';
import { valueStages } from './stages-sql.js';
import { at, formatProblems } from '../problems.js';
import { dialectFor, type SqlDialect, type SqlTarget } from './dialect.js';
import { exprSql, truthSql, type SqlExpr } from './expr-sql.js';
import { fieldSql, type FieldSql } from './field-sql.js';
import { sourceSelect, type SourceSpec } from './source-sql.js';
import { Inexpressible } from './transform-sql.js';
import type { Val } from './value-sql.js';

/**
 * Compiles a rule model to SQL that runs the same import without Sluice:
 * it creates `accepted` (row_number and the typed columns) and `quarantined`
 * (row_number, raw, errors: a list of {field, rule, message}), and `warned`
 * (row_number, warnings from `warn` row rules). What SQL cannot
 * say the way Sluice means it is refused with the rule's JSON path, never
 * dropped or approximated.
 */

export interface SqlCompileOptions {
  target: SqlTarget;
  source: SourceSpec;
}

const KIND_OF_TYPE: Record<string, SqlExpr['kind']> = { num: 'num', text: 'text', bool: 'bool' };

function matchColumn(name: string, columns: readonly string[]): number {
  const exact = columns.indexOf(name);
  if (exact >= 0) return exact;
  const folded = name.trim().toLowerCase();
  const candidates = columns.flatMap((c, i) => (c.trim().toLowerCase() === folded ? [i] : []));
  return candidates.length === 1 ? (candidates[0] as number) : -1;
}

function refuse(problems: RuleProblem[], target: SqlTarget): never {
  throw new SluiceError('RULES_INVALID', formatProblems(problems, `cannot compile to ${target === 'duckdb' ? 'DuckDB' : 'Spark'} SQL`));
}

/**
 * The unique key Sluice enforces within the import: first row wins, later
 * duplicates are quarantined. A unique key that is the primaryKey itself
 * works the same way (no row is then ever replaced); any other unique key
 * beside a primaryKey is refused, as are several unique keys.
 */
function uniqueKey(model: RuleModel, problems: RuleProblem[]): string[] | null {
  const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
  const keys = model.uniqueKeys.filter((key, i) => !model.uniqueKeys.slice(0, i).some((k) => same(k, key)));
  const pathOf = (key: string[]): string => {
    const field = model.fields.findIndex((f) => f.unique && key.length === 1 && key[0] === f.name);
    return field >= 0 ? at(at(at('fields', field), 'constraints'), 'unique') : 'uniqueKeys';
  };
  const other = keys.find((key) => !same(key, model.primaryKey));
  if (other !== undefined && model.primaryKey.length > 0) {
    problems.push({ path: pathOf(other), message: 'with a primaryKey Sluice upserts (a later row replaces an earlier one), so whether a value collides depends on the rows replaced before it; set-wise SQL cannot replay that' });
    return null;
  }
  if (keys.length > 1) {
    problems.push({ path: pathOf(keys[1] as string[]), message: 'Sluice checks several unique keys row by row against the rows already accepted (a row refused for one key does not block another); set-wise SQL expresses one unique key' });
    return null;
  }
  return keys[0] ?? null;
}

export function compileToSql(model: RuleModel, options: SqlCompileOptions): string {
  const d = dialectFor(options.target);
  const { source } = options;
  const problems: RuleProblem[] = [];
  const { problems: planProblems } = planRules(model, { sourceColumns: [...source.columns], sourceKind: source.format, redact: true });
  problems.push(...planProblems);
  if (source.format === 'jsonl' && d.target === 'spark') problems.push({ path: '', message: 'JSONL sources: Spark SQL has no per-value JSON type test to tell 1 from "1"; compile for DuckDB' });
  if (problems.length > 0) refuse(problems, options.target);
  const failure = (field: string | null, rule: string, message: string): string =>
    d.failure(field === null ? `CAST(NULL AS ${d.typeName('VARCHAR')})` : d.str(field), d.str(rule), message);
  const { records: recordsSql, rows: sourceSql, value: sourceValue } = sourceSelect(d, source, (rule, message) => failure(null, rule, message));
  const nullText: Val = { t: `CAST(NULL AS ${d.typeName('VARCHAR')})`, k: null };
  const indexes = model.fields.map((field) => matchColumn(field.source, source.columns));
  const extras = model.extraColumns === 'keep'
    ? source.columns.flatMap((name, i) => (indexes.includes(i) || model.fields.some((f) => f.name === name && !f.drop) ? [] : [{ name, index: i }]))
    : [];
  const extraValues = extras.map((e) => {
    const v = sourceValue(e.index);
    const missing = model.missingValues.length === 0 ? 'FALSE' : `${v.t} IN (${model.missingValues.map((m) => d.str(m)).join(', ')})`;
    return { sql: `CASE WHEN ${missing} THEN NULL ELSE ${v.t} END` };
  });
  const stages = valueStages(d, model, (i) => ((indexes[i] as number) >= 0 ? sourceValue(indexes[i] as number) : nullText), extraValues, problems);
  const fields: (FieldSql | null)[] = model.fields.map((field, i) => {
    try {
      return fieldSql(d, field, stages.value(i), (rule, text) => failure(field.name, rule, d.str(`${field.name}: value ${text}`)));
    } catch (error) {
      if (!(error instanceof Inexpressible)) throw error;
      problems.push({ path: at('fields', i), message: error.message });
      return null;
    }
  });
  const c = (i: number): string => `c${i}`;
  const ruleFailures: string[] = [];
  const ruleWarnings: string[] = [];
  model.rowRules.forEach((rule, r) => {
    try {
      const expr = exprSql(d, rule.ast, (name) => {
        const slot = model.fields.findIndex((f) => f.name === name);
        const cast = fields[slot]?.cast;
        return { sql: c(slot), kind: cast ? (KIND_OF_TYPE[cast.kind] as SqlExpr['kind']) : 'null' };
      });
      const base = rule.message ?? `row rule "${rule.name}" failed: ${rule.expr}`;
      (rule.severity === 'warn' ? ruleWarnings : ruleFailures).push(`CASE WHEN NOT coalesce(${truthSql(d, expr)}, TRUE) THEN ${failure(null, rule.name, d.str(base))} END`);
    } catch (error) {
      if (!(error instanceof Inexpressible)) throw error;
      problems.push({ path: at(at('sluice:rowRules', r), 'expr'), message: error.message });
    }
  });
  const key = uniqueKey(model, problems);
  if (problems.length > 0) refuse(problems, options.target);
  const planned = fields as FieldSql[];
  const typedColumns = planned.flatMap((f, i) => [`${f.missing} AS m${i}`, `CASE WHEN ${f.missing} THEN NULL ELSE ${f.cast.typed} END AS ${c(i)}`, `${f.cast.range ?? 'FALSE'} AS r${i}`]);
  const fieldFailures = planned.flatMap((f, i) => f.failures({ m: `m${i}`, c: c(i), r: `r${i}`, v: stages.value(i) }));
  const checks = [...fieldFailures, ...ruleFailures];
  const errors = `CASE WHEN parse_errors IS NOT NULL THEN parse_errors ELSE ${checks.length === 0 ? d.emptyFailureList() : d.compactList(checks)} END`;
  // Sluice records warnings for every row that passed validation, so a row the unique check refuses keeps them too.
  const warnings = ruleWarnings.length === 0 ? d.emptyFailureList() : `CASE WHEN parse_errors IS NOT NULL THEN ${d.emptyFailureList()} ELSE ${d.compactList(ruleWarnings)} END`;
  const outputs = model.fields.flatMap((field, i) => (field.drop ? [] : [{ name: field.name, sql: outputValue(d, field, c(i)) }]));
  const extraOutputs = extras.map((e, j) => ({ name: e.name, sql: `x${j}` }));
  let keyed = 'sluice_checked';
  let keyedSql = '';
  if (key !== null) {
    const slots = key.map((name) => model.fields.findIndex((f) => f.name === name));
    const part = slots.map((s) => (model.fields[s]?.type === 'number' ? `(CASE WHEN ${d.isNan(c(s))} THEN NULL ELSE ${c(s)} END)` : c(s)));
    const valid = `${d.listLength('errors')} = 0`;
    const message = `${key.join(', ')}: value already exists in the table (must be unique)`;
    const stageColumns = ['row_number', 'raw', ...planned.map((_, i) => c(i)), ...extras.map((_, j) => `x${j}`), 'warnings'].join(', ');
    keyedSql = `SELECT ${stageColumns}, CASE WHEN ${valid} AND ${part.map((p) => `${p} IS NOT NULL`).join(' AND ')}
        AND row_number() OVER (PARTITION BY ${part.join(', ')}, ${valid} ORDER BY row_number) > 1
      THEN ${d.listOf([failure(key.join(','), 'unique', d.str(message))])} ELSE errors END AS errors
    FROM sluice_checked`;
    keyed = 'sluice_keyed';
  }
  const statements = [
    `-- Generated by \`sluice rules compile --to ${d.target}\`. Relations: accepted (row_number, typed columns), quarantined (row_number, raw, errors), warned (row_number, warnings).`,
    ...d.prelude(source.path),
    d.createRelation('sluice_records', recordsSql, true),
    d.createRelation('sluice_checked', `WITH sluice_rows AS (\n${sourceSql}\n),
${stages.ctes.map((cte) => `${cte.name} AS (${cte.sql})`).join(',\n')},
sluice_typed AS (SELECT *${typedColumns.map((col) => `, ${col}`).join('')} FROM ${stages.last})
SELECT row_number, raw, ${[...planned.map((_, i) => c(i)), ...extras.map((_, j) => `x${j}`)].join(', ')}${planned.length + extras.length > 0 ? ', ' : ''}${errors} AS errors, ${warnings} AS warnings FROM sluice_typed`, true),
  ];
  if (keyedSql !== '') statements.push(d.createRelation('sluice_keyed', keyedSql, false));
  const columns = [...outputs, ...extraOutputs].map((o) => `${o.sql} AS ${d.ident(o.name)}`);
  statements.push(d.createRelation('accepted', `SELECT row_number${columns.length > 0 ? ', ' : ''}${columns.join(', ')} FROM ${keyed} WHERE ${d.listLength('errors')} = 0`, false));
  statements.push(d.createRelation('quarantined', `SELECT row_number, raw, errors FROM ${keyed} WHERE ${d.listLength('errors')} > 0`, false));
  statements.push(d.createRelation('warned', `SELECT row_number, warnings FROM sluice_checked WHERE ${d.listLength('errors')} = 0 AND ${d.listLength('warnings')} > 0`, false));
  return `${statements.join('\n\n')}\n`;
}

function outputValue(d: SqlDialect, field: FieldModel, column: string): string {
  if (field.type === 'date') return d.tryCast(column, 'DATE');
  return column;
}
