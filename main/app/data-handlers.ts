import type { Store } from '../engine/store/store.js';
import { AppFailure } from './app-failure.js';
import type { SluiceEvents } from './contract.js';
import { runExport } from './export-runner.js';
import type { FileAccess } from './file-access.js';
import type { Handlers } from './handlers.js';
import { retryQuarantinedRow, revalidateQuarantine } from '../engine/quarantine/retry.js';
import { tablePage, tableRowCount } from '../engine/store/table-browser.js';

type Emit = <E extends keyof SluiceEvents>(event: E, data: SluiceEvents[E]) => void;

/** Browsing what an import produced: quarantine, tables, exports. */
export function dataHandlers(
  store: Store,
  dbPath: string,
  files: FileAccess,
  emit: Emit,
  isImportLive: (importId: number) => boolean,
): Pick<Handlers, 'quarantine/page' | 'quarantine/summary' | 'quarantine/retry' | 'quarantine/revalidate' | 'tables/list' | 'tables/page' | 'export/start'> {
  return {
    'quarantine/page': (request) => store.quarantine.page(request),

    'quarantine/summary': (request) => store.quarantine.summary(request.importId),

    'quarantine/retry': async (request) => {
      const row = store.quarantine.get(request.id);
      if (!row) throw new AppFailure('BAD_REQUEST', `There is no quarantined row #${request.id}.`);
      if (isImportLive(row.importId)) throw new AppFailure('IMPORT_RUNNING', 'Wait for the import to finish before fixing its rows.');
      const outcome = retryQuarantinedRow(store, request.id, request.raw);
      return outcome.ok ? { fixed: true } : { fixed: false, errors: outcome.errors };
    },

    'quarantine/revalidate': async (request) => {
      if (isImportLive(request.importId)) throw new AppFailure('IMPORT_RUNNING', 'Wait for the import to finish before re-validating its rows.');
      const { fixed, stillFailing } = revalidateQuarantine(store, request.importId);
      return { fixed, stillFailing };
    },

    'tables/list': () => store.listTables().map((name) => ({ name, rowCount: tableRowCount(store, name) })),

    'tables/page': (request) => tablePage(store, request),

    'export/start': (request) => {
      const target = files.authorizeWrite(request.path, request.overwrite === true);
      return runExport(dbPath, { ...request, path: target }, (progress) => emit('export/progress', { path: target, ...progress }));
    },
  };
}
