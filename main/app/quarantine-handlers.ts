import type { Store } from '../engine/store/store.js';
import { bulkFix } from '../engine/quarantine/bulk-fix.js';
import { dismissQuarantined } from '../engine/quarantine/lifecycle.js';
import { retryQuarantinedRow } from '../engine/quarantine/retry.js';
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
  isImportLive: (importId: number) => boolean,
): Pick<Handlers, 'quarantine/facets' | 'quarantine/row' | 'quarantine/edit' | 'quarantine/fix' | 'quarantine/dismiss'> {
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
      const outcome = retryQuarantinedRow(store, request.id, writeRowValues(row.raw, record.layout, request.values));
      return outcome.ok ? { fixed: true } : { fixed: false, errors: outcome.errors };
    },

    'quarantine/fix': (request) => {
      settled(request.importId);
      return bulkFix(store, {
        importId: request.importId,
        field: request.field,
        operation: request.operation,
        ...(request.rule !== undefined ? { rule: request.rule } : {}),
        ...(request.draft !== undefined ? { ruleFile: request.draft } : {}),
        dryRun: request.dryRun === true,
      });
    },

    'quarantine/dismiss': (request) => {
      settled(request.importId);
      const { importId, reason, ...selection } = request;
      return { dismissed: dismissQuarantined(store, importId, selection, reason) };
    },
  };
}
