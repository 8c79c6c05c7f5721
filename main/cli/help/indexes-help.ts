import type { CommandHelp } from './command-help.js';

export const INDEXES_HELP: CommandHelp = {
  command: 'indexes',
  summary: 'list or remove the sort indexes the Data screen made to sort big tables quickly',
  usage: ['indexes --db <store> [--table <name>] [--json]', 'indexes drop --db <store> [--table <name>] [--column <name>] [--json]'],
  options: [
    { flag: '--db', value: '<store>', description: 'the store to read or change' },
    { flag: '--table', value: '<name>', description: "only this table's indexes" },
    { flag: '--column', value: '<name>', description: "drop: only the index on this column (with --table)" },
    { flag: '--json', description: 'print the indexes as JSON' },
  ],
  examples: [
    { note: 'what sorting has added to the store', command: 'indexes --db store.sqlite' },
    { note: "remove one table's sort indexes (the next sort of a big table makes one again)", command: 'indexes drop --db store.sqlite --table customers' },
  ],
  notes: [
    'Sorting a table of 50,000 to 2.5M rows in the Data screen by a column of short values keeps an index on that column',
    '(at most three per table), so every later sorted page is quick. Each costs about its column\'s size in the store and',
    'makes later imports into the table a little slower. Dropping one loses no data; the file keeps its size and reuses the space.',
  ],
};
