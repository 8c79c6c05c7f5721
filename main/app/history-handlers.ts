import type { ImportOptions } from '../engine/pipeline/import-options.js';
import { previewImportPlan } from '../engine/pipeline/plan-import.js';
import { previewUndo, undoImport } from '../engine/history/undo.js';
import type { Store } from '../engine/store/store.js';
import { AppFailure } from './app-failure.js';
import type { FileAccess } from './file-access.js';
import type { Handlers } from './handlers.js';

/** The plan shown before an import, and taking imports back (undo, forgetting undo data). */
export function historyHandlers(
  store: Store,
  dbPath: string,
  files: FileAccess,
  isImportLive: (importId: number) => boolean,
): Pick<Handlers, 'import/plan' | 'imports/undo-preview' | 'imports/undo' | 'imports/forget'> {
  function requireSettled(importId: number): void {
    if (!store.imports.get(importId)) throw new AppFailure('IMPORT_NOT_FOUND', `There is no import #${importId}.`);
    if (isImportLive(importId)) throw new AppFailure('IMPORT_RUNNING', 'Wait for the import to finish (or cancel it) before undoing it.');
  }

  return {
    'import/plan': async (request) => {
      const overrides = request.overrides ?? {};
      const options: ImportOptions = {
        sourcePath: files.authorizeRead(request.path),
        dbPath,
        ...(request.table ? { table: request.table } : {}),
        ...(request.ruleFile !== undefined ? { schema: request.ruleFile } : {}),
        ...(overrides.format ? { format: overrides.format } : {}),
        ...(overrides.delimiter !== undefined ? { delimiter: overrides.delimiter } : {}),
        ...(overrides.hasHeader !== undefined ? { hasHeader: overrides.hasHeader } : {}),
        ...(overrides.encoding ? { encoding: overrides.encoding } : {}),
        restart: request.restart ?? false,
        append: request.append ?? false,
        replace: request.replace ?? false,
      };
      return previewImportPlan(options, store);
    },

    'imports/undo-preview': (request) => {
      requireSettled(request.importId);
      return previewUndo(store, request.importId, { cascade: request.cascade ?? false });
    },

    'imports/undo': (request) => {
      requireSettled(request.importId);
      return undoImport(store, request.importId, { cascade: request.cascade ?? false, dropTable: request.dropTable ?? false });
    },

    // Removing an import from the history forgets its undo data only: its rows and quarantine records stay.
    'imports/forget': (request) => {
      requireSettled(request.importId);
      store.imports.forgetUndoData(request.importId);
      return null;
    },
  };
}
