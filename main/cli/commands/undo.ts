import { SluiceError, serializeError } from '../../engine/errors.js';
import { undoImport } from '../../engine/history/undo.js';
import { Store } from '../../engine/store/store.js';
import { parseCommandArgs, requireString } from '../args.js';
import { formatCount, printError, printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { resolveImportId } from './resolve-import.js';

export const UNDO_USAGE = `Usage: sluice undo --db <store> --import <id|latest> [--cascade] [--drop-table] [--json]
  Removes the rows the import inserted and restores the rows it changed, in one transaction.
  --cascade     also undo, newest first, later imports that changed the same rows
  --drop-table  drop the table too when this import created it (and no other rows are left)`;

export async function undoCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { db: { type: 'string' }, import: { type: 'string' }, cascade: { type: 'boolean' }, 'drop-table': { type: 'boolean' }, json: { type: 'boolean' } },
    UNDO_USAGE,
  );
  if (values.help) {
    printLine(UNDO_USAGE);
    return { exitCode: EXIT.OK };
  }
  if (positionals.length > 0) throw new SluiceError('USAGE', `undo takes no positional arguments.\n${UNDO_USAGE}`);
  const dbPath = requireString(values.db, '--db', UNDO_USAGE);
  const importArg = requireString(values.import, '--import', UNDO_USAGE);
  const store = Store.open(dbPath, { mustExist: true });
  try {
    const importId = resolveImportId(store, importArg);
    const result = undoImport(store, importId, { cascade: values.cascade === true, dropTable: values['drop-table'] === true });
    if (values.json) {
      printLine(JSON.stringify({ status: 'undone', ...result }));
    } else {
      const others = result.undoneImports.filter((id) => id !== importId);
      printLine(
        [
          `import #${importId} undone: table "${result.table}"`,
          `  rows removed      ${formatCount(result.rowsRemoved)}`,
          `  rows restored     ${formatCount(result.rowsRestored)}`,
          ...(others.length > 0 ? [`  also undone       ${others.map((id) => `#${id}`).join(', ')}`] : []),
          ...(result.droppedColumns.length > 0 ? [`  columns dropped   ${result.droppedColumns.join(', ')}`] : []),
          ...(result.droppedTable ? ['  table dropped'] : []),
        ].join('\n'),
      );
    }
    return { exitCode: EXIT.OK };
  } catch (error) {
    if (values.json) printLine(JSON.stringify({ status: 'refused', error: serializeError(error) }));
    if (error instanceof SluiceError && error.code === 'UNDO_REFUSED') {
      printError(error.message);
      return { exitCode: EXIT.ERROR };
    }
    throw error;
  } finally {
    store.close();
  }
}
