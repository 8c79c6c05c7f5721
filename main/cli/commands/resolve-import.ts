import { SluiceError } from '../../engine/errors.js';
import type { Store } from '../../engine/store/store.js';

/** Accepts an import id or "latest". */
export function resolveImportId(store: Store, value: string): number {
  if (value === 'latest') {
    const latest = store.imports.latest();
    if (!latest) throw new SluiceError('IMPORT_NOT_FOUND', `${store.path} has no imports yet.`);
    return latest.id;
  }
  if (!/^\d+$/.test(value)) throw new SluiceError('USAGE', `Expected an import id or "latest", got "${value}".`);
  const id = Number(value);
  if (!store.imports.get(id)) throw new SluiceError('IMPORT_NOT_FOUND', `There is no import #${id} in ${store.path}.`);
  return id;
}
