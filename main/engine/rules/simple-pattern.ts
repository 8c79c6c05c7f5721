/**
 * A native-RegExp shortcut for the simplest `pattern` constraints (`[A-Z]{2}`, `\d{3}-\d{4}`,
 * `[a-z0-9_]+`), which are most of them: V8's RegExp tests such a value several times faster than RE2's
 * pure-JS automaton (safe-regex.ts), which stays the engine for every other pattern.
 *
 * Only where the answer is provably the same and the time provably linear:
 * - the pattern is a sequence of atoms, each an ASCII literal, an escaped ASCII punctuation mark, `\d`,
 *   `\w`, or a class of ASCII characters and ranges (not negated), each with at most one greedy
 *   quantifier; no flags. Every atom matches one ASCII character only, so a value with any other
 *   character (non-ASCII, a lone surrogate) fails in both engines, and on ASCII text these constructs
 *   mean the same in RE2 and in JavaScript (`\d` = [0-9], `\w` = [0-9A-Za-z_], `$` = end of input);
 * - at most one unbounded quantifier (`*`, `+`, `{n,}`) and bounded choices (`?`, `{n,m}`) whose
 *   product is small, so the backtracking of an anchored whole-value match is bounded by a constant
 *   times the value's length.
 */

const MAX_BOUNDED_CHOICES = 64;
/** ASCII printable characters that stand for themselves outside a class, in both engines. */
const PLAIN_LITERAL = /^[A-Za-z0-9 !"#%&',\-/:;<=>@_`~]$/;
/** Characters that may follow a backslash outside a class and then stand for themselves. */
const ESCAPABLE = new Set(['.', '^', '$', '|', '(', ')', '[', ']', '{', '}', '*', '+', '?', '\\', '-', '/']);
/** Inside a class: printable ASCII except the characters with a meaning there (\ ] [ ^ -). */
const CLASS_CHAR = /^[A-Za-z0-9 !"#$%&'()*+,./:;<=>?@_`{|}~]$/;

interface Scan {
  at: number;
  unbounded: number;
  choices: number;
}

/** The JavaScript RegExp that tests a whole value exactly as RE2 would, or null when the pattern is not in the subset. */
export function simpleWholeRegex(pattern: string, flags: string): RegExp | null {
  if (flags !== '' || pattern === '') return null;
  const scan: Scan = { at: 0, unbounded: 0, choices: 1 };
  while (scan.at < pattern.length) {
    if (!atom(pattern, scan) || !quantifier(pattern, scan)) return null;
    if (scan.unbounded > 1 || scan.choices > MAX_BOUNDED_CHOICES) return null;
  }
  return new RegExp(`^(?:${pattern})$`);
}

function atom(pattern: string, scan: Scan): boolean {
  const c = pattern[scan.at]!;
  if (c === '\\') {
    const next = pattern[scan.at + 1];
    if (next === undefined || !(next === 'd' || next === 'w' || ESCAPABLE.has(next))) return false;
    scan.at += 2;
    return true;
  }
  if (c === '[') return characterClass(pattern, scan);
  if (!PLAIN_LITERAL.test(c)) return false;
  scan.at += 1;
  return true;
}

function characterClass(pattern: string, scan: Scan): boolean {
  let at = scan.at + 1;
  let items = 0;
  while (at < pattern.length && pattern[at] !== ']') {
    const low = pattern[at]!;
    if (!CLASS_CHAR.test(low)) return false;
    if (pattern[at + 1] === '-' && pattern[at + 2] !== ']') {
      const high = pattern[at + 2];
      if (high === undefined || !CLASS_CHAR.test(high) || high < low) return false;
      at += 3;
    } else {
      at += 1;
    }
    items += 1;
  }
  if (pattern[at] !== ']' || items === 0) return false;
  scan.at = at + 1;
  return true;
}

function quantifier(pattern: string, scan: Scan): boolean {
  const c = pattern[scan.at];
  if (c === '*' || c === '+') {
    scan.unbounded += 1;
    scan.at += 1;
  } else if (c === '?') {
    scan.choices *= 2;
    scan.at += 1;
  } else if (c === '{') {
    const counted = /^\{(\d{1,4})(?:(,)(\d{1,4})?)?\}/.exec(pattern.slice(scan.at, scan.at + 12));
    if (counted === null) return false;
    const low = Number(counted[1]);
    const high = counted[2] === undefined ? low : counted[3] === undefined ? null : Number(counted[3]);
    if (high !== null && high < low) return false;
    if (high === null) scan.unbounded += 1;
    else scan.choices *= high - low + 1;
    scan.at += counted[0].length;
  } else {
    return true;
  }
  // A lazy or possessive marker after a quantifier is left to RE2.
  const after = pattern[scan.at];
  return after !== '?' && after !== '+' && after !== '*' && after !== '{';
}
