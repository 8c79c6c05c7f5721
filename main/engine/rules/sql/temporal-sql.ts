import type { SqlDialect } from './dialect.js';
import { JS_SPACE } from './regex-text.js';

/**
 * Dates and times as cast-temporal.ts parses them: each strftime-like
 * pattern becomes one RE2 regex whose groups give the parts, and the parts
 * are checked and rendered to the same ISO text in SQL.
 */

export type TemporalKind = 'date' | 'datetime' | 'time';
const NUMERIC = new Set(['Y', 'y', 'm', 'd', 'H', 'I', 'M', 'S', 'j']);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ANY_DATE_PATTERNS = ['%Y-%m-%d', '%Y%m%d', '%Y/%m/%d', '%Y.%m.%d', '%d %b %Y', '%d %B %Y', '%b %d, %Y', '%B %d, %Y', '%b %d %Y', '%B %d %Y'];
const ANY_DATETIME = '(\\d{4})-(\\d{2})-(\\d{2})(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?' + `${JS_SPACE}*(Z|z|[+-]\\d{2}(?::?\\d{2})?)?`;
const ANY_TIME = `(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?${JS_SPACE}*([AaPp][Mm])?`;
const ISO_DATETIME = '(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(Z|[+-]\\d{2}:\\d{2})?';
const ISO_TIME = '(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?';

type Part = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction' | 'offset' | 'pm';
type Groups = Partial<Record<Part, { group: number; how: string }>>;
interface CompiledPattern { regex: string; groups: Groups }

function directiveRegex(letter: string, fixedWidth: boolean): { regex: string; part: Part | null; how: string } {
  const two = fixedWidth ? '(\\d{2})' : '(\\d{1,2})';
  switch (letter) {
    case 'Y': return { regex: '(\\d{4})', part: 'year', how: 'int' };
    case 'y': return { regex: '(\\d{2})', part: 'year', how: 'year2' };
    case 'm': return { regex: two, part: 'month', how: 'int' };
    case 'd': return { regex: two, part: 'day', how: 'int' };
    case 'e': return { regex: `${JS_SPACE}?(\\d{1,2})`, part: 'day', how: 'int' };
    case 'H': case 'I': return { regex: two, part: 'hour', how: 'int' };
    case 'M': return { regex: two, part: 'minute', how: 'int' };
    case 'S': return { regex: two, part: 'second', how: 'int' };
    case 'f': return { regex: '(\\d{1,9})', part: 'fraction', how: 'text' };
    case 'p': return { regex: '([AaPp][Mm])', part: 'pm', how: 'pm' };
    case 'b': case 'h': return { regex: '([A-Za-z]{3})', part: 'month', how: 'mon' };
    case 'B': return { regex: '([A-Za-z]{3,9})', part: 'month', how: 'month' };
    case 'a': return { regex: '(?:[A-Za-z]{3})', part: null, how: '' };
    case 'A': return { regex: '(?:[A-Za-z]{6,9})', part: null, how: '' };
    case 'z': return { regex: '(Z|[+-]\\d{2}:?\\d{2})', part: 'offset', how: 'offset' };
    default: return { regex: '%', part: null, how: '' };
  }
}

function compilePattern(pattern: string): CompiledPattern {
  const body = pattern.startsWith('fmt:') ? pattern.slice(4) : pattern;
  const tokens = [...body.matchAll(/%-?(.)|[^%]+/g)];
  let regex = '';
  const groups: Groups = {};
  let group = 0;
  tokens.forEach((token, index) => {
    const letter = token[1];
    if (letter === undefined) {
      regex += token[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return;
    }
    const nextLetter = tokens[index + 1]?.[1];
    const fixed = nextLetter !== undefined && NUMERIC.has(nextLetter) && !token[0].includes('-');
    const spec = directiveRegex(letter, fixed);
    regex += spec.regex;
    if (spec.part !== null) {
      group += 1;
      groups[spec.part] = { group, how: spec.how };
    }
  });
  return { regex, groups };
}

// TRY_CAST: engines need not short-circuit AND, so a cast may see text its regex check rejects.
const sqlInt = (x: string): string => `TRY_CAST(${x} AS INTEGER)`;

/** Builds the ISO-text expression for one regex; null (SQL NULL) where Sluice's parser returns null. */
class PartsRenderer {
  constructor(private readonly d: SqlDialect, private readonly kind: TemporalKind) {}

  part(text: string, compiled: CompiledPattern, name: Part, fallback: string): string {
    const spec = compiled.groups[name];
    if (!spec) return fallback;
    const g = this.d.extract(text, compiled.regex, spec.group);
    switch (spec.how) {
      case 'int': return `(CASE WHEN ${g} = '' THEN ${fallback} ELSE ${sqlInt(g)} END)`;
      case 'year2': return `(CASE WHEN ${sqlInt(g)} < 69 THEN 2000 + ${sqlInt(g)} ELSE 1900 + ${sqlInt(g)} END)`;
      case 'mon': return `(CASE lower(${g}) ${MONTHS.map((m, i) => `WHEN '${m}' THEN ${i + 1}`).join(' ')} END)`;
      case 'month': return `(CASE lower(${g}) ${MONTH_FULL.map((m, i) => `WHEN '${m}' THEN ${i + 1}`).join(' ')} END)`;
      case 'pm': return `(CASE WHEN ${g} = '' THEN NULL ELSE lower(${g}) = 'pm' END)`;
      case 'offset': return `(CASE WHEN ${g} = '' THEN NULL WHEN ${g} IN ('Z', 'z') THEN 0 ELSE (CASE WHEN substr(${g}, 1, 1) = '-' THEN -1 ELSE 1 END) * (${sqlInt(`substr(${g}, 2, 2)`)} * 60 + coalesce(TRY_CAST(substr(replace(${g}, ':', ''), 4, 2) AS INTEGER), 0)) END)`;
      default: return g;
    }
  }

  /** The parts' setters succeed (month names are known). */
  settersOk(text: string, compiled: CompiledPattern): string {
    const month = compiled.groups.month;
    return month && (month.how === 'mon' || month.how === 'month') ? `${this.part(text, compiled, 'month', '1')} IS NOT NULL` : 'TRUE';
  }

  render(text: string, compiled: CompiledPattern): string {
    const d = this.d;
    const y = this.part(text, compiled, 'year', '1900');
    const mo = this.part(text, compiled, 'month', '1');
    const day = this.part(text, compiled, 'day', '1');
    const rawHour = this.part(text, compiled, 'hour', '0');
    const mi = this.part(text, compiled, 'minute', '0');
    const s = this.part(text, compiled, 'second', '0');
    const pm = compiled.groups.pm ? this.part(text, compiled, 'pm', 'NULL') : null;
    const h = pm === null ? rawHour : `(CASE WHEN ${pm} IS NULL THEN ${rawHour} ELSE ${rawHour} % 12 + CASE WHEN ${pm} THEN 12 ELSE 0 END END)`;
    const fraction = compiled.groups.fraction ? this.part(text, compiled, 'fraction', "''") : "''";
    const dot = `(CASE WHEN ${fraction} = '' THEN '' ELSE '.' || ${fraction} END)`;
    const pad = (x: string, width = 2): string => `lpad(CAST(${x} AS ${d.typeName('VARCHAR')}), ${width}, '0')`;
    const time = `${pad(h)} || ':' || ${pad(mi)} || ':' || ${pad(s)} || ${dot}`;
    const date = `${pad(y, 4)} || '-' || ${pad(mo)} || '-' || ${pad(day)}`;
    const checks = [`${h} > 23`, `${mi} > 59`, `${s} > 59`];
    if (pm !== null) checks.unshift(`(${pm} IS NOT NULL AND (${rawHour} < 1 OR ${rawHour} > 12))`);
    if (this.kind !== 'time') checks.push(`NOT ${validDate(y, mo, day)}`);
    let rendered: string;
    if (this.kind === 'time') rendered = time;
    else if (this.kind === 'date') {
      checks.push(`${y} > 9999`);
      rendered = date;
    } else if (!compiled.groups.offset) {
      checks.push(`${y} > 9999`);
      rendered = `${date} || 'T' || ${time}`;
    } else {
      const offset = this.part(text, compiled, 'offset', 'NULL');
      const shifted = d.addMinutes(d.makeTimestamp(y, mo, day, h, mi, s), `-(${offset})`);
      rendered = `(CASE WHEN ${offset} IS NULL THEN (CASE WHEN ${y} > 9999 THEN NULL ELSE ${date} || 'T' || ${time} END)
        WHEN ${offset} = 0 THEN (CASE WHEN ${y} > 9999 THEN NULL ELSE ${date} || 'T' || ${time} || 'Z' END)
        WHEN year(${shifted}) NOT BETWEEN 0 AND 9999 THEN NULL
        ELSE ${d.isoSeconds(shifted)} || ${dot} || 'Z' END)`;
    }
    return `(CASE WHEN ${checks.join(' OR ')} THEN NULL ELSE ${rendered} END)`;
  }
}

function validDate(y: string, m: string, d: string): string {
  const leap = `(${y} % 4 = 0 AND (${y} % 100 <> 0 OR ${y} % 400 = 0))`;
  return `(CASE WHEN ${m} < 1 OR ${m} > 12 OR ${d} < 1 THEN FALSE WHEN ${m} = 2 THEN ${d} <= (CASE WHEN ${leap} THEN 29 ELSE 28 END) WHEN ${m} IN (4, 6, 9, 11) THEN ${d} <= 30 ELSE ${d} <= 31 END)`;
}

export function trimSql(d: SqlDialect, x: string): string {
  return d.replaceAll(x, `^${JS_SPACE}+|${JS_SPACE}+$`, '');
}

function isoDate(d: SqlDialect, text: string): string {
  const y = sqlInt(`substr(${text}, 1, 4)`);
  const m = sqlInt(`substr(${text}, 6, 2)`);
  const day = sqlInt(`substr(${text}, 9, 2)`);
  return `(CASE WHEN ${d.fullMatch(text, '\\d{4}-\\d{2}-\\d{2}')} AND ${validDate(y, m, day)} THEN ${text} END)`;
}

/** SQL giving the ISO text of `text` (a VARCHAR), or NULL where Sluice's caster fails. */
export function temporalSql(d: SqlDialect, kind: TemporalKind, format: string, text: string): string {
  const renderer = new PartsRenderer(d, kind);
  const one = (regex: string, groups: Groups, input: string): string =>
    `(CASE WHEN ${d.fullMatch(input, regex)} THEN ${renderer.render(input, { regex: `^${regex}$`, groups })} END)`;
  if (format === 'default' || format === '') {
    if (kind === 'date') return isoDate(d, text);
    if (kind === 'time') return one(ISO_TIME, { hour: g(1), minute: g(2), second: g(3), fraction: t(4) }, text);
    return one(ISO_DATETIME, { year: g(1), month: g(2), day: g(3), hour: g(4), minute: g(5), second: g(6), fraction: t(7), offset: { group: 8, how: 'offset' } }, text);
  }
  if (format === 'any') {
    const trimmed = trimSql(d, text);
    if (kind === 'time') return one(ANY_TIME, { hour: g(1), minute: g(2), second: g(3), fraction: t(4), pm: { group: 5, how: 'pm' } }, trimmed);
    if (kind === 'datetime') {
      return one(ANY_DATETIME, { year: g(1), month: g(2), day: g(3), hour: g(4), minute: g(5), second: g(6), fraction: t(7), offset: { group: 8, how: 'offset' } }, trimmed);
    }
    const branches = ANY_DATE_PATTERNS.map((pattern) => {
      const compiled = compilePattern(pattern);
      const anchored = { regex: `^${compiled.regex}$`, groups: compiled.groups };
      return `WHEN ${d.fullMatch(trimmed, compiled.regex)} AND ${renderer.settersOk(trimmed, anchored)} THEN ${renderer.render(trimmed, anchored)}`;
    });
    return `(CASE WHEN ${isoDate(d, trimmed)} IS NOT NULL THEN ${trimmed} ${branches.join(' ')} END)`;
  }
  const compiled = compilePattern(format);
  const anchored = { regex: `^${compiled.regex}$`, groups: compiled.groups };
  return `(CASE WHEN ${d.fullMatch(text, compiled.regex)} AND ${renderer.settersOk(text, anchored)} THEN ${renderer.render(text, anchored)} END)`;
}

const g = (group: number): { group: number; how: string } => ({ group, how: 'int' });
const t = (group: number): { group: number; how: string } => ({ group, how: 'text' });
