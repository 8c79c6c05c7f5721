/** What an import summary says about values Sluice could not take as written: renamed columns, undecodable records. */
import { columnRenames } from '../source/column-names.js';
import type { Store } from '../store/store.js';
import type { ImportRecord } from '../store/import-records.js';
import type { ImportSummary } from '../types.js';

export function faithfulnessNotes(store: Store, record: ImportRecord): Pick<ImportSummary, 'renamedColumns' | 'rowsBadEncoding'> {
  const notes: Pick<ImportSummary, 'renamedColumns' | 'rowsBadEncoding'> = {};
  const renamed = columnRenames(record.layout.rawHeader, record.layout.columns);
  if (renamed.length > 0) notes.renamedColumns = renamed;
  try {
    const row = store.db
      // reason_rules ('|encoding|') is in an index that covers the query: no row's JSON is read.
      .prepare(`SELECT count(*) AS n FROM _sluice_quarantine WHERE import_id = ? AND reason_rules LIKE '%|encoding|%'`)
      .get(record.id) as { n: number };
    if (row.n > 0) notes.rowsBadEncoding = row.n;
  } catch {
    // The summary is still right without the note; the store's own failure is reported elsewhere.
  }
  return notes;
}
