import { Store } from '../../engine/store/store.js';
import { WarningRecords, type WarningGroup } from '../../engine/observe/warning-records.js';
import { type WarningsSummary, formatWarnings } from './import-warnings-text.js';

const TOP_RULES = 3;

/** The warned-row count and the most frequent warning rules of an import, for its summary. Never fails the command. */
export function describeWarnings(dbPath: string, importId: number): WarningsSummary {
  let rowsWarned = 0;
  let groups: WarningGroup[] = [];
  try {
    const store = Store.open(dbPath, { mustExist: true, readonly: true });
    try {
      rowsWarned = store.imports.get(importId)?.counters.rowsWarned ?? 0;
      if (rowsWarned > 0) groups = new WarningRecords(store.db).summary(importId).slice(0, TOP_RULES);
    } finally {
      store.close();
    }
  } catch {
    // The summary is still printed without the warning lines.
  }
  return formatWarnings(importId, rowsWarned, groups);
}
