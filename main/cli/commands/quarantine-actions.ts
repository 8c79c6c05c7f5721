import { readFile } from 'node:fs/promises';
import { SluiceError } from '../../engine/errors.js';
import { bulkFix, parseMapPairs, type FixOperation } from '../../engine/quarantine/bulk-fix.js';
import { dismissQuarantined } from '../../engine/quarantine/lifecycle.js';
import { revalidateInPool } from '../../engine/quarantine/retry.js';
import { defaultWorkerCount } from '../../engine/pipeline/import-options.js';
import { loadRuleFile } from '../../engine/rules/load-rule-file.js';
import { Store } from '../../engine/store/store.js';
import { parseCommandArgs, positiveInteger, requireString } from '../args.js';
import { formatCount, printLine } from '../output.js';
import { EXIT, type CommandResult } from '../exit-codes.js';
import { QUARANTINE_USAGE } from './quarantine.js';
import { resolveQuarantineImportId } from './resolve-import.js';

const OPTIONS = {
  db: { type: 'string' },
  import: { type: 'string' },
  schema: { type: 'string' },
  field: { type: 'string' },
  rule: { type: 'string' },
  row: { type: 'string' },
  set: { type: 'string' },
  map: { type: 'string' },
  trim: { type: 'boolean' },
  replace: { type: 'string' },
  with: { type: 'string' },
  reason: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Which options each action takes; any other is a usage error, not silently ignored. */
const ALLOWED: Record<'retry' | 'fix' | 'dismiss', readonly string[]> = {
  retry: ['db', 'import', 'schema', 'json'],
  fix: ['db', 'import', 'schema', 'field', 'rule', 'set', 'map', 'trim', 'replace', 'with', 'dry-run', 'json'],
  dismiss: ['db', 'import', 'rule', 'field', 'row', 'reason', 'json'],
};

/** `sluice quarantine retry|fix|dismiss`: settle quarantined rows. */
export async function quarantineActionCommand(action: 'retry' | 'fix' | 'dismiss', argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, QUARANTINE_USAGE);
  if (values.help) {
    printLine(QUARANTINE_USAGE);
    return { exitCode: EXIT.OK };
  }
  if (positionals.length > 0) throw new SluiceError('USAGE', `quarantine ${action} takes no positional arguments.\n${QUARANTINE_USAGE}`);
  const extra = Object.keys(values).filter((name) => name !== 'debug' && !ALLOWED[action].includes(name));
  if (extra.length > 0) throw new SluiceError('USAGE', `quarantine ${action} does not take --${extra[0]}.\n${QUARANTINE_USAGE}`);
  const dbPath = requireString(values.db, '--db', QUARANTINE_USAGE);
  const importArg = requireString(values.import, '--import', QUARANTINE_USAGE);
  const ruleFile = values.schema !== undefined ? await readRuleFile(String(values.schema)) : undefined;
  const operation = action === 'fix' ? fixOperation(values) : null;
  if (action === 'fix') requireString(values.field, '--field', QUARANTINE_USAGE);
  if (action === 'dismiss') requireString(values.reason, '--reason', QUARANTINE_USAGE);
  const store = Store.open(dbPath, { mustExist: true });
  try {
    const importId = resolveQuarantineImportId(store, importArg);
    if (action === 'retry') {
      const result = await revalidateInPool(store, importId, ruleFile, { workers: defaultWorkerCount() });
      const summary = { importId: result.importId, retried: result.checked, fixed: result.fixed, stillFailing: result.stillFailing };
      printLine(values.json ? JSON.stringify(summary) : describe(`retried ${formatCount(summary.retried)} open rows of import #${importId}`, summary));
    } else if (action === 'fix') {
      const result = bulkFix(store, {
        importId,
        field: String(values.field),
        operation: operation!,
        ...(values.rule !== undefined ? { rule: String(values.rule) } : {}),
        ...(ruleFile !== undefined ? { ruleFile } : {}),
        dryRun: values['dry-run'] === true,
      });
      const head = `${values['dry-run'] ? 'dry run (nothing written): ' : ''}${formatCount(result.matched)} open rows of import #${importId} fail on "${String(values.field)}", ${formatCount(result.changed)} changed`;
      printLine(values.json ? JSON.stringify(result) : describe(head, result));
    } else {
      const dismissed = dismissQuarantined(
        store,
        importId,
        {
          ...(values.rule !== undefined ? { rule: String(values.rule) } : {}),
          ...(values.field !== undefined ? { field: String(values.field) } : {}),
          ...(values.row !== undefined ? { rowNumber: positiveInteger(values.row, '--row')! } : {}),
        },
        String(values.reason),
      );
      printLine(values.json ? JSON.stringify({ dismissed }) : `dismissed ${formatCount(dismissed)} open rows of import #${importId}`);
    }
    return { exitCode: EXIT.OK };
  } finally {
    store.close();
  }
}

function describe(head: string, summary: { importId: number | null; fixed: number; stillFailing: number }): string {
  const recorded = summary.importId === null ? '' : `\n  recorded as import #${summary.importId} (undo with: sluice undo --import ${summary.importId})`;
  return `${head}\n  now in the table  ${formatCount(summary.fixed)}\n  still failing     ${formatCount(summary.stillFailing)}${recorded}`;
}

function fixOperation(values: Record<string, unknown>): FixOperation {
  const given = ['set', 'map', 'trim', 'replace'].filter((name) => values[name] !== undefined);
  if (given.length !== 1) throw new SluiceError('USAGE', `quarantine fix takes exactly one of --set, --map, --trim, --replace.\n${QUARANTINE_USAGE}`);
  if (values.with !== undefined && given[0] !== 'replace') throw new SluiceError('USAGE', '--with goes with --replace.');
  switch (given[0]) {
    case 'set':
      return { kind: 'set', value: String(values.set) };
    case 'map':
      return { kind: 'map', pairs: parseMapPairs(String(values.map)) };
    case 'trim':
      return { kind: 'trim' };
    default:
      if (values.with === undefined) throw new SluiceError('USAGE', '--replace needs --with TEXT (the replacement; $1 names a group).');
      return { kind: 'replace', pattern: String(values.replace), with: String(values.with) };
  }
}

/** Checked like an import's --schema (clear errors), then kept as written: the child import stores it. */
async function readRuleFile(path: string): Promise<unknown> {
  await loadRuleFile(path);
  const text = await readFile(path, 'utf8');
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
}
