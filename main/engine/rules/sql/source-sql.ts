import type { SqlDialect } from './dialect.js';
import { trimSql } from './temporal-sql.js';
import type { Val } from './value-sql.js';

/**
 * Reads the source into one row per record, numbered as Sluice numbers rows:
 * data records from 1, the header and blank lines not counted. Records are cut
 * by one regex over the file's text (a quote opens and closes a quoted span,
 * a newline outside one ends the record: the rule of Sluice's boundary
 * scanner), so the count of fields, blank lines and the row numbers are the
 * engine's, not those of the engine reader's own CSV dialect guessing.
 */

export interface CsvSource {
  format: 'csv';
  path: string;
  delimiter: string;
  quoteChar: string;
  hasHeader: boolean;
  columns: readonly string[];
}

export interface JsonlSource {
  format: 'jsonl';
  path: string;
  columns: readonly string[];
}

export type SourceSpec = CsvSource | JsonlSource;

const escape = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Columns: row_number, raw, parse_errors (NULL when the record parsed), and s{i} / sk{i} per source column. */
export function sourceSelect(d: SqlDialect, source: SourceSpec, failure: (rule: string, message: string) => string): { sql: string; value: (index: number) => Val } {
  return source.format === 'csv' ? csvSelect(d, source, failure) : jsonlSelect(d, source, failure);
}

function csvSelect(d: SqlDialect, source: CsvSource, failure: (rule: string, message: string) => string) {
  const q = escape(source.quoteChar);
  const delim = escape(source.delimiter);
  const text = `(CASE WHEN ${d.fullMatch('content', '(?s).*\\n')} THEN content ELSE content || chr(10) END)`;
  const withoutBom = d.replaceAll(text, '^\\x{FEFF}', '');
  const records = d.extractAll(withoutBom, `(?:${q}[^${q}]*${q}|[^${q}\\n])*\\n`, 0);
  const first = source.hasHeader ? 2 : 1;
  const fieldPattern = `${delim}(${q}(?:[^${q}]|${q}${q})*${q}|[^${delim}]*)`;
  const width = source.columns.length;
  const fields = d.listTransform(d.extractAll(`${d.str(source.delimiter)} || rec`, fieldPattern, 1), 'f',
    `CASE WHEN ${d.length('f')} >= 2 AND substr(f, 1, 1) = ${d.str(source.quoteChar)} AND substr(f, ${d.length('f')}, 1) = ${d.str(source.quoteChar)} THEN ${d.replaceText(`substr(f, 2, ${d.length('f')} - 2)`, source.quoteChar + source.quoteChar, source.quoteChar)} ELSE f END`);
  const rawFields = d.extractAll(`${d.str(source.delimiter)} || rec`, fieldPattern, 1);
  const consumed = d.listSum(d.listTransform(rawFields, 'f', `${d.length('f')} + 1`));
  const sql = `SELECT row_number() OVER (ORDER BY ordinal) AS row_number, rec AS raw, fields,
    CASE WHEN ${consumed} <> ${d.length('rec')} + 1 THEN ${d.listOf([failure('csv-syntax', d.str('the row is not valid CSV (check its quotes)'))])}
      WHEN ${d.listLength('fields')} <> ${width} THEN ${d.listOf([failure('row-shape', `'expected ${width} fields, found ' || CAST(${d.listLength('fields')} AS ${d.typeName('VARCHAR')})`)])}
    END AS parse_errors
  FROM (SELECT ordinal, rec, ${fields} AS fields
    FROM (SELECT ordinal, ${d.replaceAll('record', '\\r?\\n$', '')} AS rec, record
      FROM ${d.explode(d.readText(source.path), records, 'record', 'ordinal')}) AS cut
    WHERE ordinal >= ${first} AND NOT ${d.fullMatch('record', '[\\r\\n]*')}) AS parsed`;
  const value = (index: number): Val => ({ t: `CASE WHEN parse_errors IS NULL THEN ${d.listItem('fields', index + 1)} END`, k: null });
  return { sql, value };
}

function jsonlSelect(d: SqlDialect, source: JsonlSource, failure: (rule: string, message: string) => string) {
  if (d.target === 'spark') throw new Error('unreachable: JSONL is refused for Spark before this point');
  const known = d.listOf(source.columns.map((c) => d.str(c)));
  const path = (column: string): string => d.str(`$."${column.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
  const sql = `SELECT row_number() OVER (ORDER BY ordinal) AS row_number, line AS raw, line,
    CASE WHEN NOT json_valid(line) THEN ${d.listOf([failure('json-syntax', d.str('not valid JSON'))])}
      WHEN json_type(line) <> 'OBJECT' THEN ${d.listOf([failure('json-object', `'expected a JSON object, found ' || lower(json_type(line))`)])}
      WHEN len(list_filter(json_keys(line), key -> NOT list_contains(${known}, key))) > 0
        THEN list_transform(list_filter(json_keys(line), key -> NOT list_contains(${known}, key)),
          key -> {'field': key, 'rule': 'unknown-field', 'message': '"' || key || '" is not a column of the table'})
    END AS parse_errors
  FROM (SELECT ordinal, regexp_replace(line, '\\r$', '') AS line
    FROM ${d.explode(d.readText(source.path), 'string_split(content, chr(10))', 'line', 'ordinal')} AS lines) AS cut
  WHERE NOT (${trimSql(d, 'line')} = '')`;
  const value = (index: number): Val => {
    const column = source.columns[index] as string;
    return {
      t: `CASE WHEN parse_errors IS NULL THEN json_extract_string(line, ${path(column)}) END`,
      k: `CASE WHEN parse_errors IS NULL THEN json_type(line, ${path(column)}) END`,
    };
  };
  return { sql, value };
}
