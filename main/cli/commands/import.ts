import os from 'node:os';
import { SluiceError, serializeError } from '../../engine/errors.js';
import { MAX_WORKERS } from '../../engine/pipeline/import-options.js';
import { parseDelimiterOverride } from '../../engine/source/delimiter-override.js';
import { markSummaryPrinted } from '../failure-summary.js';
import { ImportControl } from '../../engine/pipeline/import-control.js';
import { importInWorker } from '../../engine/pipeline/import-in-worker.js';
import type { FailurePolicy, ImportSummary } from '../../engine/types.js';
import { nonNegativeInteger, oneOf, parseCommandArgs, positiveInteger, requireString } from '../args.js';
import { formatCount, formatDuration, printError, printLine } from '../output.js';
import { PROGRESS_MODES, createProgress, defaultProgressMode } from '../progress-lines.js';
import { IMPORT_HELP } from '../help/import-help.js';
import { renderHelp } from '../help/command-help.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { formatWarnings } from './import-warnings-text.js';
import { SOURCE_OPTIONS, SOURCE_USAGE, SourceReporter, sourceOptionsFrom } from './import-source-args.js';

export const IMPORT_USAGE = `Usage: sluice import <file> --db <store.sqlite> [--table <name>] [--schema <rules.json>]
       [--key <col>[,<col>]] [--format csv|jsonl] [--delimiter C] [--no-header | --with-header] [--encoding E]
       [--workers N] [--batch-rows N] [--resume | --restart] [--fail-fast] [--max-errors N]
       [--append | --replace] [--on-duplicate last|first|quarantine] [--redact] [--progress bar|plain|none] [--json] [--debug]
${SOURCE_USAGE}
  <file> may be a path, - (standard input), or an http:/https: URL; .gz and .zip files are decompressed.`;

/** Statuses an import ends with: its progress event with one of them is its last. */
const FINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

export async function importCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      db: { type: 'string' },
      table: { type: 'string' },
      schema: { type: 'string' },
      key: { type: 'string' },
      format: { type: 'string' },
      delimiter: { type: 'string' },
      'no-header': { type: 'boolean' },
      'with-header': { type: 'boolean' },
      encoding: { type: 'string' },
      workers: { type: 'string' },
      'batch-rows': { type: 'string' },
      resume: { type: 'boolean' },
      restart: { type: 'boolean' },
      append: { type: 'boolean' },
      replace: { type: 'boolean' },
      'on-duplicate': { type: 'string' },
      'fail-fast': { type: 'boolean' },
      'max-errors': { type: 'string' },
      redact: { type: 'boolean' },
      json: { type: 'boolean' },
      ...SOURCE_OPTIONS,
      progress: { type: 'string' },
    },
    IMPORT_USAGE,
  );
  if (values.help) {
    printLine(renderHelp(IMPORT_HELP));
    return { exitCode: EXIT.OK };
  }
  if (positionals.length !== 1) throw new SluiceError('USAGE', `import takes exactly one file.\n${IMPORT_USAGE}`);
  if (values['no-header'] && values['with-header']) throw new SluiceError('USAGE', '--no-header and --with-header cannot be used together.');
  if (values.resume && values.restart) throw new SluiceError('USAGE', '--resume and --restart cannot be used together.');
  if (values['fail-fast'] && values['max-errors'] !== undefined) {
    throw new SluiceError('USAGE', '--fail-fast and --max-errors cannot be used together.');
  }
  const maxErrors = nonNegativeInteger(values['max-errors'], '--max-errors');
  if (values.append && values.replace) throw new SluiceError('USAGE', '--append and --replace cannot be used together.');
  const onDuplicate = oneOf(values['on-duplicate'], ['last', 'first', 'quarantine'] as const, '--on-duplicate');
  // Without --fail-fast or --max-errors a resume keeps the policy stored with the import.
  const failure: FailurePolicy | undefined = values['fail-fast']
    ? { mode: 'fast' }
    : maxErrors !== undefined
      ? { mode: 'soft', maxErrors }
      : values.resume
        ? undefined
        : { mode: 'soft', maxErrors: null };
  const key = typeof values.key === 'string' ? values.key.split(',').map((name) => name.trim()).filter(Boolean) : undefined;
  if (key && key.length === 0) throw new SluiceError('USAGE', '--key needs at least one column name.');
  // A usage error before any file is opened (an empty value was silently ignored and the delimiter sniffed).
  if (values.delimiter !== undefined) parseDelimiterOverride(String(values.delimiter));
  const workers = positiveInteger(values.workers, '--workers');
  if (workers !== undefined && workers > MAX_WORKERS) {
    throw new SluiceError('USAGE', `--workers takes at most ${MAX_WORKERS} (this machine runs ${os.availableParallelism()} threads at once), got ${workers}.`);
  }
  const batchRows = positiveInteger(values['batch-rows'], '--batch-rows');
  const format = oneOf(values.format, ['csv', 'jsonl', 'json-api'] as const, '--format');
  const sourceOptions = sourceOptionsFrom(values);
  const sourceReporter = new SourceReporter(values.json === true);

  const progressMode = oneOf(values.progress, PROGRESS_MODES, '--progress') ?? defaultProgressMode();
  const control = new ImportControl();
  const bar = createProgress(progressMode);
  let signals = 0;
  let finished = false;
  const onSignal = () => {
    // Once the import has returned, its outcome stands; a late Ctrl+C must not turn it into a kill.
    if (finished) return;
    signals++;
    if (signals > 1) {
      // Every commit is a transaction, so stopping here loses nothing that was reported as committed.
      bar.clear();
      printError('stopped.');
      process.exit(EXIT.CANCELLED);
    }
    bar.clear();
    printError('cancelling: finishing the batches in flight (press Ctrl+C again to stop at once)…');
    control.cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let summary: ImportSummary;
  let finalRowsWarned: number | undefined;
  let started: { importId: number; table: string } | null = null;
  try {
    summary = await importInWorker(
      {
        sourcePath: positionals[0]!,
        dbPath: requireString(values.db, '--db', IMPORT_USAGE),
        ...(values.table !== undefined ? { table: String(values.table) } : {}),
        ...(values.schema !== undefined ? { schemaPath: String(values.schema) } : {}),
        ...(key ? { key } : {}),
        ...(format && format !== 'json-api' ? { format } : {}),
        ...sourceOptions,
        ...(values.delimiter !== undefined ? { delimiter: String(values.delimiter) } : {}),
        ...(values['no-header'] ? { hasHeader: false } : values['with-header'] ? { hasHeader: true } : {}),
        ...(values.encoding !== undefined ? { encoding: String(values.encoding) } : {}),
        ...(workers ? { workers } : {}),
        ...(batchRows ? { batchRows } : {}),
        resume: values.resume === true,
        restart: values.restart === true,
        append: values.append === true,
        replace: values.replace === true,
        ...(onDuplicate ? { onDuplicate } : {}),
        ...(failure ? { failure } : {}),
        redact: values.redact === true,
      },
      {
        control,
        onProgress: (progress) => {
          // The import's last event (a final status) carries its final counters.
          if (FINAL_STATUSES.has(progress.status)) finalRowsWarned = progress.counters.rowsWarned;
          bar.update(progress);
        },
        onSource: (progress) => sourceReporter.update(progress),
        onStoreBusy: (retries) => {
          if (!values.json) printError(`store busy: another program or import is writing to ${String(values.db)}; waiting (retry ${retries})`);
        },
        ...(positionals[0] === '-' || positionals[0] === '/dev/stdin' ? { stdin: process.stdin } : {}),
        onStart: ({ importId, table, resumed, plan }) => {
          sourceReporter.clear();
          started = { importId, table };
          if (values.json) return;
          printError(`${resumed ? 'resuming' : 'starting'} import #${importId} into table "${table}"`);
          if (plan && !resumed) printError(`plan: ${plan.message}`);
        },
      },
    );
  } catch (error) {
    // --json callers get the refusal as a document too (stdout), besides the one line on stderr; if the
    // import had begun (its thread died), the document is that import's failed summary.
    const begun = started as { importId: number; table: string } | null;
    if (values.json) {
      printLine(JSON.stringify(begun ? { importId: begun.importId, table: begun.table, status: 'failed', error: serializeError(error) } : { status: 'refused', error: serializeError(error) }));
      markSummaryPrinted(error);
    }
    throw error;
  } finally {
    finished = true;
    bar.clear();
    sourceReporter.clear();
  }

  // No row warned: nothing to read from the store (opening it and loading better-sqlite3 on this thread cost
  // ~40 ms); otherwise its modules are loaded only now, after the import.
  const warnings = finalRowsWarned === 0
    ? formatWarnings(summary.importId, 0, [])
    : (await import('./import-warnings.js')).describeWarnings(requireString(values.db, '--db', IMPORT_USAGE), summary.importId);
  if (values.json) {
    printLine(JSON.stringify({ ...summary, ...warnings.json }));
  } else {
    printLine(describeSummary(summary));
    if (warnings.text) printLine(warnings.text);
  }
  if (summary.status === 'cancelled') {
    printError(`import #${summary.importId} cancelled; continue it with --resume.`);
    return { exitCode: EXIT.CANCELLED };
  }
  if (summary.status === 'failed') {
    printError(summary.error?.message ?? 'the import failed.');
    return { exitCode: EXIT.ERROR };
  }
  return { exitCode: EXIT.OK };
}

function describeSummary(summary: ImportSummary): string {
  return [
    `import #${summary.importId} ${summary.status}: table "${summary.table}"`,
    `  rows read         ${formatCount(summary.rowsRead)}`,
    `  inserted          ${formatCount(summary.rowsInserted)}`,
    `  updated           ${formatCount(summary.rowsUpdated)}`,
    ...(summary.upsertKey
      ? [
          `  unchanged         ${formatCount(summary.rowsUnchanged ?? 0)}`,
          `  upsert key        ${summary.upsertKey.join(', ')} (from ${summary.keySource === 'rule file' ? "the rule file's primaryKey" : '--key'})`,
        ]
      : []),
    ...(summary.duplicateKeys
      ? [`  repeated keys     ${formatCount(summary.duplicateKeys)}  (rows ${(summary.duplicateKeyRows ?? []).join(', ')}${summary.duplicateKeys > (summary.duplicateKeyRows ?? []).length ? ', …' : ''})`]
      : []),
    `  quarantined       ${formatCount(summary.rowsQuarantined)}${summary.rowsQuarantined > 0 ? `  (see: sluice quarantine --import ${summary.importId})` : ''}`,
    `  took              ${formatDuration(summary.durationMs / 1000)}`,
    ...(summary.storeRetries ? [`  store busy        ${formatCount(summary.storeRetries)} ${summary.storeRetries === 1 ? 'retry' : 'retries'}  (another program or import was writing to the store; see: sluice log --import ${summary.importId})`] : []),
    ...(summary.rowsBadEncoding ? [`  bad encoding      ${formatCount(summary.rowsBadEncoding)}  (records whose bytes are not valid in the file's encoding, quarantined)`] : []),
    ...(summary.renamedColumns ?? []).map((rename) => `  renamed column    ${JSON.stringify(rename.from)} → ${JSON.stringify(rename.to)}`),
  ].join('\n');
}
