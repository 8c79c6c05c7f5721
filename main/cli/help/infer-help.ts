import type { CommandHelp } from './command-help.js';

export const INFER_HELP: CommandHelp = {
  command: 'infer',
  summary: 'print a rule file (a Table Schema) inferred from a sample spread across a file',
  usage: ['infer <file> [--rows N] [--format csv|jsonl] [--delimiter C] [--no-header | --with-header] [--encoding E]'],
  options: [
    { flag: '<file>', description: 'the CSV, TSV or JSONL file to sample' },
    { flag: '--rows', value: '<n>', description: 'rows to sample (default 1000)' },
    { flag: '--format', value: 'csv|jsonl', description: 'file format (default: detected)' },
    { flag: '--delimiter', value: '<char>', description: 'CSV field delimiter (default: detected)' },
    { flag: '--no-header', description: 'the first CSV line is data, not column names' },
    { flag: '--with-header', description: 'the first CSV line is column names, even where it looks like data (default: detected)' },
    { flag: '--encoding', value: '<name>', description: 'utf-8, utf-16le, utf-16be, windows-1252, iso-8859-15, shift_jis or gb18030 (default: detected)' },
  ],
  examples: [{ note: 'draft rules to edit, then import with them', command: 'infer customers.csv > customers.rules.json' }],
};
