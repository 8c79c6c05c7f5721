import type { Store } from '../engine/store/store.js';
import { dropTable, dropTablePreview } from '../engine/store/drop-table.js';
import { AppFailure } from './app-failure.js';
import type { Handlers } from './handlers.js';

/** Dropping a table from the Home screen: a preview of what is lost, then the drop the user confirmed. */
export function tableDropHandlers(store: Store, isImportLive: (importId: number) => boolean): Pick<Handlers, 'tables/drop-preview' | 'tables/drop'> {
  return {
    'tables/drop-preview': (request) => dropTablePreview(store, request.table),
    'tables/drop': (request) => {
      // A running import writes into the table: dropping it under the import would lose its batches mid-way.
      if (store.imports.forTable(request.table).some((record) => isImportLive(record.id))) {
        throw new AppFailure('IMPORT_RUNNING', `An import into "${request.table}" is running; cancel it or wait for it before dropping the table.`);
      }
      return dropTable(store, request.table);
    },
  };
}
