/**
 * The rules language: Frictionless Table Schema plus `sluice:` extensions.
 * The pipeline needs only parseRuleFile/loadRuleFile/compileRules (see
 * contract.ts); the CLI uses inferRules and the live editor previewRules.
 */
export type * from './contract.js';
export type {
  CastOptions, ConstraintModel, ExprFunction, ExprNode, ExtraColumnsPolicy, FieldConstraints, FieldDescriptor,
  FieldModel, FieldType, MapTarget, RowRuleModel, RowRuleSpec, RuleFile, RuleModel, RuleProblem, TransformModel, TransformSpec,
} from './model.js';
export { FIELD_TYPES } from './model.js';
export { parseRuleFile, checkRuleFile, ruleModelOf, type RuleFileCheck } from './parse-rule-file.js';
export { loadRuleFile } from './load-rule-file.js';
export { compileRules } from './compile.js';
export { inferRules, type InferOptions } from './infer.js';
export { previewRules, type FailureGroup, type PreviewResult, type PreviewRow, type PreviewSample, type PreviewState } from './preview.js';
export { MAX_PATTERN_CHARS, checkPatternSafety, linearRegex } from './safe-regex.js';
