import { AppFailure } from './app-failure.js';
import type { Handlers } from './handlers.js';
import type { Settings } from './settings.js';

/**
 * Tidying the Home screen: forgetting a recent file or an import's history entry. Forgetting is all it does:
 * no file, row, import record or quarantined row is deleted, so nothing here can lose data.
 */
export function homeListHandlers(
  settings: Settings,
  listImports: Handlers['imports/list'],
  isImportLive: (importId: number) => boolean,
): Pick<Handlers, 'files/forget' | 'imports/hide' | 'imports/list'> {
  return {
    'files/forget': (request) => {
      settings.forgetRecent(request.path);
      return null;
    },
    'imports/hide': (request) => {
      if (isImportLive(request.importId)) throw new AppFailure('IMPORT_RUNNING', 'This import is running; it can be removed from the history once it stops.');
      settings.hideImport(request.importId);
      return null;
    },
    'imports/list': async (request) => (await listImports(request)).filter((item) => !settings.isImportHidden(item.id)),
  };
}
