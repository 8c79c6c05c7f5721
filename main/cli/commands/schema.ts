import { SluiceError } from '../../engine/errors.js';
import { Store } from '../../engine/store/store.js';
import { TableSchemas, asFrictionlessSchema } from '../../engine/store/table-schemas.js';
import { keptTextColumns } from '../../engine/store/kept-text-columns.js';
import { parseCommandArgs, requireString } from '../args.js';
import { printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { SCHEMA_HELP } from '../help/schema-help.js';
import { renderHelp } from '../help/command-help.js';

export const SCHEMA_USAGE = `Usage: sluice schema --db <store> --table <name>
Prints the Frictionless Table Schema the table was imported with (given, inferred, or derived from JSON types).`;

export async function schemaCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(argv, { db: { type: 'string' }, table: { type: 'string' } }, SCHEMA_USAGE);
  if (values.help) {
    printLine(renderHelp(SCHEMA_HELP));
    return { exitCode: EXIT.OK };
  }
  if (positionals.length > 0) throw new SluiceError('USAGE', `schema takes no positional arguments.\n${SCHEMA_USAGE}`);
  const dbPath = requireString(values.db, '--db', SCHEMA_USAGE);
  const table = requireString(values.table, '--table', SCHEMA_USAGE);
  const store = Store.open(dbPath, { mustExist: true });
  try {
    if (!store.tableExists(table)) throw new SluiceError('TABLE_NOT_FOUND', `There is no table "${table}" in ${dbPath}.`);
    const schema = new TableSchemas(store.db).get(table);
    if (!schema) {
      throw new SluiceError('USAGE', `Table "${table}" was imported before Sluice stored schemas; import it again to record one.`);
    }
    printLine(JSON.stringify(asFrictionlessSchema(schema, keptTextColumns(store.db, table)), null, 2));
    return { exitCode: EXIT.OK };
  } finally {
    store.close();
  }
}
