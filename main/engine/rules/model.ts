/**
 * The rules language as plain data. A rule file is a Frictionless Table Schema
 * with Sluice extensions under `sluice:` keys (so other tools still read it);
 * `RuleModel` is the normalised, checked form that the validator compiles to
 * closures and that a later step can compile to SQL. Nothing here holds
 * functions or RegExp objects, so a model survives JSON and structured clone.
 */

export const FIELD_TYPES = [
  'string', 'integer', 'number', 'boolean', 'date', 'datetime', 'time', 'year',
  'yearmonth', 'duration', 'object', 'array', 'geopoint', 'geojson', 'any',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One entry of `fields` as written in the file. Unknown standard properties (title, rdfType, …) are kept as they are. */
export interface FieldDescriptor {
  name: string;
  type?: FieldType;
  format?: string;
  constraints?: FieldConstraints;
  trueValues?: string[];
  falseValues?: string[];
  bareNumber?: boolean;
  groupChar?: string;
  decimalChar?: string;
  /** Table Schema v2 allows missingValues per field; it overrides the top-level list. */
  missingValues?: string[];
  'sluice:transforms'?: TransformSpec[];
  [property: string]: unknown;
}

export interface FieldConstraints {
  required?: boolean;
  unique?: boolean;
  minimum?: number | string;
  maximum?: number | string;
  exclusiveMinimum?: number | string;
  exclusiveMaximum?: number | string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  [property: string]: unknown;
}

/** Parameterless transforms may be written as a bare string: `"trim"`. */
export type TransformSpec =
  | 'trim' | 'collapseSpaces' | 'lower' | 'upper' | 'title' | 'drop'
  | { op: 'trim' | 'collapseSpaces' | 'lower' | 'upper' | 'title' | 'drop' }
  | { op: 'default'; value: string | number | boolean }
  | { op: 'replace'; pattern: string; with: string; flags?: string }
  | { op: 'map'; values: Record<string, MapTarget>; caseInsensitive?: boolean }
  | { op: 'rename'; from: string };

export type MapTarget = string | number | boolean | null;

export interface RowRuleSpec {
  name: string;
  expr: string;
  message?: string;
  severity?: 'error' | 'warn';
}

/** What to do with source columns no field reads. */
export type ExtraColumnsPolicy = 'keep' | 'drop' | 'error';

export interface RuleFile {
  fields: FieldDescriptor[];
  missingValues?: string[];
  primaryKey?: string | string[];
  uniqueKeys?: string[][];
  foreignKeys?: unknown[];
  'sluice:rowRules'?: RowRuleSpec[];
  'sluice:extraColumns'?: ExtraColumnsPolicy;
  [property: string]: unknown;
}

/** One problem in a rule file, located by a JSON path such as `fields[3].constraints.pattern`. */
export interface RuleProblem {
  path: string;
  message: string;
}

// ---- the normalised model ----

export type TransformModel =
  | { op: 'trim' | 'collapseSpaces' | 'lower' | 'upper' | 'title' }
  | { op: 'default'; value: string | number | boolean }
  | { op: 'replace'; pattern: string; flags: string; with: string }
  | { op: 'map'; values: Record<string, MapTarget>; caseInsensitive: boolean };

/** Bounds and enum values are kept as written in the file; the compiler casts them with the field's type. */
export interface ConstraintModel {
  minimum?: number | string;
  maximum?: number | string;
  exclusiveMinimum?: number | string;
  exclusiveMaximum?: number | string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
}

export interface CastOptions {
  format: string;
  trueValues: string[];
  falseValues: string[];
  bareNumber: boolean;
  groupChar: string;
  decimalChar: string;
}

export interface FieldModel {
  /** Name in the target table. */
  name: string;
  /** Source column the value comes from (differs from `name` after a rename). */
  source: string;
  type: FieldType;
  cast: CastOptions;
  missingValues: string[];
  /** From constraints.required or membership in the primary key. */
  required: boolean;
  unique: boolean;
  constraints: ConstraintModel;
  transforms: TransformModel[];
  /** Validated and usable in row rules, but not stored. */
  drop: boolean;
  /** True when a `default` transform fills missing values, so an absent source column is tolerable. */
  hasDefault: boolean;
}

export type ExprFunction =
  | 'len' | 'lower' | 'upper' | 'trim' | 'is_missing' | 'abs' | 'min' | 'max' | 'matches' | 'coalesce';

export type ExprNode =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'field'; name: string }
  | { kind: 'unary'; op: 'not' | '-' | '+'; arg: ExprNode }
  | { kind: 'compare'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; left: ExprNode; right: ExprNode }
  | { kind: 'arith'; op: '+' | '-' | '*' | '/' | '%'; left: ExprNode; right: ExprNode }
  | { kind: 'logical'; op: 'and' | 'or'; left: ExprNode; right: ExprNode }
  | { kind: 'in'; value: ExprNode; list: ExprNode[] }
  | { kind: 'call'; fn: ExprFunction; args: ExprNode[] }
  | { kind: 'conditional'; test: ExprNode; then: ExprNode; else: ExprNode };

export interface RowRuleModel {
  name: string;
  expr: string;
  ast: ExprNode;
  message: string | null;
  severity: 'error' | 'warn';
  /** Field names the expression reads, for incremental preview and error messages. */
  fields: string[];
}

export interface RuleModel {
  fields: FieldModel[];
  missingValues: string[];
  primaryKey: string[];
  uniqueKeys: string[][];
  rowRules: RowRuleModel[];
  extraColumns: ExtraColumnsPolicy;
}
