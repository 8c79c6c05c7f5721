import { SluiceError } from '../../engine/errors.js';
import { Store } from '../../engine/store/store.js';
import { parseCommandArgs, positiveInteger, requireString } from '../args.js';
import { formatTable, printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { resolveImportId } from './resolve-import.js';
import { QUARANTINE_HELP } from '../help/quarantine-help.js';
import { renderHelp } from '../help/command-help.js';

export const QUARANTINE_USAGE = `Usage: sluice quarantine --db <store> [--import <id|latest>] [--rule R] [--field F] [--limit N] [--json]`;

const DEFAULT_LIMIT = 1000;

export async function quarantineCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      db: { type: 'string' },
      import: { type: 'string' },
      rule: { type: 'string' },
      field: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
    QUARANTINE_USAGE,
  );
  if (values.help) {
    printLine(renderHelp(QUARANTINE_HELP));
    return { exitCode: EXIT.OK };
  }
  if (positionals.length > 0) throw new SluiceError('USAGE', `quarantine takes no positional arguments.\n${QUARANTINE_USAGE}`);
  const store = Store.open(requireString(values.db, '--db', QUARANTINE_USAGE), { mustExist: true });
  try {
    const importId = values.import !== undefined ? resolveImportId(store, String(values.import)) : undefined;
    const page = store.quarantine.page({
      ...(importId !== undefined ? { importId } : {}),
      ...(values.rule !== undefined ? { rule: String(values.rule) } : {}),
      ...(values.field !== undefined ? { field: String(values.field) } : {}),
      limit: positiveInteger(values.limit, '--limit') ?? DEFAULT_LIMIT,
    });
    if (values.json) {
      for (const row of page.rows) printLine(JSON.stringify(row));
      return { exitCode: EXIT.OK };
    }
    if (page.total === 0) {
      printLine('No quarantined rows.');
      return { exitCode: EXIT.OK };
    }
    printLine(
      formatTable(
        ['import', 'row', 'line', 'errors', 'raw'],
        page.rows.map((row) => [
          String(row.importId),
          String(row.rowNumber),
          String(row.line),
          row.errors.map((error) => error.message).join('; '),
          truncate(row.raw, 60),
        ]),
      ),
    );
    if (page.total > page.rows.length) printLine(`… ${page.total - page.rows.length} more (use --limit, or export with sluice export --quarantine)`);
    return { exitCode: EXIT.OK };
  } finally {
    store.close();
  }
}

function truncate(text: string, length: number): string {
  const flat = text.replace(/\r?\n/g, '⏎');
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
