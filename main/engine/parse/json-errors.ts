/**
 * JSON.parse's own messages quote the input ("… is not valid JSON"), and row
 * contents must never reach messages, so the position is kept and the rest rewritten.
 */
export function describeJsonError(error: unknown, line: string): string {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message);
  if (position) return `not valid JSON (at column ${Number(position[1]) + 1})`;
  if (/end of JSON input|Unterminated/i.test(message)) return `not valid JSON (ends early, at column ${line.length + 1})`;
  return 'not valid JSON';
}

export function jsonValueKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}
