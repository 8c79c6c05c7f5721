import type { CommandHelp } from './command-help.js';

export const SCHEMA_HELP: CommandHelp = {
  command: 'schema',
  summary: 'print the Frictionless Table Schema a table was imported with (given, inferred, or derived from JSON types)',
  usage: ['schema --db <store> --table <name>'],
  options: [
    { flag: '--db', value: '<store>', description: 'the store to read' },
    { flag: '--table', value: '<name>', description: 'the table whose schema to print' },
  ],
  examples: [{ note: 'reuse the schema of an imported table as a rule file', command: 'schema --db store.sqlite --table customers > customers.rules.json' }],
};
