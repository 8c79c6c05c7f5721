import { parseExpression } from './expr-parse.js';
import type { ExtraColumnsPolicy, FieldModel, RowRuleModel, RuleFile, RuleModel, RuleProblem } from './model.js';
import { parseField, isStringArray } from './parse-field.js';
import { ProblemList, at, describeJson, isPlainObject, rulesInvalid } from './problems.js';

const SLUICE_ROOT_KEYS = new Set(['sluice:rowRules', 'sluice:extraColumns']);
const EXTRA_COLUMN_POLICIES: readonly ExtraColumnsPolicy[] = ['keep', 'drop', 'error'];

export interface RuleFileCheck {
  ruleFile: RuleFile | null;
  model: RuleModel | null;
  problems: RuleProblem[];
}

/** The model of each accepted rule file, so compileRules does not re-check what parseRuleFile already did. */
const models = new WeakMap<RuleFile, RuleModel>();

/** Checks a rule file without throwing: the live editor shows `problems` as the user types. */
export function checkRuleFile(json: unknown): RuleFileCheck {
  const problems = new ProblemList();
  const model = buildModel(json, problems);
  if (!problems.isEmpty || model === null) return { ruleFile: null, model: null, problems: problems.items };
  const ruleFile = json as RuleFile;
  models.set(ruleFile, model);
  return { ruleFile, model, problems: [] };
}

/**
 * Validates a Table Schema rule file and returns it unchanged (standard and
 * unknown properties are kept). Throws SluiceError('RULES_INVALID') listing
 * every problem with its JSON path.
 */
export function parseRuleFile(json: unknown, origin?: string): RuleFile {
  const { ruleFile, problems } = checkRuleFile(json);
  if (ruleFile === null) throw rulesInvalid(problems, origin);
  return ruleFile;
}

/** The normalised model of a rule file (checked again if it did not come from parseRuleFile). */
export function ruleModelOf(ruleFile: RuleFile): RuleModel {
  const cached = models.get(ruleFile);
  if (cached) return cached;
  parseRuleFile(ruleFile);
  return models.get(ruleFile) as RuleModel;
}

function buildModel(json: unknown, problems: ProblemList): RuleModel | null {
  if (!isPlainObject(json)) {
    problems.add('', `a rule file must be a JSON object with a "fields" array, not ${describeJson(json)}`);
    return null;
  }
  for (const key of Object.keys(json)) {
    if (key.startsWith('sluice:') && !SLUICE_ROOT_KEYS.has(key)) problems.add(key, `unknown Sluice property (known: ${[...SLUICE_ROOT_KEYS].join(', ')})`);
  }
  let missingValues = [''];
  if (json.missingValues !== undefined) {
    if (isStringArray(json.missingValues)) missingValues = json.missingValues;
    else problems.add('missingValues', 'must be an array of strings');
  }
  const fields: FieldModel[] = [];
  if (!Array.isArray(json.fields)) problems.add('fields', json.fields === undefined ? 'is required' : `must be an array, not ${describeJson(json.fields)}`);
  else {
    json.fields.forEach((raw: unknown, index) => {
      const field = parseField(raw, at('fields', index), missingValues, problems);
      if (!field) return;
      if (fields.some((f) => f.name === field.name)) problems.add(at(at('fields', index), 'name'), `duplicate field name "${field.name}"`);
      fields.push(field);
    });
  }
  const names = new Set(fields.map((f) => f.name));
  const nameList = (raw: unknown, path: string): string[] => checkNames(raw, path, names, problems);

  const primaryKey = json.primaryKey === undefined ? [] : nameList(json.primaryKey, 'primaryKey');
  const uniqueKeys: string[][] = [];
  if (json.uniqueKeys !== undefined) {
    if (!Array.isArray(json.uniqueKeys)) problems.add('uniqueKeys', 'must be an array of field-name lists');
    else json.uniqueKeys.forEach((key: unknown, i) => uniqueKeys.push(nameList(key, at('uniqueKeys', i))));
  }
  checkForeignKeys(json.foreignKeys, names, problems);
  for (const field of fields) {
    if (primaryKey.includes(field.name)) field.required = true; // Table Schema: key fields are implicitly required
    if (field.unique) uniqueKeys.push([field.name]);
  }
  for (const [i, field] of fields.entries()) {
    if (field.drop && (field.unique || primaryKey.includes(field.name) || uniqueKeys.some((k) => k.includes(field.name)))) {
      problems.add(at(at('fields', i), 'sluice:transforms'), `field "${field.name}" is dropped, so it cannot be part of a key`);
    }
  }
  const rowRules = parseRowRules(json['sluice:rowRules'], names, problems);
  const extra = json['sluice:extraColumns'];
  if (extra !== undefined && !EXTRA_COLUMN_POLICIES.includes(extra as ExtraColumnsPolicy)) {
    problems.add('sluice:extraColumns', `must be one of ${EXTRA_COLUMN_POLICIES.join(', ')}`);
  }
  return { fields, missingValues, primaryKey, uniqueKeys, rowRules, extraColumns: (extra as ExtraColumnsPolicy | undefined) ?? 'keep' };
}

function checkNames(raw: unknown, path: string, names: ReadonlySet<string>, problems: ProblemList): string[] {
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!isStringArray(list) || list.length === 0) {
    problems.add(path, 'must be a field name or a non-empty array of field names');
    return [];
  }
  list.forEach((name, i) => {
    if (!names.has(name)) problems.add(typeof raw === 'string' ? path : at(path, i), `unknown field "${name}"`);
  });
  return list;
}

function checkForeignKeys(raw: unknown, names: ReadonlySet<string>, problems: ProblemList): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw)) {
    problems.add('foreignKeys', 'must be an array');
    return;
  }
  // Sluice does not enforce foreign keys (the referenced table may not be imported yet); it only checks the local side.
  raw.forEach((key: unknown, i) => {
    const path = at('foreignKeys', i);
    if (!isPlainObject(key) || !isPlainObject(key.reference)) {
      problems.add(path, 'must be an object with "fields" and "reference"');
      return;
    }
    checkNames(key.fields, at(path, 'fields'), names, problems);
    const reference = key.reference;
    if (reference.resource === '') checkNames(reference.fields, at(at(path, 'reference'), 'fields'), names, problems);
  });
}

function parseRowRules(raw: unknown, names: ReadonlySet<string>, problems: ProblemList): RowRuleModel[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.add('sluice:rowRules', 'must be an array of {name, expr, message, severity}');
    return [];
  }
  const rules: RowRuleModel[] = [];
  const seen = new Set<string>();
  raw.forEach((entry: unknown, i) => {
    const path = at('sluice:rowRules', i);
    if (!isPlainObject(entry)) {
      problems.add(path, `must be an object with "name" and "expr", not ${describeJson(entry)}`);
      return;
    }
    const { name, expr, message, severity } = entry;
    const nameOk = typeof name === 'string' && name !== '';
    if (!nameOk) problems.add(at(path, 'name'), 'must be a non-empty string');
    else if (seen.has(name as string)) problems.add(at(path, 'name'), `duplicate row rule name "${name}"`);
    if (nameOk) seen.add(name as string);
    if (message !== undefined && typeof message !== 'string') problems.add(at(path, 'message'), 'must be a string');
    if (severity !== undefined && severity !== 'error' && severity !== 'warn') problems.add(at(path, 'severity'), 'must be "error" or "warn"');
    if (typeof expr !== 'string' || expr.trim() === '') {
      problems.add(at(path, 'expr'), 'must be a non-empty expression string');
      return;
    }
    const parsed = parseExpression(expr, names, problems, at(path, 'expr'));
    if (!parsed || !nameOk) return;
    rules.push({
      name: name as string,
      expr,
      ast: parsed.ast,
      message: typeof message === 'string' ? message : null,
      severity: severity === 'warn' ? 'warn' : 'error',
      fields: parsed.fields,
    });
  });
  return rules;
}
