import { SluiceError } from '../../engine/errors.js';
import { Store } from '../../engine/store/store.js';
import type { QuarantinedRow, QuarantineStatus } from '../../engine/store/quarantine-records.js';
import { oneOf, parseCommandArgs, positiveInteger, requireString } from '../args.js';
import { formatTable, printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { resolveQuarantineImportId } from './resolve-import.js';
import { QUARANTINE_HELP } from '../help/quarantine-help.js';
import { renderHelp } from '../help/command-help.js';

export const QUARANTINE_USAGE = `Usage: sluice quarantine [list] --db <store> [--import <id|latest>] [--status open|fixed|dismissed|undone|all] [--rule R] [--field F] [--limit N] [--json]
       sluice quarantine retry --db <store> --import <id|latest> [--schema rules.json] [--json]
       sluice quarantine fix --db <store> --import <id|latest> --field F (--set V | --map OLD=NEW[,OLD=NEW] | --trim | --replace PATTERN --with TEXT) [--rule R] [--dry-run] [--json]
       sluice quarantine dismiss --db <store> --import <id|latest> [--rule R] [--row N] --reason TEXT [--json]
  list     quarantined rows with their status and reasons (default: open rows)
  retry    check the open rows again (with --schema: with these rules); rows that pass go into the table
  fix      change one field of the open rows that fail on it, then retry them (--dry-run: only count)
  dismiss  set open rows aside for good, saying why
  A retry or fix is recorded as an import of its own; \`sluice undo --import <its id>\` takes it back.`;

const DEFAULT_LIMIT = 1000;
const STATUSES = ['open', 'fixed', 'dismissed', 'undone', 'all'] as const;

export async function quarantineCommand(argv: string[]): Promise<CommandResult> {
  const sub = argv[0];
  if (sub === 'retry' || sub === 'fix' || sub === 'dismiss') {
    const { quarantineActionCommand } = await import('./quarantine-actions.js');
    return quarantineActionCommand(sub, argv.slice(1));
  }
  return listCommand(sub === 'list' ? argv.slice(1) : argv);
}

async function listCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      db: { type: 'string' },
      import: { type: 'string' },
      status: { type: 'string' },
      rule: { type: 'string' },
      field: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
    QUARANTINE_USAGE,
  );
  if (values.help) {
    printLine(renderHelp(QUARANTINE_HELP));
    return { exitCode: EXIT.OK };
  }
  if (positionals.length > 0) throw new SluiceError('USAGE', `Unknown quarantine command "${positionals[0]}".\n${QUARANTINE_USAGE}`);
  const status = oneOf(values.status, STATUSES, '--status') ?? 'open';
  const store = Store.open(requireString(values.db, '--db', QUARANTINE_USAGE), { mustExist: true });
  try {
    const importId = values.import !== undefined ? resolveQuarantineImportId(store, String(values.import)) : undefined;
    const page = store.quarantine.page({
      ...(importId !== undefined ? { importId } : {}),
      ...(status !== 'all' ? { status: status as QuarantineStatus } : {}),
      ...(values.rule !== undefined ? { rule: String(values.rule) } : {}),
      ...(values.field !== undefined ? { field: String(values.field) } : {}),
      limit: positiveInteger(values.limit, '--limit') ?? DEFAULT_LIMIT,
    });
    if (values.json) {
      for (const row of page.rows) printLine(JSON.stringify(row));
      return { exitCode: EXIT.OK };
    }
    if (page.total === 0) {
      printLine(status === 'all' ? 'No quarantined rows.' : `No ${status} quarantined rows.`);
      return { exitCode: EXIT.OK };
    }
    printLine(
      formatTable(
        ['import', 'row', 'line', 'status', 'errors', 'raw'],
        page.rows.map((row) => [
          String(row.importId),
          String(row.rowNumber),
          String(row.line),
          row.status,
          describeStatus(row),
          truncate(row.raw, 60),
        ]),
      ),
    );
    if (page.total > page.rows.length) printLine(`… ${page.total - page.rows.length} more (use --limit, or export with sluice export --quarantine)`);
    return { exitCode: EXIT.OK };
  } finally {
    store.close();
  }
}

/** A settled row says how it was settled; its old reasons would read as if it still failed. */
function describeStatus(row: QuarantinedRow): string {
  if (row.status === 'dismissed') return `dismissed: ${row.dismissReason ?? ''}`;
  if (row.status === 'fixed') return `fixed by import #${row.fixedByImportId ?? '?'}`;
  return row.errors.map((error) => error.message).join('; ');
}

function truncate(text: string, length: number): string {
  const flat = text.replace(/\r?\n/g, '⏎');
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
