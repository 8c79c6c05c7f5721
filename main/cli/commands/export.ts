import { SluiceError } from '../../engine/errors.js';
import { exportFormatFromPath, exportQuarantine, exportTable } from '../../engine/export/export-table.js';
import { Store } from '../../engine/store/store.js';
import { parseDelimiterOverride } from '../../engine/source/delimiter-override.js';
import { normalizeEncoding } from '../../engine/source/encoding.js';
import type { SupportedEncoding } from '../../engine/types.js';
import { oneOf, parseCommandArgs, requireString } from '../args.js';
import { formatCount, printError, printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { resolveQuarantineImportId } from './resolve-import.js';
import { EXPORT_HELP } from '../help/export-help.js';
import { renderHelp } from '../help/command-help.js';

export const EXPORT_USAGE = `Usage: sluice export --db <store> --table <name> --out <file> [--format csv|jsonl] [--force] [--delimiter C] [--newline lf|crlf] [--header|--no-header] [--encoding E]
       sluice export --db <store> --quarantine <importId|latest> [--status open|fixed|dismissed|undone|all] --out <file> [--format csv|jsonl] [--force] [--encoding E]
  --force  replace an existing file (never the store, its -wal/-shm/-journal files or an imported source)
  --delimiter, --newline  CSV layout (default: the table's source file's)
  --header, --no-header  write a CSV header line or not (default: as the table's source file had one)
  --encoding  the file's encoding: utf-8 (default), utf-16le, utf-16be, windows-1252, iso-8859-15, shift_jis, gb18030
  --status  which quarantined rows (default: open)
  --out - writes standard output; a name ending in .gz is gzip-compressed (data.csv.gz).`;

export async function exportCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { db: { type: 'string' }, table: { type: 'string' }, quarantine: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, force: { type: 'boolean' },
      delimiter: { type: 'string' }, newline: { type: 'string' }, header: { type: 'boolean' }, 'no-header': { type: 'boolean' }, encoding: { type: 'string' }, status: { type: 'string' } },
    EXPORT_USAGE,
  );
  if (values.help) {
    printLine(renderHelp(EXPORT_HELP));
    return { exitCode: EXIT.OK };
  }
  if (positionals.length > 0) throw new SluiceError('USAGE', `export takes no positional arguments.\n${EXPORT_USAGE}`);
  const dbPath = requireString(values.db, '--db', EXPORT_USAGE);
  const out = requireString(values.out, '--out', EXPORT_USAGE);
  if ((values.table === undefined) === (values.quarantine === undefined)) {
    throw new SluiceError('USAGE', `Give either --table or --quarantine.\n${EXPORT_USAGE}`);
  }
  if (values.status !== undefined && values.quarantine === undefined) throw new SluiceError('USAGE', `--status goes with --quarantine.\n${EXPORT_USAGE}`);
  if (values.header && values['no-header']) throw new SluiceError('USAGE', `Give --header or --no-header, not both.\n${EXPORT_USAGE}`);
  const header = values.header ? { header: true } : values['no-header'] ? { header: false } : {};
  const encoding = values.encoding !== undefined ? { encoding: exportEncoding(String(values.encoding)) } : {};
  const status = oneOf(values.status, ['open', 'fixed', 'dismissed', 'undone', 'all'] as const, '--status') ?? 'open';
  const format = oneOf(values.format, ['csv', 'jsonl'] as const, '--format') ?? exportFormatFromPath(out);
  const store = Store.open(dbPath, { mustExist: true });
  try {
    const summary =
      values.table !== undefined
        ? await exportTable(store, String(values.table), out, { format, overwrite: values.force === true, ...csvLayoutOptions(values.delimiter, values.newline), ...header, ...encoding })
        : await exportQuarantine(store, resolveQuarantineImportId(store, String(values.quarantine)), out, { format, overwrite: values.force === true, status, ...encoding });
    printError(`wrote ${formatCount(summary.rowsWritten)} rows to ${summary.path === '-' ? 'standard output' : summary.path}`);
    return { exitCode: EXIT.OK };
  } finally {
    store.close();
  }
}

/** --delimiter and --newline override the table's source file's own (the default). */
function csvLayoutOptions(delimiter: unknown, newline: unknown): { delimiter?: string; newline?: '\n' | '\r\n' } {
  const chosen = oneOf(newline as string | undefined, ['lf', 'crlf'] as const, '--newline');
  return {
    ...(typeof delimiter === 'string' ? { delimiter: parseDelimiterOverride(delimiter) } : {}),
    ...(chosen ? { newline: chosen === 'lf' ? '\n' : '\r\n' } : {}),
  };
}

/** An encoding label the export can write, or a usage error listing them. */
function exportEncoding(label: string): SupportedEncoding {
  try {
    return normalizeEncoding(label);
  } catch (error) {
    throw new SluiceError('USAGE', `${(error as Error).message}\n${EXPORT_USAGE}`);
  }
}
