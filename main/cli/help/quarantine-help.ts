import type { CommandHelp } from './command-help.js';

export const QUARANTINE_HELP: CommandHelp = {
  command: 'quarantine',
  summary: 'list quarantined rows with the reasons they failed',
  usage: ['quarantine --db <store> [--import <id|latest>] [--rule R] [--field F] [--limit N] [--json]'],
  options: [
    { flag: '--db', value: '<store>', description: 'the store to read' },
    { flag: '--import', value: '<id|latest>', description: 'only rows of this import' },
    { flag: '--rule', value: '<rule>', description: 'only rows that failed this rule (e.g. type, enum, pattern)' },
    { flag: '--field', value: '<column>', description: 'only rows that failed on this column' },
    { flag: '--limit', value: '<n>', description: 'at most n rows (default 1000)' },
    { flag: '--json', description: 'one JSON object per row' },
  ],
  examples: [
    { note: 'why the last import set rows aside', command: 'quarantine --db store.sqlite --import latest' },
    { note: 'only bad e-mail addresses', command: 'quarantine --db store.sqlite --field email --json' },
  ],
};
