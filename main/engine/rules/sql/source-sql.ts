import type { SqlDialect } from './dialect.js';
import { trimSql } from './temporal-sql.js';
import type { Val } from './value-sql.js';

/**
 * Reads the source into one row per record, numbered as Sluice numbers rows:
 * data records from 1, the header and blank lines not counted. The text is
 * split into lines and a line starts a record when the quotes before it are
 * balanced (the rule of Sluice's boundary scanner), so the count of fields,
 * blank lines and the row numbers are the engine's, not those of the SQL
 * engine's own CSV reader and its dialect guessing.
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

export interface SourceSql {
  /** Cuts the text into numbered records (row_number, rec); materialized, so the stages after it run in parallel. */
  records: string;
  /** Over `sluice_records`: row_number, raw, parse_errors (NULL when the record parsed) and what `value` reads. */
  rows: string;
  value: (index: number) => Val;
}

export function sourceSelect(d: SqlDialect, source: SourceSpec, failure: (rule: string, message: string) => string): SourceSql {
  return source.format === 'csv' ? csvSelect(d, source, failure) : jsonlSelect(d, source, failure);
}

function csvSelect(d: SqlDialect, source: CsvSource, failure: (rule: string, message: string) => string) {
  const q = escape(source.quoteChar);
  const delim = escape(source.delimiter);
  const lines = d.splitLines(d.replaceAll('content', '^\\x{FEFF}', ''));
  const quotes = `(${d.length('line')} - ${d.length(d.replaceText('line', source.quoteChar, ''))})`;
  const first = source.hasHeader ? 2 : 1;
  const fieldPattern = `${delim}(${q}(?:[^${q}]|${q}${q})*${q}|[^${delim}]*)`;
  const width = source.columns.length;
  const fields = d.listTransform('pieces', 'f',
    `CASE WHEN ${d.length('f')} >= 2 AND substr(f, 1, 1) = ${d.str(source.quoteChar)} AND substr(f, ${d.length('f')}, 1) = ${d.str(source.quoteChar)} THEN ${d.replaceText(`substr(f, 2, ${d.length('f')} - 2)`, source.quoteChar + source.quoteChar, source.quoteChar)} ELSE f END`);
  const consumed = d.listSum(d.listTransform('pieces', 'f', `${d.length('f')} + 1`));
  // A line starts a record when the quotes before it are balanced (the boundary scanner's rule). Most
  // records are one line and are kept as they are; only the others are glued back together.
  const records = `WITH sluice_lines AS (
    SELECT ordinal, line, coalesce(sum(${quotes}) OVER (ORDER BY ordinal ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) % 2 = 0 AS starts
    FROM ${d.explode(d.readText(source.path), lines, 'line', 'ordinal')} AS cut),
  sluice_marked AS (
    SELECT ordinal, line, starts, coalesce(lead(starts) OVER (ORDER BY ordinal), TRUE) AS next_starts,
      sum(CASE WHEN starts THEN 1 ELSE 0 END) OVER (ORDER BY ordinal ROWS UNBOUNDED PRECEDING) AS record_id
    FROM sluice_lines),
  sluice_cut AS (
    SELECT record_id, line AS record FROM sluice_marked WHERE starts AND next_starts
    UNION ALL
    SELECT record_id, ${d.joinLinesOrdered('line', 'ordinal')} AS record FROM sluice_marked
      WHERE record_id IN (SELECT record_id FROM sluice_marked WHERE NOT starts) GROUP BY record_id)
  SELECT row_number() OVER (ORDER BY record_id) AS row_number, ${d.replaceAll('record', '\\r$', '')} AS rec
  FROM sluice_cut
  WHERE record_id >= ${first} AND NOT ${d.fullMatch('record', '\\r?')}`;
  // A field a quote opens must close right before a delimiter: otherwise the pieces do not add up to the record.
  const rows = `SELECT row_number, rec AS raw, fields,
    CASE WHEN ${consumed} <> ${d.length('rec')} + 1 THEN ${d.listOf([failure('csv-syntax', d.str('the row is not valid CSV (check its quotes)'))])}
      WHEN ${d.listLength('fields')} <> ${width} THEN ${d.listOf([failure('row-shape', `'expected ${width} fields, found ' || CAST(${d.listLength('fields')} AS ${d.typeName('VARCHAR')})`)])}
    END AS parse_errors
  FROM (SELECT row_number, rec, pieces, ${fields} AS fields
    FROM (SELECT row_number, rec, ${d.extractAll(`${d.str(source.delimiter)} || rec`, fieldPattern, 1)} AS pieces FROM sluice_records) AS split) AS parsed`;
  const value = (index: number): Val => ({ t: `CASE WHEN parse_errors IS NULL THEN ${d.listItem('fields', index + 1)} END`, k: null });
  return { records, rows, value };
}

function jsonlSelect(d: SqlDialect, source: JsonlSource, failure: (rule: string, message: string) => string) {
  if (d.target === 'spark') throw new Error('unreachable: JSONL is refused for Spark before this point');
  const known = d.listOf(source.columns.map((c) => d.str(c)));
  const path = (column: string): string => d.str(`$."${column.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
  const records = `SELECT row_number() OVER (ORDER BY ordinal) AS row_number, line AS rec
  FROM (SELECT ordinal, regexp_replace(line, '\\r$', '') AS line
    FROM ${d.explode(d.readText(source.path), 'string_split(content, chr(10))', 'line', 'ordinal')} AS lines) AS cut
  WHERE NOT (${trimSql(d, 'line')} = '')`;
  const rows = `SELECT row_number, rec AS raw, rec AS line,
    CASE WHEN NOT json_valid(line) THEN ${d.listOf([failure('json-syntax', d.str('not valid JSON'))])}
      WHEN json_type(line) <> 'OBJECT' THEN ${d.listOf([failure('json-object', `'expected a JSON object, found ' || lower(json_type(line))`)])}
      WHEN len(list_filter(json_keys(line), key -> NOT list_contains(${known}, key))) > 0
        THEN list_transform(list_filter(json_keys(line), key -> NOT list_contains(${known}, key)),
          key -> {'field': key, 'rule': 'unknown-field', 'message': '"' || key || '" is not a column of the table'})
    END AS parse_errors
  FROM (SELECT row_number, rec, rec AS line FROM sluice_records) AS parsed`;
  const value = (index: number): Val => {
    const column = source.columns[index] as string;
    return {
      t: `CASE WHEN parse_errors IS NULL THEN json_extract_string(line, ${path(column)}) END`,
      k: `CASE WHEN parse_errors IS NULL THEN json_type(line, ${path(column)}) END`,
    };
  };
  return { records, rows, value };
}
