/**
 * Column names from file headers are arbitrary text: blank names get a
 * positional name and duplicates get a numeric suffix, so every column can be
 * addressed. (Quoting for SQL happens in the store, not here.)
 */
export function uniqueColumnNames(header: readonly string[]): string[] {
  const taken = new Set<string>();
  return header.map((raw, index) => {
    const base = raw.trim() === '' ? `column_${index + 1}` : raw.trim();
    let name = base;
    for (let suffix = 2; taken.has(name.toLowerCase()); suffix++) name = `${base}_${suffix}`;
    taken.add(name.toLowerCase());
    return name;
  });
}
