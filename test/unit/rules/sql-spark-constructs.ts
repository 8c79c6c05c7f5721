/**
 * Each rule construct with the Spark SQL it compiles to. The Spark test pins
 * these snippets in the generated SQL, and checks that README's table (which
 * documents them) lists the same snippets, so the documentation cannot drift.
 */
export interface SparkConstruct {
  construct: string;
  /** One field "f" (plus an integer "g"), merged into a rule file. */
  field?: Record<string, unknown>;
  ruleFile?: Record<string, unknown>;
  snippet: string;
}

const rule = (expr: string): Record<string, unknown> => ({ 'sluice:rowRules': [{ name: 'r', expr }] });

export const SPARK_CONSTRUCTS: SparkConstruct[] = [
  { construct: 'source file', snippet: "USING text OPTIONS (path '/data/customers.csv', wholetext 'true')" },
  { construct: 'records and row numbers', snippet: 'OVER (ORDER BY ordinal ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) % 2 = 0 AS starts' },
  { construct: 'wrong number of fields (row-shape)', snippet: "WHEN size(fields) <> 2 THEN array(named_struct('field', CAST(NULL AS STRING), 'rule', 'row-shape'" },
  { construct: 'integer', field: { type: 'integer' }, snippet: "CASE WHEN (v0_0 RLIKE '^(?:[+-]?[0-9]+)$') THEN try_cast(v0_0 AS BIGINT) END" },
  { construct: 'number', field: { type: 'number' }, snippet: 'try_cast(v0_0 AS DOUBLE)' },
  { construct: 'boolean', field: { type: 'boolean' }, snippet: "CASE WHEN v0_0 IN ('true', 'True', 'TRUE', '1') THEN TRUE WHEN v0_0 IN ('false', 'False', 'FALSE', '0') THEN FALSE END" },
  { construct: 'date', field: { type: 'date' }, snippet: "(v0_0 RLIKE '^(?:\\\\d{4}-\\\\d{2}-\\\\d{2})$')" },
  { construct: 'date, format %d/%m/%Y', field: { type: 'date', format: '%d/%m/%Y' }, snippet: "regexp_extract(v0_0, '^(\\\\d{1,2})/(\\\\d{1,2})/(\\\\d{4})$', 3)" },
  { construct: 'required', field: { constraints: { required: true } }, snippet: "CASE WHEN m0 THEN named_struct('field', 'f', 'rule', 'required', 'message', 'f: value is required')" },
  { construct: 'unique', field: { constraints: { unique: true } }, snippet: 'row_number() OVER (PARTITION BY c0, size(errors) = 0 ORDER BY row_number) > 1' },
  { construct: 'minimum', field: { type: 'integer', constraints: { minimum: 1 } }, snippet: "CASE WHEN c0 IS NOT NULL AND (c0 < 1) THEN named_struct('field', 'f', 'rule', 'minimum'" },
  { construct: 'maxLength', field: { constraints: { maxLength: 9 } }, snippet: 'CASE WHEN char_length(c0) > 9 THEN' },
  { construct: 'pattern', field: { constraints: { pattern: '[A-Z]{2}' } }, snippet: "AND NOT (v0_0 RLIKE '^(?:[A-Z]{2})$') THEN" },
  { construct: 'enum', field: { constraints: { enum: ['free', 'pro', 'team'] } }, snippet: "c0 NOT IN ('free', 'pro', 'team')" },
  { construct: 'format email', field: { format: 'email' }, snippet: "(CASE WHEN (v0_0 RLIKE '^(?:[^\\\\t\\\\n" },
  { construct: 'trim', field: { 'sluice:transforms': ['trim'] }, snippet: "regexp_replace(v0_0, '^[\\\\t\\\\n\\\\x{0B}" },
  { construct: 'lower', field: { 'sluice:transforms': ['lower'] }, snippet: 'lower(v0_0) AS v0_1' },
  { construct: 'default', field: { 'sluice:transforms': [{ op: 'default', value: 'free' }] }, snippet: "(CASE WHEN (v0_0 IS NULL OR v0_0 IN ('')) THEN 'free' ELSE v0_0 END)" },
  { construct: 'replace', field: { 'sluice:transforms': [{ op: 'replace', pattern: '(\\d+)-(\\d+)', with: '$2$1' }] }, snippet: "regexp_replace(v0_0, '(\\\\d+)-(\\\\d+)', '$2$1')" },
  { construct: 'map', field: { 'sluice:transforms': [{ op: 'map', values: { y: 'yes' } }] }, snippet: "(CASE v0_0 WHEN 'y' THEN 'yes' ELSE v0_0 END)" },
  { construct: 'row rule ==', ruleFile: rule('f == "free"'), snippet: "(coalesce(c0, '') = coalesce('free', ''))" },
  { construct: 'row rule < (same kinds only)', ruleFile: rule('g < 5'), snippet: '(c1 < 5)' },
  { construct: 'row rule and / or / not', ruleFile: rule('not (g > 1) or g > 2'), snippet: '((NOT (c1 > 1)) OR (c1 > 2))' },
  { construct: 'row rule in', ruleFile: rule('g in [1, 2]'), snippet: '(CASE WHEN c1 IS NULL THEN NULL ELSE (' },
  { construct: 'row rule arithmetic', ruleFile: rule('g / 12 < 100'), snippet: '(CAST(c1 AS DOUBLE) / NULLIF(CAST(12 AS DOUBLE), 0))' },
  { construct: 'row rule len', ruleFile: rule('len(f) > 1'), snippet: '(char_length(c0) > 1)' },
  { construct: 'row rule matches', ruleFile: rule('matches(f, "[a-z]+")'), snippet: "(c0 RLIKE '^(?:[a-z]+)$')" },
  { construct: 'row rule is_missing', ruleFile: rule('is_missing(f)'), snippet: "(coalesce(c0, '') = '')" },
  { construct: 'row rule min / max', ruleFile: rule('max(g, 1) > 2'), snippet: '(CASE WHEN c1 IS NULL OR 1 IS NULL THEN NULL ELSE greatest(c1, 1) END)' },
  { construct: 'row rule failure', ruleFile: rule('g > 0'), snippet: "CASE WHEN NOT coalesce(" },
  { construct: 'accepted', snippet: 'FROM sluice_checked WHERE size(errors) = 0' },
  { construct: 'quarantined', snippet: 'SELECT row_number, raw, errors FROM sluice_checked WHERE size(errors) > 0' },
];
