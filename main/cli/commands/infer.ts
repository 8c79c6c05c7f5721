import { SluiceError } from '../../engine/errors.js';
import { inferRules } from '../../engine/rules/index.js';
import { sampleSource } from '../../engine/source/sample.js';
import { assertTextFile } from '../../engine/source/not-text.js';
import { oneOf, parseCommandArgs, positiveInteger } from '../args.js';
import { printError, printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { INFER_HELP } from '../help/infer-help.js';
import { renderHelp } from '../help/command-help.js';

export const INFER_USAGE = `Usage: sluice infer <file> [--rows N] [--format csv|jsonl] [--delimiter C] [--no-header | --with-header] [--encoding E]
Prints a suggested rule file (a Table Schema) inferred from a sample of the file.`;

const DEFAULT_SAMPLE_ROWS = 1000;

export async function inferCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      rows: { type: 'string' },
      format: { type: 'string' },
      delimiter: { type: 'string' },
      'no-header': { type: 'boolean' },
      'with-header': { type: 'boolean' },
      encoding: { type: 'string' },
    },
    INFER_USAGE,
  );
  if (values.help) {
    printLine(renderHelp(INFER_HELP));
    return { exitCode: EXIT.OK };
  }
  if (positionals.length !== 1) throw new SluiceError('USAGE', `infer takes exactly one file.\n${INFER_USAGE}`);
  if (values['no-header'] && values['with-header']) throw new SluiceError('USAGE', '--no-header and --with-header cannot be used together.');
  const format = oneOf(values.format, ['csv', 'jsonl'] as const, '--format');
  await assertTextFile(positionals[0]!);
  const sample = await sampleSource(positionals[0]!, positiveInteger(values.rows, '--rows') ?? DEFAULT_SAMPLE_ROWS, {
    ...(format ? { format } : {}),
    ...(values.delimiter !== undefined ? { delimiter: String(values.delimiter) } : {}),
    ...(values['no-header'] ? { hasHeader: false } : values['with-header'] ? { hasHeader: true } : {}),
    ...(values.encoding !== undefined ? { encoding: String(values.encoding) } : {}),
  });
  const dialect = sample.layout.dialect;
  printError(
    `sampled ${sample.rows.length} rows; ${dialect.format}` +
      (dialect.format === 'csv' ? `, delimiter ${JSON.stringify(dialect.delimiter)}, header ${dialect.hasHeader ? 'yes' : 'no'}` : '') +
      `, encoding ${dialect.encoding} (${dialect.encodingReason})`,
  );
  printLine(JSON.stringify(inferRules({ columns: sample.columns, rows: sample.rows }), null, 2));
  return { exitCode: EXIT.OK };
}
