import type { CommandHelp } from './command-help.js';

export const LOG_HELP: CommandHelp = {
  command: 'log',
  summary: "print an import's log: decisions (dialect, encoding, plan), retries, worker failures, status changes, the finish",
  usage: ['log --db <store> --import <id|latest> [--level L] [--json] [--follow]'],
  options: [
    { flag: '--db', value: '<store>', description: 'the store to read' },
    { flag: '--import', value: '<id|latest>', description: 'the import whose log to print' },
    { flag: '--level', value: 'debug|info|warn|error', description: 'only lines at this level or above (default: debug)' },
    { flag: '--json', description: 'the raw JSON lines, as stored' },
    { flag: '--follow', description: 'keep printing new lines until the import stops' },
  ],
  examples: [
    { note: 'what happened in the last import', command: 'log --db store.sqlite --import latest' },
    { note: 'watch a running import from another terminal', command: 'log --db store.sqlite --import 3 --follow' },
  ],
  notes: ['The log never contains values from rows, with or without --redact.'],
};
