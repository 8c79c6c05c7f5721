/**
 * Regexes come from rule files, i.e. from users, and run against every value
 * of a multi-gigabyte file, so a catastrophic-backtracking pattern would hang
 * an import. V8's default engine backtracks, and RE2 is a native addon we
 * don't want to ship, so patterns are guarded in three layers:
 *   1. length: patterns over MAX_PATTERN_CHARS are rejected;
 *   2. shape: a static scan rejects the constructs behind exponential
 *      backtracking: backreferences, a repeated group that itself contains an
 *      unbounded repeat (`(a+)+`, `(a*b)*`), an unbounded repeat of a group
 *      with bounded repeats inside, and an unbounded repeat of an alternation
 *      whose branches can start with the same character (`(a|ab)*`, `(\w|\d)+`);
 *      the scan is conservative and may reject some harmless patterns;
 *   3. input: values longer than MAX_REGEX_INPUT_CHARS are never tested, which
 *      bounds what is left (polynomial cases like `\d+\d+$`) to milliseconds.
 */

export const MAX_PATTERN_CHARS = 1000;
export const MAX_REGEX_INPUT_CHARS = 4096;

const ALLOWED_FLAGS = /^[imsu]*$/;

interface GroupFrame {
  unboundedInside: boolean;
  repeatInside: boolean;
  alternatives: string[];
  altStart: number;
}

type LastAtom = { kind: 'atom'; source: string } | { kind: 'group'; frame: GroupFrame } | null;

/** Returns why a pattern is unsafe or malformed, or null when it may be used. */
export function checkPatternSafety(pattern: string, flags = ''): string | null {
  if (pattern.length > MAX_PATTERN_CHARS) {
    return `pattern is ${pattern.length} characters long; the limit is ${MAX_PATTERN_CHARS}`;
  }
  if (!ALLOWED_FLAGS.test(flags)) return `flags "${flags}" are not allowed (use any of i, m, s, u)`;
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
  return scanForBacktracking(pattern, flags);
}

function scanForBacktracking(src: string, flags: string): string | null {
  const newFrame = (start: number): GroupFrame => ({ unboundedInside: false, repeatInside: false, alternatives: [], altStart: start });
  const stack: GroupFrame[] = [newFrame(0)];
  let last: LastAtom = null;
  let i = 0;
  while (i < src.length) {
    const frame = stack[stack.length - 1] as GroupFrame;
    const c = src[i] as string;
    if (c === '\\') {
      const end = escapeEnd(src, i);
      const body = src.slice(i + 1, end);
      if (/^[1-9]/.test(body) || body.startsWith('k<')) return 'backreferences are not allowed (they can take exponential time)';
      last = { kind: 'atom', source: src.slice(i, end) };
      i = end;
    } else if (c === '[') {
      const end = classEnd(src, i);
      last = { kind: 'atom', source: src.slice(i, end) };
      i = end;
    } else if (c === '(') {
      let j = i + 1;
      if (src[j] === '?') {
        const named = /^\?<([A-Za-z_$][\w$]*)>/.exec(src.slice(j));
        j += named ? named[0].length : src[j + 1] === '<' ? 3 : 2;
      }
      stack.push(newFrame(j));
      last = null;
      i = j;
    } else if (c === ')') {
      if (stack.length === 1) return 'unbalanced parenthesis';
      stack.pop();
      frame.alternatives.push(src.slice(frame.altStart, i));
      const parent = stack[stack.length - 1] as GroupFrame;
      parent.unboundedInside ||= frame.unboundedInside;
      parent.repeatInside ||= frame.repeatInside;
      last = { kind: 'group', frame };
      i += 1;
    } else if (c === '|') {
      frame.alternatives.push(src.slice(frame.altStart, i));
      frame.altStart = i + 1;
      last = null;
      i += 1;
    } else if (c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(src.slice(i)))) {
      const quantifier = c === '{' ? (/^\{\d+(,\d*)?\}/.exec(src.slice(i)) as RegExpExecArray)[0] : c;
      const max = quantifierMax(quantifier);
      const unbounded = max === Infinity;
      if (max > 1 && last?.kind === 'group') {
        const inner = last.frame;
        if (inner.unboundedInside) return 'nested quantifiers such as (a+)+ can take exponential time; repeat the inner part only';
        if (unbounded && inner.repeatInside) return 'an unbounded repeat of a group with repeats inside can take exponential time';
        if (unbounded && inner.alternatives.length > 1 && alternativesOverlap(inner.alternatives, flags)) {
          return 'a repeated alternation whose branches can match the same text, such as (a|ab)*, can take exponential time';
        }
      }
      if (max > 1) {
        frame.repeatInside = true;
        if (unbounded) frame.unboundedInside = true;
      }
      i += quantifier.length;
      if (src[i] === '?') i += 1;
      last = null;
    } else {
      last = { kind: 'atom', source: c };
      i += 1;
    }
  }
  return null;
}

function escapeEnd(src: string, start: number): number {
  const rest = src.slice(start + 1);
  const long = /^(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|[pP]\{[^}]*\}|k<[^>]*>|\d+)/.exec(rest);
  return start + 1 + (long ? long[0].length : 1);
}

function classEnd(src: string, start: number): number {
  let i = start + 1;
  if (src[i] === '^') i += 1;
  if (src[i] === ']') i += 1;
  while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
  return i + 1;
}

function quantifierMax(quantifier: string): number {
  if (quantifier === '*' || quantifier === '+') return Infinity;
  if (quantifier === '?') return 1;
  const [, min, comma, max] = /^\{(\d+)(,)?(\d*)\}$/.exec(quantifier) as RegExpExecArray;
  if (!comma) return Number(min);
  return max === '' || max === undefined ? Infinity : Number(max);
}

/** Characters used to test whether two branches can start alike; covers ASCII and a few non-ASCII letters. */
const PROBE_CHARS: string[] = (() => {
  const chars: string[] = ['\t', '\n', 'é', 'ß', 'ж', '中', '\u00a0'];
  for (let code = 0x20; code < 0x7f; code += 1) chars.push(String.fromCharCode(code));
  return chars;
})();

function alternativesOverlap(alternatives: string[], flags: string): boolean {
  const firstSets: Set<string>[] = [];
  for (const alternative of alternatives) {
    const atom = firstAtom(alternative);
    if (atom === null) return true; // empty or group-led branch: assume the worst
    let regex: RegExp;
    try {
      regex = new RegExp(`^(?:${atom})$`, flags.replace(/[^iu]/g, ''));
    } catch {
      return true;
    }
    firstSets.push(new Set(PROBE_CHARS.filter((ch) => regex.test(ch))));
  }
  for (let a = 0; a < firstSets.length; a += 1) {
    for (let b = a + 1; b < firstSets.length; b += 1) {
      for (const ch of firstSets[a] as Set<string>) if ((firstSets[b] as Set<string>).has(ch)) return true;
    }
  }
  return false;
}

function firstAtom(alternative: string): string | null {
  const c = alternative[0];
  if (c === undefined || c === '(' || c === '^' || c === '$') return null;
  if (c === '\\') return alternative.slice(0, escapeEnd(alternative, 0));
  if (c === '[') return alternative.slice(0, classEnd(alternative, 0));
  return c === '.' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Builds a whole-value matcher (Table Schema patterns match the entire value).
 * The 'u' flag is tried first so `.` matches one code point; XML-Schema-style
 * patterns that only compile without it still work.
 */
export function wholeValueRegex(pattern: string, flags = ''): RegExp {
  const anchored = `^(?:${pattern})$`;
  if (!flags.includes('u')) {
    try {
      return new RegExp(anchored, `${flags}u`);
    } catch {
      // falls through to the non-unicode form
    }
  }
  return new RegExp(anchored, flags);
}
