import { SluiceError } from '../../engine/errors.js';
import { checkWritePermission, writeFileAtomically } from '../../engine/export/write-permission.js';
import { loadRuleFile } from '../../engine/rules/load-rule-file.js';
import { SQL_TARGETS, rulesToSql } from '../../engine/rules/sql/index.js';
import { oneOf, parseCommandArgs } from '../args.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { printError, printLine } from '../output.js';

export const RULES_USAGE = `Usage: sluice rules compile <rules.json> --to duckdb|spark [--source <file>] [--out file.sql] [--force]
Prints SQL that applies the rule file without Sluice: it reads the source and creates two
relations, accepted (row_number and typed columns) and quarantined (row_number, raw, errors).
--source   the CSV/JSONL file the SQL reads (its header and dialect are read now);
           without it the SQL reads source.csv with the rule file's fields as columns
--out      write the SQL to this file instead of printing it (--force to replace a file)`;

export async function rulesCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { to: { type: 'string' }, source: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } },
    RULES_USAGE,
  );
  if (values.help) {
    printLine(RULES_USAGE);
    return { exitCode: EXIT.OK };
  }
  const [subcommand, ruleFilePath, ...rest] = positionals;
  if (subcommand !== 'compile') throw new SluiceError('USAGE', `${subcommand === undefined ? 'rules needs a subcommand' : `unknown rules subcommand "${subcommand}"`}.\n${RULES_USAGE}`);
  if (ruleFilePath === undefined || rest.length > 0) throw new SluiceError('USAGE', `rules compile takes exactly one rule file.\n${RULES_USAGE}`);
  const target = oneOf(values.to, SQL_TARGETS, '--to');
  if (target === undefined) throw new SluiceError('USAGE', `--to is required (duckdb or spark).\n${RULES_USAGE}`);
  const ruleFile = await loadRuleFile(ruleFilePath);
  const sourcePath = typeof values.source === 'string' ? values.source : undefined;
  // Check the output path before the work, so a refused path costs nothing.
  const out = typeof values.out === 'string' ? checkWritePermission(values.out, { overwrite: values.force === true, ...(sourcePath ? { protectedSources: [sourcePath] } : {}) }) : null;
  const sql = await rulesToSql(ruleFile, { target, ...(sourcePath !== undefined ? { sourcePath } : {}) });
  if (out === null) {
    process.stdout.write(sql);
  } else {
    writeFileAtomically(out, sql);
    printError(`wrote ${target} SQL to ${out}`);
  }
  return { exitCode: EXIT.OK };
}
