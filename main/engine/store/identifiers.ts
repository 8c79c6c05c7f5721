/**
 * The one place identifiers from user files become SQL. Double quotes are
 * doubled (SQL's own escape), so any header text (quotes, semicolons, unicode,
 * 1,000 characters) is a valid, inert column name. NUL cannot be stored in an
 * identifier, so it is replaced.
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\u0000/g, '\uFFFD').replace(/"/g, '""')}"`;
}

export const INTERNAL_TABLE_PREFIX = '_sluice_';

/** Table name from a file name: lower-cased, non-alphanumerics as '_'. */
export function tableNameFromPath(filePath: string): string {
  const base = filePath.split(/[\\/]/).pop() ?? 'data';
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const name = stem.toLowerCase().replace(/[^a-z0-9]/g, '_');
  if (name === '' || /^_+$/.test(name)) return 'data';
  return /^[0-9]/.test(name) ? `t_${name}` : name;
}
