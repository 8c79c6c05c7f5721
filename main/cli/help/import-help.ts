import type { CommandHelp } from './command-help.js';

export const IMPORT_HELP: CommandHelp = {
  command: 'import',
  summary: 'stream a CSV or JSONL file into a table of a store; bad rows go to the quarantine with their reasons',
  usage: ['import <file> --db <store> [options]'],
  options: [
    { flag: '<file>', description: 'the CSV, TSV or JSONL file to import' },
    { flag: '--db', value: '<store>', description: 'the SQLite store to import into (created when missing)' },
    { flag: '--table', value: '<name>', description: "target table (default: the file's name, lower-cased)" },
    { flag: '--schema', value: '<rules.json>', description: 'rule file (a Frictionless Table Schema) to type and validate rows' },
    { flag: '--key', value: '<col>[,<col>]', description: 'upsert on these columns (the last row with a key wins)' },
    { flag: '--format', value: 'csv|jsonl', description: 'file format (default: detected)' },
    { flag: '--delimiter', value: '<char>', description: 'CSV field delimiter (default: detected)' },
    { flag: '--no-header', description: 'the first CSV line is data, not column names' },
    { flag: '--encoding', value: '<name>', description: 'utf-8, utf-16le, utf-16be or windows-1252 (default: detected)' },
    { flag: '--workers', value: '<n>', description: 'parser threads (default: cores, at most 4)' },
    { flag: '--batch-rows', value: '<n>', description: 'rows per batch handed to a worker (default 1000)' },
    { flag: '--resume', description: 'continue the unfinished import of this file into this table' },
    { flag: '--restart', description: 'discard the unfinished import of this file and start again' },
    { flag: '--fail-fast', description: 'stop at the first bad row (rows before it are kept)' },
    { flag: '--max-errors', value: '<n>', description: 'stop once more than n rows are quarantined' },
    { flag: '--redact', description: 'keep row values out of failure messages' },
    { flag: '--progress', value: 'bar|plain|none', description: 'progress on stderr (default: bar on a terminal, a plain line every few seconds otherwise)' },
    { flag: '--json', description: 'print a JSON summary as the last stdout line (with error {code, message} on failure)' },
  ],
  examples: [
    { note: 'import with rules; see what was set aside', command: 'import customers.csv --db store.sqlite --schema customers.rules.json' },
    { note: 'continue after a crash or Ctrl+C', command: 'import customers.csv --db store.sqlite --resume' },
    { note: 'in a script or CI job', command: 'import feed.jsonl --db store.sqlite --key id --json --progress plain' },
  ],
  notes: ['Exit codes: 0 finished (rows may be quarantined), 1 error, 2 usage error, 130 cancelled.'],
};
