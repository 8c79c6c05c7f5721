import { SluiceError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { ImportRecord } from '../store/import-records.js';
import { refuseIfRunningElsewhere } from '../observe/import-owner.js';

/** Which open rows a dismissal takes. */
export interface DismissSelection {
  rule?: string;
  field?: string;
  rowNumber?: number;
}

const MAX_REASON_CHARS = 1000;

/**
 * The quarantine lifecycle: a row is `open` until it is `fixed` (written to
 * the table by a retry or fix, a child import), `dismissed` (the user set it
 * aside for good, with a reason) or `undone` (its import was undone).
 * The import's counters follow: open / fixed / dismissed.
 */
export function syncQuarantineCounters(store: Store, importId: number): void {
  const record = store.imports.get(importId);
  if (!record) return;
  const counts = store.quarantine.statusCounts(importId);
  const counters = { ...record.counters, quarantinedOpen: counts.open, quarantinedFixed: counts.fixed, quarantinedDismissed: counts.dismissed };
  store.imports.saveCheckpoint(importId, { ...record, counters });
}

/** Dismisses the open rows of an import that match, with the user's reason; returns how many. */
export function dismissQuarantined(store: Store, importId: number, selection: DismissSelection, reason: string): number {
  const why = reason.trim();
  if (why === '') throw new SluiceError('USAGE', 'Say why the rows are dismissed (--reason).');
  if (why.length > MAX_REASON_CHARS) throw new SluiceError('USAGE', `The reason is longer than ${MAX_REASON_CHARS} characters.`);
  const record = store.imports.get(importId);
  if (!record) throw new SluiceError('IMPORT_NOT_FOUND', `There is no import #${importId}.`);
  refuseIfRunningElsewhere(store, record);
  return store.db
    .transaction(() => {
      const ids = [...store.quarantine.select({ importId, status: 'open', ...selection })].map((row) => row.id);
      const dismissed = store.quarantine.dismiss(ids, why);
      syncQuarantineCounters(store, importId);
      return dismissed;
    })
    .immediate();
}

/**
 * A retry or fix (a child import) is being undone: the rows it wrote go back
 * to open (undo reopens them), so the parent counts them as quarantined again.
 * Call inside the undo's transaction, after the rows were reopened.
 */
export function uncountFixedRows(store: Store, child: ImportRecord): void {
  if (child.parentImportId === null) return;
  const parent = store.imports.get(child.parentImportId);
  if (!parent) return;
  const counters = { ...parent.counters };
  const inserted = child.counters.rowsInserted;
  const updated = child.counters.rowsUpdated + (child.counters.rowsUnchanged ?? 0);
  counters.rowsInserted = Math.max(0, counters.rowsInserted - inserted);
  counters.rowsUpdated = Math.max(0, counters.rowsUpdated - updated);
  counters.rowsQuarantined += inserted + updated;
  store.imports.saveCheckpoint(parent.id, { ...parent, counters });
  syncQuarantineCounters(store, parent.id);
}
