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

/**
 * For commands on an import's quarantine: "latest" is the latest import of a file (a fix or
 * retry, a child import, has no quarantined rows of its own), and naming a child is an error
 * that names its parent instead of an empty answer.
 */
export function resolveQuarantineImportId(store: Store, value: string): number {
  if (value === 'latest') {
    const latest = store.imports.list().find((record) => record.parentImportId === null);
    if (!latest) throw new SluiceError('IMPORT_NOT_FOUND', `${store.path} has no imports yet.`);
    return latest.id;
  }
  const id = resolveImportId(store, value);
  const parent = store.imports.get(id)!.parentImportId;
  if (parent !== null) {
    throw new SluiceError(
      'USAGE',
      `Import #${id} is a fix of import #${parent}'s quarantined rows and has none of its own; use --import ${parent} (undo #${id} with: sluice undo --import ${id}).`,
    );
  }
  return id;
}
