import { SluiceError } from '../../engine/errors.js';
import { Store } from '../../engine/store/store.js';
import { isResumable } from '../../engine/store/import-records.js';
import { ImportOwners } from '../../engine/observe/import-owner.js';
import { parseCommandArgs, requireString } from '../args.js';
import { formatCount, formatTable, printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { describeSpool, pendingSpools, resumableWithSpool, spoolOf } from './status-sources.js';
import { STATUS_HELP } from '../help/status-help.js';
import { renderHelp, renderUsage } from '../help/command-help.js';
import { resolveImportId } from './resolve-import.js';
import { loadImportDetail, printImportDetail } from './status-detail.js';

export const STATUS_USAGE = renderUsage(STATUS_HELP);

export async function statusCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(argv, { db: { type: 'string' }, import: { type: 'string' }, json: { type: 'boolean' } }, STATUS_USAGE);
  if (values.help) {
    printLine(renderHelp(STATUS_HELP));
    return { exitCode: EXIT.OK };
  }
  if (positionals.length > 0) throw new SluiceError('USAGE', `status takes no positional arguments.\n${STATUS_USAGE}`);
  const store = Store.open(requireString(values.db, '--db', STATUS_USAGE), { mustExist: true });
  try {
    if (values.import !== undefined) {
      const record = store.imports.get(resolveImportId(store, String(values.import)))!;
      const detail = loadImportDetail(store, record);
      if (values.json) {
        printLine(JSON.stringify({ ...summaryOf(store, detail.record, detail.status, detail.resumable), warningsByRule: detail.warnings, trace: detail.traces.at(-1) ?? null, runs: detail.traces }));
      } else {
        printImportDetail(detail);
      }
      return { exitCode: EXIT.OK };
    }
    const owners = new ImportOwners(store.db);
    const imports = store.imports.list().map((record) => {
      const status = owners.displayStatus(record.id, record.status);
      return { record, status, resumable: resumableWithSpool(store, record) && status !== 'running' && status !== 'paused' };
    });
    if (values.json) {
      for (const { record, status, resumable } of imports) printLine(JSON.stringify(summaryOf(store, record, status, resumable)));
      return { exitCode: EXIT.OK };
    }
    if (imports.length === 0) {
      printLine('No imports yet.');
      printPendingSpools(store, []);
      return { exitCode: EXIT.OK };
    }
    printLine(
      formatTable(
        ['id', 'status', 'table', 'read', 'inserted', 'updated', 'quarantined', 'warned', 'progress', 'resumable', 'source'],
        imports.map(({ record, status, resumable }) => [
          String(record.id),
          status,
          record.table,
          formatCount(record.counters.rowsRead),
          formatCount(record.counters.rowsInserted),
          formatCount(record.counters.rowsUpdated),
          formatCount(record.counters.rowsQuarantined),
          formatCount(record.counters.rowsWarned),
          `${record.fingerprint.size > 0 ? Math.floor((100 * record.nextByteOffset) / record.fingerprint.size) : 100}%`,
          resumable ? 'yes' : 'no',
          record.sourcePath,
        ]),
      ),
    );
    // An undone or superseded import's error is history (its detail still shows it): its "can be resumed" no longer holds.
    const settled = (status: string) => status === 'undone' || status === 'superseded';
    for (const { record } of imports.filter((entry) => entry.record.errorMessage && !settled(entry.record.status))) printLine(`#${record.id}: ${record.errorMessage}`);
    for (const { record } of imports.filter((entry) => entry.record.counters.storeRetries)) {
      const retries = record.counters.storeRetries!;
      printLine(`#${record.id}: the store was busy (another program or import was writing); ${formatCount(retries)} ${retries === 1 ? 'retry' : 'retries'}`);
    }
    for (const { record } of imports.filter((entry) => isResumable(entry.record))) {
      const spool = spoolOf(store, record);
      if (spool) printLine(`#${record.id}: source ${describeSpool(spool)}`);
      else if (record.sourcePath === '-') printLine(`#${record.id}: its standard input is no longer spooled; it cannot be resumed (import it again with --restart)`);
    }
    printPendingSpools(store, imports.map((entry) => entry.record));
    for (const { record } of imports.filter((entry) => entry.record.options.keySource)) {
      const key = record.options.key ?? keyFromRules(record.schema) ?? [];
      printLine(`#${record.id}: upserts on key ${key.join(', ')} (from ${record.options.keySource === 'rule file' ? "the rule file's primaryKey" : '--key'})`);
    }
    if (imports.some((entry) => entry.status === 'interrupted')) printLine('interrupted: the process running it is gone; continue with sluice import <file> --db <store> --resume');
    return { exitCode: EXIT.OK };
  } finally {
    store.close();
  }
}

function printPendingSpools(store: Store, imports: ReturnType<Store['imports']['list']>): void {
  for (const pending of pendingSpools(store, imports)) {
    printLine(`not started yet: ${pending.source} ${describeSpool(pending.spool)}; continue with sluice import ${pending.source} --resume`);
  }
}

function summaryOf(store: Store, record: ReturnType<Store['imports']['list']>[number], status: string, resumable: boolean) {
  return {
    importId: record.id,
    source: record.sourcePath,
    table: record.table,
    status,
    storedStatus: record.status,
    resumable,
    spool: spoolOf(store, record),
    ...record.counters,
    storeRetries: record.counters.storeRetries ?? 0,
    upsertKey: record.options.key ?? keyFromRules(record.schema),
    keySource: record.options.keySource ?? null,
    parentImportId: record.parentImportId,
    undoable: record.provenance && record.status !== 'undone' && record.status !== 'superseded',
    nextByteOffset: record.nextByteOffset,
    totalBytes: record.fingerprint.size,
    error: record.errorMessage,
    errorCode: record.errorCode,
    startedAt: record.startedAt,
    updatedAt: record.updatedAt,
  };
}

/** The rule file's primaryKey, as stored with the import. */
function keyFromRules(schema: unknown): string[] | null {
  const key = (schema as { primaryKey?: unknown } | null)?.primaryKey;
  if (typeof key === 'string') return [key];
  return Array.isArray(key) ? key.filter((name): name is string => typeof name === 'string') : null;
}
