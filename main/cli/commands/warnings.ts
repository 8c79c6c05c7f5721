import { SluiceError } from '../../engine/errors.js';
import { Store } from '../../engine/store/store.js';
import { WarningRecords } from '../../engine/observe/warning-records.js';
import { parseCommandArgs, positiveInteger, requireString } from '../args.js';
import { formatCount, formatTable, printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { WARNINGS_HELP } from '../help/warnings-help.js';
import { renderHelp, renderUsage } from '../help/command-help.js';
import { resolveImportId } from './resolve-import.js';

const DEFAULT_LIMIT = 1000;

export async function warningsCommand(argv: string[]): Promise<CommandResult> {
  const usage = renderUsage(WARNINGS_HELP);
  const { values, positionals } = parseCommandArgs(
    argv,
    { db: { type: 'string' }, import: { type: 'string' }, rule: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    usage,
  );
  if (values.help) {
    printLine(renderHelp(WARNINGS_HELP));
    return { exitCode: EXIT.OK };
  }
  if (positionals.length > 0) throw new SluiceError('USAGE', `warnings takes no positional arguments.\n${usage}`);
  const limit = positiveInteger(values.limit, '--limit') ?? DEFAULT_LIMIT;
  const store = Store.open(requireString(values.db, '--db', usage), { mustExist: true, readonly: true });
  try {
    const importId = values.import !== undefined ? resolveImportId(store, String(values.import)) : undefined;
    const warnings = new WarningRecords(store.db);
    const page = warnings.page({
      ...(importId !== undefined ? { importId } : {}),
      ...(values.rule !== undefined ? { rule: String(values.rule) } : {}),
      limit,
    });
    if (values.json) {
      for (const row of page.rows) printLine(JSON.stringify(row));
      return { exitCode: EXIT.OK };
    }
    if (page.total === 0) {
      printLine('No warned rows.');
      return { exitCode: EXIT.OK };
    }
    const groups = warnings.summary(importId).filter((group) => values.rule === undefined || group.rule === values.rule);
    printLine(`${formatCount(page.total)} warned rows; by rule:`);
    for (const group of groups) printLine(`  ${group.rule}${group.field ? ` (${group.field})` : ''}  ${formatCount(group.count)}  e.g. rows ${group.exampleRows.join(', ')}`);
    printLine('');
    printLine(
      formatTable(
        ['import', 'row', 'line', 'rule', 'warning'],
        page.rows.map((row) => [
          String(row.importId),
          String(row.rowNumber),
          String(row.line),
          row.warnings.map((warning) => warning.rule).join(', '),
          row.warnings.map((warning) => warning.message).join('; '),
        ]),
      ),
    );
    if (page.total > page.rows.length) printLine(`… ${formatCount(page.total - page.rows.length)} more (use --limit)`);
    return { exitCode: EXIT.OK };
  } finally {
    store.close();
  }
}
