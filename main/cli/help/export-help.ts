import type { CommandHelp } from './command-help.js';

export const EXPORT_HELP: CommandHelp = {
  command: 'export',
  summary: "write a table, or an import's quarantine, to a CSV or JSONL file",
  usage: ['export --db <store> --table <name> --out <file> [--format csv|jsonl]', 'export --db <store> --quarantine <import|latest> --out <file> [--format csv|jsonl]'],
  options: [
    { flag: '--db', value: '<store>', description: 'the store to read' },
    { flag: '--table', value: '<name>', description: 'the table to export' },
    { flag: '--quarantine', value: '<import|latest>', description: "export this import's quarantined rows instead of a table" },
    { flag: '--out', value: '<file>', description: 'the file to write (refused if it exists)' },
    { flag: '--format', value: 'csv|jsonl', description: "output format (default: from --out's extension)" },
    { flag: '--delimiter', value: '<char>', description: "CSV field delimiter (default: the table's source file's, else ',')" },
    { flag: '--newline', value: 'lf|crlf', description: "CSV line ends (default: the table's source file's, else crlf)" },
    { flag: '--header', description: 'write a CSV header line with the column names' },
    { flag: '--no-header', description: 'write no CSV header line (default when the table was imported with --no-header)' },
    { flag: '--encoding', value: '<label>', description: 'the file\'s encoding: utf-8 (default), utf-16le, utf-16be, windows-1252, iso-8859-15, shift_jis, gb18030; a character it cannot hold stops the export, naming row and column' },
  ],
  examples: [
    { note: 'the clean table as CSV', command: 'export --db store.sqlite --table customers --out customers.clean.csv' },
    { note: 'a table imported with --no-header, with column_1,… as a header line', command: 'export --db store.sqlite --table codes --out codes.csv --header' },
    { note: 'the rows the last import set aside', command: 'export --db store.sqlite --quarantine latest --out bad.jsonl' },
    { note: 'those rows in the encoding of a windows-1252 source, to fix in a spreadsheet', command: 'export --db store.sqlite --quarantine latest --out bad.csv --encoding windows-1252' },
  ],
};
