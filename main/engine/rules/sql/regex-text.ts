/**
 * Regex fragments that spell, in RE2 syntax (DuckDB; Java reads them the same),
 * what the engine's JavaScript regexes mean. JavaScript's \s and trim() know
 * Unicode spaces; RE2's \s is ASCII only, so the class is written out.
 */
export const JS_SPACE = '[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]';
export const JS_NOT_SPACE = '[^\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]';

/** The string formats of cast.ts, with \s spelled as above. */
export const STRING_FORMAT_PATTERNS: Record<string, string> = {
  email: `${JS_NOT_SPACE.slice(0, -1)}@]+@${JS_NOT_SPACE.slice(0, -1)}@.]+(?:\\.${JS_NOT_SPACE.slice(0, -1)}@.]+)+`,
  uri: `[A-Za-z][A-Za-z0-9+.-]*:${JS_NOT_SPACE}+`,
  uuid: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  binary: '(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?',
};

export const INTEGER_TEXT = '[+-]?[0-9]+';
export const NUMBER_TEXT = '[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?';

/** Inline flags for a JavaScript flag string (i, m, s; u changes nothing RE2 does not already do). */
export function inlineFlags(flags: string): string {
  const kept = [...new Set(flags.replace(/[^ims]/g, ''))].join('');
  return kept === '' ? '' : `(?${kept})`;
}

/** JavaScript replacement text ($1, $&, $$) in the \1 form DuckDB's regexp_replace takes. */
export function re2Replacement(replacement: string): string | null {
  let out = '';
  for (let i = 0; i < replacement.length; i += 1) {
    const c = replacement[i] as string;
    const next = replacement[i + 1];
    if (c === '\\') out += '\\\\';
    else if (c === '$' && next === '$') { out += '$'; i += 1; }
    else if (c === '$' && next === '&') { out += '\\0'; i += 1; }
    else if (c === '$' && next !== undefined && /\d/.test(next)) {
      if (/\d/.test(replacement[i + 2] ?? '')) return null;
      out += `\\${next}`;
      i += 1;
    } else if (c === '$' && (next === '`' || next === "'" || next === '<')) return null;
    else out += c;
  }
  return out;
}

/** safe-regex.ts's rewrite of JavaScript's `\uXXXX` and `\u{X…}` escapes into RE2's `\x{…}`, so the SQL reads the pattern as Sluice does. */
export function re2Pattern(pattern: string): string {
  return pattern.replace(/\\(u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|.)/gs, (match, _escape: string, braced: string | undefined, plain: string | undefined) =>
    braced !== undefined || plain !== undefined ? `\\x{${braced ?? plain}}` : match);
}
