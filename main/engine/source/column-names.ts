/**
 * Column names from file headers are arbitrary text: blank names get a
 * positional name and duplicates (case-insensitively, as SQLite compares
 * column names) or SQLite's row id names get a numeric suffix, so every column can be
 * addressed. CSV headers and JSONL keys go through this same function. (Quoting for SQL happens in the store, not here.)
 */
export function uniqueColumnNames(header: readonly string[]): string[] {
  // SQLite's names for the hidden row id: a column named so would take over row order (and exports with it).
  const taken = new Set<string>(['rowid', 'oid', '_rowid_']);
  return header.map((raw, index) => {
    const base = raw.trim() === '' ? `column_${index + 1}` : raw.trim();
    let name = base;
    for (let suffix = 2; taken.has(name.toLowerCase()); suffix++) name = `${base}_${suffix}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

/** Every column whose name differs from the file's, for the import summary. */
export function columnRenames(raw: readonly string[] | null, columns: readonly string[]): { from: string; to: string }[] {
  if (!raw) return [];
  return columns.flatMap((to, i) => (raw[i] !== undefined && raw[i] !== to ? [{ from: raw[i]!, to }] : []));
}
