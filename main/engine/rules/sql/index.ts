import { SluiceError } from '../../errors.js';
import { sniffSource } from '../../source/sniff.js';
import { jsonlKeysAcross } from '../../source/sample.js';
import type { RuleFile } from '../model.js';
import { ruleModelOf } from '../parse-rule-file.js';
import { compileToSql } from './compile-sql.js';
import type { SqlTarget } from './dialect.js';
import type { SourceSpec } from './source-sql.js';

export type { SqlTarget } from './dialect.js';
export const SQL_TARGETS: readonly SqlTarget[] = ['duckdb', 'spark'];

export interface RulesToSqlOptions {
  target: SqlTarget;
  /** The file the SQL reads; its header (CSV) or keys (JSONL) and dialect are read from it when it exists. */
  sourcePath?: string;
}

/**
 * The source as Sluice would read it. With a file, its sniffed dialect and
 * columns (JSONL: the schema's fields, then keys seen in a sample, as the
 * import does); without one, a CSV whose columns are the rule file's fields
 * in order, read from `source.csv`.
 */
async function sourceSpecFor(ruleFile: RuleFile, sourcePath: string | undefined): Promise<SourceSpec> {
  const model = ruleModelOf(ruleFile);
  if (sourcePath === undefined) {
    return { format: 'csv', path: 'source.csv', delimiter: ',', quoteChar: '"', hasHeader: true, columns: model.fields.map((f) => f.source) };
  }
  const layout = await sniffSource(sourcePath);
  const { dialect } = layout;
  if (dialect.encoding !== 'utf-8') {
    throw new SluiceError('ENCODING_UNSUPPORTED', `${sourcePath} is ${dialect.encoding}; the generated SQL reads UTF-8 text only. Convert the file to UTF-8 first.`);
  }
  if (dialect.format === 'jsonl') {
    const sampled = await jsonlKeysAcross(sourcePath, layout);
    const columns = [...new Set([...model.fields.map((f) => f.name), ...sampled])];
    return { format: 'jsonl', path: sourcePath, columns };
  }
  return { format: 'csv', path: sourcePath, delimiter: dialect.delimiter, quoteChar: dialect.quoteChar, hasHeader: dialect.hasHeader, columns: layout.columns };
}

/** Compiles a checked rule file to SQL for `target`; throws RULES_INVALID listing what cannot be expressed. */
export async function rulesToSql(ruleFile: RuleFile, options: RulesToSqlOptions): Promise<string> {
  const source = await sourceSpecFor(ruleFile, options.sourcePath);
  return compileToSql(ruleModelOf(ruleFile), { target: options.target, source });
}
