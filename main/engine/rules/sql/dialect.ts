/**
 * The few places where DuckDB and Spark SQL spell the same thing differently.
 * The generator writes everything through this interface, so the Spark output
 * is the DuckDB output with these spellings swapped, and the differential
 * tests against DuckDB cover the logic both share.
 */

export type SqlTarget = 'duckdb' | 'spark';
export type SqlScalarType = 'BIGINT' | 'DOUBLE' | 'DATE';

export interface SqlDialect {
  readonly target: SqlTarget;
  /** A quoted identifier. */
  ident(name: string): string;
  /** A string literal that holds `text` exactly. */
  str(text: string): string;
  /** True when the whole of `x` matches the RE2 pattern. */
  fullMatch(x: string, pattern: string): string;
  /** Group `group` of the first match, '' when none. */
  extract(x: string, pattern: string, group: number): string;
  extractAll(x: string, pattern: string, group: number): string;
  /** Replaces every match; `replacement` uses \1 for groups (converted for engines that use $1). */
  replaceAll(x: string, pattern: string, replacement: string): string;
  tryCast(x: string, type: SqlScalarType): string;
  /** Length in code points. */
  length(x: string): string;
  /** Length in UTF-8 bytes. */
  byteLength(x: string): string;
  isNan(x: string): string;
  isInf(x: string): string;
  /** One entry of the errors column. */
  failure(field: string, rule: string, message: string): string;
  /** A list of the non-null items. */
  compactList(items: readonly string[]): string;
  emptyFailureList(): string;
  listLength(list: string): string;
  /** 1-based element access. */
  listItem(list: string, index: number): string;
  listTransform(list: string, variable: string, body: string): string;
  listFilter(list: string, variable: string, body: string): string;
  listConcat(lists: readonly string[]): string;
  listContains(list: string, item: string): string;
  listOf(items: readonly string[]): string;
  /** Sum of a list of integers. */
  listSum(list: string): string;
  /** A FROM item giving one row per list element: columns `alias` and `ordinal` (1-based). */
  explode(source: string, list: string, alias: string, ordinal: string): string;
  /** Statements to run before the rest, e.g. Spark's view over the source files. */
  prelude(path: string): string[];
  /** A FROM item giving the whole text of the source in a column `content`. */
  readText(path: string): string;
  /** Splits text at every newline (a trailing newline gives a last empty item). */
  splitLines(x: string): string;
  /** Aggregate: the group's `value`s in `order`, joined by newlines. */
  joinLinesOrdered(value: string, order: string): string;
  /** Literal, non-regex replacement of every occurrence. */
  replaceText(x: string, search: string, replacement: string): string;
  makeTimestamp(year: string, month: string, day: string, hour: string, minute: string, second: string): string;
  addMinutes(timestamp: string, minutes: string): string;
  /** YYYY-MM-DDTHH:MM:SS of a timestamp. */
  isoSeconds(timestamp: string): string;
  createRelation(name: string, select: string, materialize: boolean): string;
  typeName(type: 'VARCHAR' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'DATE'): string;
}

function ansiIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export const DUCKDB: SqlDialect = {
  target: 'duckdb',
  ident: ansiIdent,
  // DuckDB string literals take no backslash escapes; a newline or NUL inside is kept as it is.
  str: (text) => `'${text.replaceAll("'", "''")}'`,
  fullMatch: (x, pattern) => `regexp_full_match(${x}, ${DUCKDB.str(pattern)})`,
  extract: (x, pattern, group) => `regexp_extract(${x}, ${DUCKDB.str(pattern)}, ${group})`,
  extractAll: (x, pattern, group) => `regexp_extract_all(${x}, ${DUCKDB.str(pattern)}, ${group})`,
  replaceAll: (x, pattern, replacement) => `regexp_replace(${x}, ${DUCKDB.str(pattern)}, ${DUCKDB.str(replacement)}, 'g')`,
  tryCast: (x, type) => `TRY_CAST(${x} AS ${type})`,
  length: (x) => `length(${x})`,
  byteLength: (x) => `strlen(${x})`,
  isNan: (x) => `isnan(${x})`,
  isInf: (x) => `isinf(${x})`,
  failure: (field, rule, message) => `{'field': ${field}, 'rule': ${rule}, 'message': ${message}}`,
  compactList: (items) => `list_filter([${items.join(', ')}], f -> f IS NOT NULL)`,
  emptyFailureList: () => `CAST([] AS STRUCT(field VARCHAR, rule VARCHAR, message VARCHAR)[])`,
  listLength: (list) => `len(${list})`,
  listItem: (list, index) => `${list}[${index}]`,
  listTransform: (list, variable, body) => `list_transform(${list}, ${variable} -> ${body})`,
  listFilter: (list, variable, body) => `list_filter(${list}, ${variable} -> ${body})`,
  listConcat: (lists) => (lists.length === 1 ? lists[0] as string : `list_concat(${lists.join(', ')})`),
  listContains: (list, item) => `list_contains(${list}, ${item})`,
  listOf: (items) => `[${items.join(', ')}]`,
  listSum: (list) => `coalesce(list_sum(${list}), 0)`,
  explode: (source, list, alias, ordinal) =>
    `(SELECT unnest(sluice_list) AS ${alias}, generate_subscripts(sluice_list, 1) AS ${ordinal} FROM (SELECT ${list} AS sluice_list FROM ${source}))`,
  prelude: () => [],
  readText: (path) => `(SELECT content FROM read_text(${DUCKDB.str(path)}))`,
  replaceText: (x, search, replacement) => `replace(${x}, ${DUCKDB.str(search)}, ${DUCKDB.str(replacement)})`,
  splitLines: (x) => `string_split(${x}, chr(10))`,
  joinLinesOrdered: (value, order) => `string_agg(${value}, chr(10) ORDER BY ${order})`,
  makeTimestamp: (y, m, d, h, mi, s) => `make_timestamp(${y}, ${m}, ${d}, ${h}, ${mi}, ${s})`,
  addMinutes: (ts, minutes) => `(${ts} + to_minutes(CAST(${minutes} AS BIGINT)))`,
  isoSeconds: (ts) => `strftime(${ts}, '%Y-%m-%dT%H:%M:%S')`,
  createRelation: (name, select, materialize) =>
    `CREATE OR REPLACE TEMP ${materialize ? 'TABLE' : 'VIEW'} ${ansiIdent(name)} AS\n${select};`,
  typeName: (type) => type,
};

function sparkStr(text: string): string {
  // Spark SQL string literals treat backslash as an escape character.
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`;
}

/** Java's replacement strings use $1 for groups and \ to escape. */
function javaReplacement(replacement: string): string {
  return replacement.replace(/\\(\d)|\$|\\\\/g, (match, digit: string | undefined) => (digit !== undefined ? `$${digit}` : `\\${match === '$' ? '$' : '\\'}`));
}

export const SPARK: SqlDialect = {
  target: 'spark',
  ident: (name) => `\`${name.replaceAll('`', '``')}\``,
  str: sparkStr,
  fullMatch: (x, pattern) => `(${x} RLIKE ${sparkStr(`^(?:${pattern})$`)})`,
  extract: (x, pattern, group) => `regexp_extract(${x}, ${sparkStr(pattern)}, ${group})`,
  extractAll: (x, pattern, group) => `regexp_extract_all(${x}, ${sparkStr(pattern)}, ${group})`,
  replaceAll: (x, pattern, replacement) => `regexp_replace(${x}, ${sparkStr(pattern)}, ${sparkStr(javaReplacement(replacement))})`,
  tryCast: (x, type) => `try_cast(${x} AS ${type})`,
  length: (x) => `char_length(${x})`,
  byteLength: (x) => `octet_length(${x})`,
  isNan: (x) => `isnan(${x})`,
  isInf: (x) => `(abs(${x}) = double('infinity'))`,
  failure: (field, rule, message) => `named_struct('field', ${field}, 'rule', ${rule}, 'message', ${message})`,
  compactList: (items) => `filter(array(${items.join(', ')}), f -> f IS NOT NULL)`,
  emptyFailureList: () => `CAST(array() AS ARRAY<STRUCT<field: STRING, rule: STRING, message: STRING>>)`,
  listLength: (list) => `size(${list})`,
  listItem: (list, index) => `element_at(${list}, ${index})`,
  listTransform: (list, variable, body) => `transform(${list}, ${variable} -> ${body})`,
  listFilter: (list, variable, body) => `filter(${list}, ${variable} -> ${body})`,
  listConcat: (lists) => (lists.length === 1 ? lists[0] as string : `concat(${lists.join(', ')})`),
  listContains: (list, item) => `array_contains(${list}, ${item})`,
  listOf: (items) => `array(${items.join(', ')})`,
  listSum: (list) => `aggregate(${list}, 0L, (acc, n) -> acc + n)`,
  explode: (source, list, alias, ordinal) =>
    `(SELECT sluice_pos + 1 AS ${ordinal}, ${alias} FROM (SELECT ${list} AS sluice_list FROM ${source}) LATERAL VIEW posexplode(sluice_list) AS sluice_pos, ${alias})`,
  // wholetext: one row holding the whole file, so records that span lines are cut by the same regex as in DuckDB.
  prelude: (path) => [`CREATE OR REPLACE TEMPORARY VIEW sluice_source_text USING text OPTIONS (path ${sparkStr(path)}, wholetext 'true');`],
  readText: () => '(SELECT value AS content FROM sluice_source_text)',
  replaceText: (x, search, replacement) => `replace(${x}, ${sparkStr(search)}, ${sparkStr(replacement)})`,
  splitLines: (x) => `split(${x}, '\\n', -1)`,
  joinLinesOrdered: (value, order) => `array_join(transform(array_sort(collect_list(struct(${order}, ${value}))), s -> s.${value}), chr(10))`,
  makeTimestamp: (y, m, d, h, mi, s) => `make_timestamp(${y}, ${m}, ${d}, ${h}, ${mi}, ${s})`,
  addMinutes: (ts, minutes) => `timestampadd(MINUTE, ${minutes}, ${ts})`,
  isoSeconds: (ts) => `date_format(${ts}, "yyyy-MM-dd'T'HH:mm:ss")`,
  // A cached view rather than CACHE TABLE … AS, so running the script twice in one session replaces it.
  createRelation: (name, select, materialize) =>
    `CREATE OR REPLACE TEMPORARY VIEW ${SPARK.ident(name)} AS\n${select};${materialize ? `\nCACHE TABLE ${SPARK.ident(name)};` : ''}`,
  typeName: (type) => (type === 'VARCHAR' ? 'STRING' : type),
};

export function dialectFor(target: SqlTarget): SqlDialect {
  return target === 'spark' ? SPARK : DUCKDB;
}
