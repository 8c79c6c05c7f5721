import { AppFailure } from './app-failure.js';
import type { Handlers } from './handlers.js';
import type { Settings } from './settings.js';

/**
 * Tidying the Home screen: forgetting a recent file or an import's history entry. Forgetting is all it does:
 * no file, row, import record or quarantined row is deleted, so nothing here can lose data. An import
 * removed from the history also loses its undo data (its pre-images): it can no longer be taken back.
 */
export function homeListHandlers(
  settings: Settings,
  listImports: Handlers['imports/list'],
  isImportLive: (importId: number) => boolean,
  forgetUndoData: (importId: number) => void,
): Pick<Handlers, 'files/forget' | 'imports/hide' | 'imports/list'> {
  return {
    'files/forget': (request) => {
      settings.forgetRecent(request.path);
      return null;
    },
    'imports/hide': (request) => {
      if (isImportLive(request.importId)) throw new AppFailure('IMPORT_RUNNING', 'This import is running; it can be removed from the history once it stops.');
      forgetUndoData(request.importId);
      settings.hideImport(request.importId);
      return null;
    },
    'imports/list': async (request) => (await listImports(request)).filter((item) => !settings.isImportHidden(item.id)),
  };
}
