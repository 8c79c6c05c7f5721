import { SluiceError } from '../../engine/errors.js';
import { Store } from '../../engine/store/store.js';
import { dropSortIndexes, listSortIndexes, type SortIndexInfo } from '../../engine/store/sort-index.js';
import { parseCommandArgs, requireString } from '../args.js';
import { formatBytes, formatTable, printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { INDEXES_HELP } from '../help/indexes-help.js';
import { renderHelp } from '../help/command-help.js';

export const INDEXES_USAGE = `Usage: sluice indexes --db <store> [--table <name>] [--json]
       sluice indexes drop --db <store> [--table <name>] [--column <name>] [--json]`;

export async function indexesCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { db: { type: 'string' }, table: { type: 'string' }, column: { type: 'string' }, json: { type: 'boolean' } },
    INDEXES_USAGE,
  );
  if (values.help) {
    printLine(renderHelp(INDEXES_HELP));
    return { exitCode: EXIT.OK };
  }
  const [action, ...extra] = positionals;
  if (extra.length > 0 || (action !== undefined && action !== 'list' && action !== 'drop')) {
    throw new SluiceError('USAGE', `indexes takes "list" (the default) or "drop".\n${INDEXES_USAGE}`);
  }
  if (values.column !== undefined && (action !== 'drop' || values.table === undefined)) {
    throw new SluiceError('USAGE', `--column names one index to drop: give it with "drop" and --table.\n${INDEXES_USAGE}`);
  }
  const dbPath = requireString(values.db, '--db', INDEXES_USAGE);
  const store = Store.open(dbPath, { mustExist: true });
  try {
    const table = values.table;
    if (table !== undefined && !store.tableExists(table)) throw new SluiceError('TABLE_NOT_FOUND', `There is no table "${table}" in ${dbPath}.`);
    if (action === 'drop') {
      const dropped = dropSortIndexes(store.db, { ...(table === undefined ? {} : { table }), ...(values.column === undefined ? {} : { column: values.column }) });
      // Like DROP INDEX IF EXISTS: asking to drop what is not there changes nothing and is not an error.
      if (values.json) printLine(JSON.stringify({ dropped }));
      else printLine(dropped.length === 0 ? 'No sort indexes to drop.' : `Dropped ${dropped.length} sort index${dropped.length === 1 ? '' : 'es'} (${formatBytes(total(dropped))}; the store reuses the space):\n${render(dropped)}`);
      return { exitCode: EXIT.OK };
    }
    const indexes = listSortIndexes(store.db, table);
    if (values.json) printLine(JSON.stringify({ indexes }));
    else printLine(indexes.length === 0 ? 'No sort indexes.' : `${render(indexes)}\n${indexes.length} sort index${indexes.length === 1 ? '' : 'es'}, ${formatBytes(total(indexes))} in all.`);
    return { exitCode: EXIT.OK };
  } finally {
    store.close();
  }
}

function total(indexes: readonly SortIndexInfo[]): number {
  return indexes.reduce((sum, index) => sum + index.bytes, 0);
}

function render(indexes: readonly SortIndexInfo[]): string {
  return formatTable(['table', 'column', 'size'], indexes.map((index) => [index.table, index.column, formatBytes(index.bytes)]));
}
