import type { RowFailure } from '../types.js';

/** Values in messages are cut to this many characters; the full value is still in `value`. */
const MAX_QUOTED_CHARS = 80;

/** The source value as text, as the user saw it in the file. */
export function valueText(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'bigint') return raw.toString();
  return JSON.stringify(raw);
}

function quote(text: string): string {
  const cut = text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
  return JSON.stringify(cut);
}

/**
 * Builds a field failure such as `age: "abc" is not an integer`. With redaction
 * the value is replaced by the word "value" and `value` is left out, so no row
 * content reaches logs, the quarantine reasons or the UI.
 */
export function fieldFailure(field: string, rule: string, text: string, raw: unknown, redact: boolean): RowFailure {
  const shown = redact ? undefined : valueText(raw);
  if (shown === undefined) return { field, rule, message: `${field}: value ${text}` };
  return { field, rule, message: `${field}: ${quote(shown)} ${text}`, value: shown };
}

export function requiredFailure(field: string): RowFailure {
  return { field, rule: 'required', message: `${field}: value is required` };
}

/** Row-rule failures name the rule; unless redacted, the values it read are appended to help find the cause. */
export function rowRuleFailure(name: string, expr: string, message: string | null, shown: string | null): RowFailure {
  const base = message ?? `row rule "${name}" failed: ${expr}`;
  return { field: null, rule: name, message: shown === null ? base : `${base} (${shown})` };
}

export function describeValues(names: readonly string[], values: readonly unknown[]): string {
  return names.map((name, i) => {
    const v = values[i];
    const text = v === null || v === undefined ? 'missing' : typeof v === 'string' ? quote(v) : (valueText(v) as string);
    return `${name}: ${text}`;
  }).join(', ');
}
