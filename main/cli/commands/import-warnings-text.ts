import type { WarningGroup } from '../../engine/observe/warning-records.js';
import { formatCount } from '../output.js';

export interface WarningsSummary {
  text: string;
  json: { rowsWarned: number; topWarnings: WarningGroup[] };
}

/**
 * The summary's warning lines from a count and the top rules. Apart from the store reading
 * (import-warnings.ts), so an import that warned no row prints them without loading the store's modules.
 */
export function formatWarnings(importId: number, rowsWarned: number, groups: WarningGroup[]): WarningsSummary {
  const lines = [`  warned            ${formatCount(rowsWarned)}${rowsWarned > 0 ? `  (kept; see: sluice warnings --import ${importId})` : ''}`];
  for (const group of groups) lines.push(`    ${group.rule}${group.field ? ` (${group.field})` : ''}: ${formatCount(group.count)} rows, e.g. rows ${group.exampleRows.slice(0, 3).join(', ')}`);
  return { text: lines.join('\n'), json: { rowsWarned, topWarnings: groups } };
}
