import type { CommandHelp } from './command-help.js';

export const STATUS_HELP: CommandHelp = {
  command: 'status',
  summary: 'list imports with their status and counters, or show one import and where its time went',
  usage: ['status --db <store> [--import <id|latest>] [--json]'],
  options: [
    { flag: '--db', value: '<store>', description: 'the store to read' },
    { flag: '--import', value: '<id|latest>', description: "one import: counters, warnings and its trace's stage breakdown" },
    { flag: '--json', description: 'JSON lines (with --import: one object including the trace)' },
  ],
  examples: [
    { note: 'every import; killed ones show as interrupted', command: 'status --db store.sqlite' },
    { note: 'where the time of the last import went', command: 'status --db store.sqlite --import latest' },
  ],
  notes: ['Status "interrupted": the process that ran the import is gone; continue it with import --resume.'],
};
