/**
 * The `sluice` command line: import, export, infer, quarantine, status.
 * Exit codes: 0 done, 1 error (one line on stderr), 2 usage error, 130 cancelled.
 */
import { isSluiceError, serializeError } from '../engine/errors.js';
import { EXIT, type CommandResult } from './exit-codes.js';
import { printError, printLine } from './output.js';
import { endQuietlyOnClosedPipe } from './closed-pipe.js';
import { failureSummary, summaryPrinted } from './failure-summary.js';

type Command = (argv: string[]) => Promise<CommandResult>;

/** Loaded on demand: each command pulls in only its own modules, which shortens every start (about 90 ms for import). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  import: async () => (await import('./commands/import.js')).importCommand,
  export: async () => (await import('./commands/export.js')).exportCommand,
  infer: async () => (await import('./commands/infer.js')).inferCommand,
  quarantine: async () => (await import('./commands/quarantine.js')).quarantineCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  undo: async () => (await import('./commands/undo.js')).undoCommand,
  schema: async () => (await import('./commands/schema.js')).schemaCommand,
  log: async () => (await import('./commands/log.js')).logCommand,
  warnings: async () => (await import('./commands/warnings.js')).warningsCommand,
  rules: async () => (await import('./commands/rules.js')).rulesCommand,
  indexes: async () => (await import('./commands/indexes.js')).indexesCommand,
};

const USAGE = `Sluice: clean, validate and query big CSV/JSONL files on your machine.

Usage: sluice <command> [options]   (sluice <command> --help for its options)

Commands:
  import <file> --db <store>      stream a CSV/JSONL file into a table, quarantining bad rows
  export --db <store> ...         write a table or an import's quarantine to CSV/JSONL
  infer <file>                    print a rule file (Table Schema) inferred from a sample
  quarantine [list|retry|fix|dismiss] --db <store>
                                  list quarantined rows; retry, fix or dismiss them
  status --db <store>             list imports, their counters and whether they can resume
  undo --db <store> --import N    take an import back: remove the rows it added, restore the rows it changed
  schema --db <store> --table T   print the Table Schema a table was imported with
  log --db <store> --import N     an import's log: decisions, retries, status changes
  warnings --db <store>           rows kept despite a warn-level rule, grouped by rule
  rules compile <rules.json> --to duckdb|spark   print SQL that applies a rule file in DuckDB or Spark
  indexes [drop] --db <store>     list or remove the sort indexes the Data screen made`;

export async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    printLine(USAGE);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  if (command === '--version') {
    printLine('0.1.0');
    return EXIT.OK;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    printError(`unknown command "${command}".\n${USAGE}`);
    return EXIT.USAGE;
  }
  try {
    const run = await load();
    return (await run(rest)).exitCode;
  } catch (error) {
    if (rest.includes('--debug') && error instanceof Error) process.stderr.write(`${error.stack ?? error.message}\n`);
    // --json promises a summary as the last stdout line, also when the command could not even start.
    if (rest.includes('--json') && !summaryPrinted(error)) printLine(JSON.stringify(failureSummary(command, error)));
    if (isSluiceError(error)) {
      printError(error.message);
      return error.code === 'USAGE' ? EXIT.USAGE : error.code === 'CANCELLED' ? EXIT.CANCELLED : EXIT.ERROR;
    }
    printError(`unexpected error: ${serializeError(error).message} (run with --debug for details)`);
    return EXIT.ERROR;
  }
}

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
