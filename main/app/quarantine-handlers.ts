import type { Store } from '../engine/store/store.js';
import type { BulkFixRequest } from '../engine/quarantine/bulk-fix.js';
import { retryQuarantinedRow, type RevalidateSummary } from '../engine/quarantine/retry.js';
import type { QuarantineFixResult } from './contract.js';
import { runQuarantineJob } from './quarantine-runner.js';
import { readRowValues, writeRowValues } from '../engine/quarantine/row-text.js';
import { AppFailure } from './app-failure.js';
import type { Handlers } from './handlers.js';

/**
 * The quarantine workbench: facets, one row as fields, field-by-field edits,
 * bulk fixes with their dry run, dismissals. Every write refuses while the
 * import is still running: its rows are still being quarantined.
 */
export function quarantineHandlers(
  store: Store,
  dbPath: string,
  isImportLive: (importId: number) => boolean,
): Pick<Handlers, 'quarantine/facets' | 'quarantine/row' | 'quarantine/edit' | 'quarantine/fix' | 'quarantine/dismiss' | 'quarantine/revalidate'> {
  const settled = (importId: number) => {
    if (isImportLive(importId)) throw new AppFailure('IMPORT_RUNNING', 'Wait for the import to finish before settling its rows.');
  };
  const rowOf = (id: number) => {
    const row = store.quarantine.get(id);
    if (!row) throw new AppFailure('BAD_REQUEST', `There is no quarantined row #${id}.`);
    const record = store.imports.get(row.importId);
    if (!record) throw new AppFailure('BAD_REQUEST', `The import of quarantined row #${id} no longer exists.`);
    return { row, record };
  };
  return {
    'quarantine/facets': (request) => ({
      ...store.quarantine.facets(request.importId, request.status ?? 'open'),
      statuses: store.quarantine.statusCounts(request.importId),
    }),

    'quarantine/row': (request) => {
      const { row, record } = rowOf(request.id);
      return { row, columns: record.layout.columns, values: readRowValues(row.raw, record.layout), format: record.layout.dialect.format };
    },

    'quarantine/edit': (request) => {
      const { row, record } = rowOf(request.id);
      settled(row.importId);
      if (request.values.length !== record.layout.columns.length) {
        throw new AppFailure('BAD_REQUEST', `Row #${request.id} has ${record.layout.columns.length} fields, got ${request.values.length}.`);
      }
      const outcome = retryQuarantinedRow(store, request.id, writeRowValues(row.raw, record.layout, request.values), request.draft);
      return outcome.ok ? { fixed: true } : { fixed: false, errors: outcome.errors };
    },

    // Bulk jobs (every open row of an import, maybe 100k) run in a thread of their own: see quarantine-thread.ts.
    'quarantine/fix': (request) => {
      settled(request.importId);
      const fix: BulkFixRequest = {
        importId: request.importId,
        field: request.field,
        operation: request.operation,
        ...(request.rule !== undefined ? { rule: request.rule } : {}),
        ...(request.draft !== undefined ? { ruleFile: request.draft } : {}),
        dryRun: request.dryRun === true,
      };
      return runQuarantineJob<QuarantineFixResult>(dbPath, { kind: 'fix', request: fix });
    },

    'quarantine/dismiss': (request) => {
      settled(request.importId);
      const { importId, reason, ...selection } = request;
      return runQuarantineJob<{ dismissed: number }>(dbPath, { kind: 'dismiss', importId, selection, reason });
    },

    'quarantine/revalidate': async (request) => {
      settled(request.importId);
      // The Rules screen's draft, when given: re-validate with the rules the user has now.
      const job = { kind: 'retry' as const, importId: request.importId, ...(request.draft !== undefined ? { ruleFile: request.draft } : {}) };
      const result = await runQuarantineJob<RevalidateSummary>(dbPath, job);
      return { importId: result.importId, retried: result.checked, fixed: result.fixed, stillFailing: result.stillFailing };
    },
  };
}
