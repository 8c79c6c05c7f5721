import type { CommandHelp } from './command-help.js';

export const UNDO_HELP: CommandHelp = {
  command: 'undo',
  summary: 'take an import back: remove the rows it inserted and restore the rows it changed, in one transaction',
  usage: ['undo --db <store> --import <id|latest> [--cascade] [--drop-table] [--json]'],
  options: [
    { flag: '--db', value: '<store>', description: 'the store to change' },
    { flag: '--import', value: '<id|latest>', description: 'the import to undo' },
    { flag: '--cascade', description: 'also undo, newest first, later imports that changed the same rows' },
    { flag: '--drop-table', description: 'drop the table too when this import created it (and no other rows are left)' },
    { flag: '--json', description: 'print what was undone as one JSON object' },
  ],
  examples: [
    { note: 'take back the last import', command: 'undo --db store.sqlite --import latest' },
    { note: 'an import that later imports built on, with them', command: 'undo --db store.sqlite --import 3 --cascade' },
  ],
};
