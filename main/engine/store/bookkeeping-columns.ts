/**
 * Sluice's own columns in user tables: never shown (Data screen, grid, exports, `sluice schema`, column
 * listings), never a user column's name. One list, so every place that hides them hides the same ones.
 *   - `_sluice_import_id` (provenance): the import that wrote the row last; it says who wrote the row, not what
 *     the row holds, so a row's pre-image (undo) keeps it apart from the values.
 *   - `_sluice_absent`: the columns a JSONL record lacked (a JSON array of column names; NULL when it had
 *     them all), so an export leaves those keys out instead of writing `null`. It is part of the row's
 *     value: pre-images hold it and undo puts it back. Added to a table by the first import that writes it.
 */
export const PROVENANCE_COLUMN = '_sluice_import_id';
export const ABSENT_COLUMN = '_sluice_absent';

export const BOOKKEEPING_COLUMNS: readonly string[] = [PROVENANCE_COLUMN, ABSENT_COLUMN];

/** SQLite compares column names case-insensitively, so a user column cannot take these names in any case. */
export function isBookkeepingColumn(name: string): boolean {
  return BOOKKEEPING_COLUMNS.includes(name.toLowerCase());
}

/** The columns a row image (pre-image, undo) holds: every column but the provenance, which the image records apart. */
export function isRowImageColumn(name: string): boolean {
  return name.toLowerCase() !== PROVENANCE_COLUMN;
}
