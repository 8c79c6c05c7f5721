import { SluiceError } from '../../engine/errors.js';
import { Store } from '../../engine/store/store.js';
import { isResumable } from '../../engine/store/import-records.js';
import { parseCommandArgs, requireString } from '../args.js';
import { formatCount, formatTable, printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { describeSpool, pendingSpools, resumableWithSpool, spoolOf } from './status-sources.js';

export const STATUS_USAGE = `Usage: sluice status --db <store> [--json]`;

export async function statusCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(argv, { db: { type: 'string' }, json: { type: 'boolean' } }, STATUS_USAGE);
  if (values.help) {
    printLine(STATUS_USAGE);
    return { exitCode: EXIT.OK };
  }
  if (positionals.length > 0) throw new SluiceError('USAGE', `status takes no positional arguments.\n${STATUS_USAGE}`);
  const store = Store.open(requireString(values.db, '--db', STATUS_USAGE), { mustExist: true });
  try {
    const imports = store.imports.list();
    if (values.json) {
      for (const record of imports) {
        printLine(
          JSON.stringify({
            importId: record.id,
            source: record.sourcePath,
            table: record.table,
            status: record.status,
            resumable: resumableWithSpool(store, record),
            spool: spoolOf(store, record),
            ...record.counters,
            upsertKey: record.options.key ?? keyFromRules(record.schema),
            keySource: record.options.keySource ?? null,
            parentImportId: record.parentImportId,
            undoable: record.provenance && record.status !== 'undone' && record.status !== 'superseded',
            nextByteOffset: record.nextByteOffset,
            totalBytes: record.fingerprint.size,
            error: record.errorMessage,
            startedAt: record.startedAt,
            updatedAt: record.updatedAt,
          }),
        );
      }
      return { exitCode: EXIT.OK };
    }
    if (imports.length === 0) {
      printLine('No imports yet.');
      printPendingSpools(store, imports);
      return { exitCode: EXIT.OK };
    }
    printLine(
      formatTable(
        ['id', 'status', 'table', 'read', 'inserted', 'updated', 'quarantined', 'progress', 'resumable', 'source'],
        imports.map((record) => [
          String(record.id),
          record.status,
          record.table,
          formatCount(record.counters.rowsRead),
          formatCount(record.counters.rowsInserted),
          formatCount(record.counters.rowsUpdated),
          formatCount(record.counters.rowsQuarantined),
          `${record.fingerprint.size > 0 ? Math.floor((100 * record.nextByteOffset) / record.fingerprint.size) : 100}%`,
          resumableWithSpool(store, record) ? 'yes' : 'no',
          record.sourcePath,
        ]),
      ),
    );
    for (const record of imports.filter((r) => r.errorMessage)) printLine(`#${record.id}: ${record.errorMessage}`);
    for (const record of imports.filter((r) => isResumable(r))) {
      const spool = spoolOf(store, record);
      if (spool) printLine(`#${record.id}: source ${describeSpool(spool)}`);
      else if (record.sourcePath === '-') printLine(`#${record.id}: its standard input is no longer spooled; it cannot be resumed (import it again with --restart)`);
    }
    printPendingSpools(store, imports);
    for (const record of imports.filter((r) => r.options.keySource)) {
      const key = record.options.key ?? keyFromRules(record.schema) ?? [];
      printLine(`#${record.id}: upserts on key ${key.join(', ')} (from ${record.options.keySource === 'rule file' ? "the rule file's primaryKey" : '--key'})`);
    }
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

/** The rule file's primaryKey, as stored with the import. */
function keyFromRules(schema: unknown): string[] | null {
  const key = (schema as { primaryKey?: unknown } | null)?.primaryKey;
  if (typeof key === 'string') return [key];
  return Array.isArray(key) ? key.filter((name): name is string => typeof name === 'string') : null;
}
