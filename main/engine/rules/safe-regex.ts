import { re2, type Re2Pattern } from './re2.js';
import { simpleWholeRegex } from './simple-pattern.js';

/**
 * Regexes come from rule files, i.e. from users, and run against every value
 * of a multi-gigabyte file. V8's engine backtracks, so a pattern such as
 * `(a|b?a)+` or `a*a*a*a*a*b` can take minutes on one short value; no static
 * check catches every such pattern. So `pattern`, `matches()` and `replace`
 * run on RE2 (the pure-JS port `re2js`): an automaton that matches in time
 * linear in the input, whatever the pattern — a guarantee, not a heuristic.
 *
 * RE2 has no backreferences and no lookaround; Table Schema patterns are XML
 * Schema regexes, which need neither, and RE2's syntax is also DuckDB's (the
 * scale-out path). A pattern RE2 cannot compile is refused when the rule file
 * loads, with its JSON path. JavaScript-style `\uXXXX` escapes are accepted and
 * mean what they mean in JavaScript.
 */

export const MAX_PATTERN_CHARS = 1000;

const ALLOWED_FLAGS = /^[imsu]*$/;

/** A compiled pattern: whole-value test, or replace every match. Linear time in the input. */
export interface LinearRegex {
  /** Table Schema semantics: the pattern must match the whole value. */
  testWhole(text: string): boolean;
  /** Every non-overlapping match replaced; `$1`, `$&`, `$<name>` as in String.prototype.replace. */
  replaceAll(text: string, replacement: string): string;
}

function re2Flags(flags: string): number {
  const RE2JS = re2();
  let value = 0;
  if (flags.includes('i')) value |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) value |= RE2JS.MULTILINE;
  if (flags.includes('s')) value |= RE2JS.DOTALL;
  // 'u' needs nothing: RE2 always matches code points.
  return value;
}

/** Rewrites JavaScript's `\uXXXX` and `\u{X…}` escapes into RE2's `\x{…}`; every other character is kept as written. */
function toRe2Syntax(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const rest = pattern.slice(i + 1, i + 12);
    const braced = /^u\{([0-9a-fA-F]{1,6})\}/.exec(rest);
    const plain = /^u([0-9a-fA-F]{4})/.exec(rest);
    const escape = braced ?? plain;
    if (escape) {
      out += `\\x{${escape[1]}}`;
      i += escape[0].length;
    } else {
      out += c + (pattern[i + 1] ?? '');
      i += 1;
    }
  }
  return out;
}

function compile(pattern: string, flags: string): Re2Pattern {
  return re2().compile(toRe2Syntax(pattern), re2Flags(flags));
}

/** Returns why a pattern cannot be used, or null when it may be used. */
export function checkPatternSafety(pattern: string, flags = ''): string | null {
  if (pattern.length > MAX_PATTERN_CHARS) return `pattern is ${pattern.length} characters long; the limit is ${MAX_PATTERN_CHARS}`;
  if (!ALLOWED_FLAGS.test(flags)) return `flags "${flags}" are not allowed (use any of i, m, s, u)`;
  // A simple pattern is one RE2 reads the same way (property-tested in simple-pattern.test.ts): no need to load RE2.
  if (simpleWholeRegex(pattern, flags) !== null) return null;
  try {
    compile(pattern, flags);
    return null;
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    return `invalid regular expression: ${reason} (patterns run on RE2, which has no backreferences or lookaround)`;
  }
}

/** Compiles a pattern that passed checkPatternSafety. */
export function linearRegex(pattern: string, flags = ''): LinearRegex {
  // The simplest patterns test the same and in linear time on V8's engine, several times faster (simple-pattern.ts);
  // RE2 is compiled only when something needs it.
  const simple = simpleWholeRegex(pattern, flags);
  let regex: Re2Pattern | null = null;
  const automaton = (): Re2Pattern => (regex ??= compile(pattern, flags));
  if (simple === null) automaton();
  return {
    testWhole: simple === null ? (text) => automaton().testExact(text) : (text) => simple.test(text),
    replaceAll: (text, replacement) => automaton().matcher(text).replaceAll(replacement),
  };
}
