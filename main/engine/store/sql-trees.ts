/**
 * SQL built from one term per column, nested as a balanced tree: SQLite parses `a AND b AND c …` as a chain as deep
 * as it is long, and refuses an expression deeper than 1,000, so a table of a thousand columns could not be upserted
 * or searched.
 */
function balanced(terms: readonly string[], operator: string): string {
  if (terms.length === 1) return terms[0]!;
  const middle = Math.ceil(terms.length / 2);
  return `(${balanced(terms.slice(0, middle), operator)} ${operator} ${balanced(terms.slice(middle), operator)})`;
}

/** Every condition holds (`'1'` for none). */
export function allOf(conditions: readonly string[]): string {
  return conditions.length === 0 ? '1' : balanced(conditions, 'AND');
}

/** The texts one after another (`''` for none). */
export function concatenated(texts: readonly string[]): string {
  return texts.length === 0 ? "''" : balanced(texts, '||');
}

/** Any condition holds (`'0'` for none). */
export function anyOf(conditions: readonly string[]): string {
  return conditions.length === 0 ? '0' : balanced(conditions, 'OR');
}
