import type { CommandHelp } from './command-help.js';

export const WARNINGS_HELP: CommandHelp = {
  command: 'warnings',
  summary: 'list rows that passed but broke a warn-level rule (kept in the table, recorded here)',
  usage: ['warnings --db <store> [--import <id|latest>] [--rule R] [--limit N] [--json]'],
  options: [
    { flag: '--db', value: '<store>', description: 'the store to read' },
    { flag: '--import', value: '<id|latest>', description: 'only rows of this import' },
    { flag: '--rule', value: '<rule>', description: 'only warnings of this rule' },
    { flag: '--limit', value: '<n>', description: 'at most n rows (default 1000)' },
    { flag: '--json', description: 'one JSON object per warned row' },
  ],
  examples: [
    { note: 'warned rows of the last import, with the rules they broke', command: 'warnings --db store.sqlite --import latest' },
    { note: 'one rule only, for a script', command: 'warnings --db store.sqlite --rule adults_pay --json' },
  ],
};
