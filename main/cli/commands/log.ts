import { SluiceError } from '../../engine/errors.js';
import { Store } from '../../engine/store/store.js';
import { LOG_LEVELS, LogRecords, type LogEntry, type LogLevelName } from '../../engine/observe/log-records.js';
import { ImportOwners } from '../../engine/observe/import-owner.js';
import { hasObserveTables } from '../../engine/observe/trace-records.js';
import { oneOf, parseCommandArgs, requireString } from '../args.js';
import { printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { LOG_HELP } from '../help/log-help.js';
import { renderHelp, renderUsage } from '../help/command-help.js';
import { resolveImportId } from './resolve-import.js';

/** How often --follow looks for new lines: the log is a table, and reading it is cheap. */
const FOLLOW_POLL_MS = 500;

export async function logCommand(argv: string[]): Promise<CommandResult> {
  const usage = renderUsage(LOG_HELP);
  const { values, positionals } = parseCommandArgs(
    argv,
    { db: { type: 'string' }, import: { type: 'string' }, level: { type: 'string' }, json: { type: 'boolean' }, follow: { type: 'boolean' } },
    usage,
  );
  if (values.help) {
    printLine(renderHelp(LOG_HELP));
    return { exitCode: EXIT.OK };
  }
  if (positionals.length > 0) throw new SluiceError('USAGE', `log takes no positional arguments.\n${usage}`);
  const dbPath = requireString(values.db, '--db', usage);
  const importArg = requireString(values.import, '--import', usage);
  const level = oneOf(values.level, ['debug', 'info', 'warn', 'error'] as const, '--level') ?? 'debug';
  const store = Store.open(dbPath, { mustExist: true, readonly: true });
  try {
    const importId = resolveImportId(store, importArg);
    if (!hasObserveTables(store.db)) {
      printLine(`Import #${importId} has no log (it ran before this version of Sluice kept logs).`);
      return { exitCode: EXIT.OK };
    }
    const records = new LogRecords(store.db);
    const owners = new ImportOwners(store.db);
    const print = (entry: LogEntry, raw: boolean) => printLine(raw ? toJsonLine(entry) : formatEntry(entry));
    let afterSeq = 0;
    const drain = () => {
      for (const entry of records.page(importId, { afterSeq, minLevel: LOG_LEVELS[level as LogLevelName] })) {
        print(entry, values.json === true);
        afterSeq = entry.seq;
      }
    };
    drain();
    if (!values.follow) return { exitCode: EXIT.OK };
    // Follow while the import is running in a live process; a final drain picks up its last lines.
    for (;;) {
      const record = store.imports.get(importId);
      const running = record !== null && owners.displayStatus(importId, record.status) === 'running';
      drain();
      if (!running) break;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    }
    drain();
    return { exitCode: EXIT.OK };
  } finally {
    store.close();
  }
}

function toJsonLine(entry: LogEntry): string {
  return JSON.stringify({ level: entry.level, time: entry.time, importId: entry.importId, stage: entry.stage, event: entry.event, ...entry.fields, msg: entry.msg });
}

/** `10:21:33.123  INFO   plan     dialect   CSV, delimiter ","…`, then the line's fields on one indented line. */
export function formatEntry(entry: LogEntry): string {
  const time = entry.time.slice(11, 23);
  const head = `${time}  ${entry.level.toUpperCase().padEnd(5)}  ${entry.stage.padEnd(8)} ${entry.event.padEnd(13)} ${entry.msg}`;
  const fields = Object.entries(entry.fields).filter(([key]) => key !== 'counters' || entry.event !== 'finish');
  return fields.length === 0 ? head : `${head}\n${' '.repeat(16)}${fields.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' ')}`;
}
