/**
 * Dates and times, without the machine's locale or time zone: the output is
 * always ISO text (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[.f][Z], HH:MM:SS[.f]), which
 * sorts correctly in SQLite and means the same on every machine. Formats are
 * `default` (ISO), `any` (unambiguous year-first forms and English month
 * names: D/M/Y versus M/D/Y is never guessed) or strftime-like patterns.
 */

import { re2 } from './re2.js';

/** Formats with more variable-width directives than this run on RE2 (see compilePattern); V8 is faster for the usual ones. */
const MAX_BACKTRACKING_DIRECTIVES = 3;

export type TemporalKind = 'date' | 'datetime' | 'time';
/** Returns canonical ISO text, or null when the text does not match. */
export type TemporalParser = (text: string) => string | null;

interface Parts {
  year: number; month: number; day: number;
  hour: number; minute: number; second: number;
  fraction: string; offsetMinutes: number | null; pm: boolean | null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const NUMERIC_DIRECTIVES = new Set(['Y', 'y', 'm', 'd', 'H', 'I', 'M', 'S', 'j']);

type Setter = (parts: Parts, text: string) => boolean;
interface Directive { regex: string; set: Setter; fixed?: string }

const num = (key: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'): Setter => (parts, text) => {
  parts[key] = Number(text);
  return true;
};

function directive(letter: string, fixedWidth: boolean): Directive | null {
  const two = fixedWidth ? '(\\d{2})' : '(\\d{1,2})';
  switch (letter) {
    case 'Y': return { regex: '(\\d{4})', set: num('year') };
    case 'y': return { regex: '(\\d{2})', set: (p, t) => { const y = Number(t); p.year = y < 69 ? 2000 + y : 1900 + y; return true; } };
    case 'm': return { regex: two, set: num('month') };
    case 'd': case 'e': return { regex: letter === 'e' ? '\\s?(\\d{1,2})' : two, set: num('day') };
    case 'H': return { regex: two, set: num('hour') };
    case 'I': return { regex: two, set: num('hour') };
    case 'M': return { regex: two, set: num('minute') };
    case 'S': return { regex: two, set: num('second') };
    case 'f': return { regex: '(\\d{1,9})', set: (p, t) => { p.fraction = t; return true; } };
    case 'p': return { regex: '([AaPp][Mm])', set: (p, t) => { p.pm = t.toLowerCase() === 'pm'; return true; } };
    case 'b': case 'h': return { regex: '([A-Za-z]{3})', set: (p, t) => monthFrom(p, MONTHS.indexOf(t.toLowerCase())) };
    case 'B': return { regex: '([A-Za-z]{3,9})', set: (p, t) => monthFrom(p, MONTH_FULL.indexOf(t.toLowerCase())) };
    case 'a': return { regex: '(?:[A-Za-z]{3})', set: () => true, fixed: '' };
    case 'A': return { regex: '(?:[A-Za-z]{6,9})', set: () => true, fixed: '' };
    case 'z': return { regex: '(Z|[+-]\\d{2}:?\\d{2})', set: (p, t) => { p.offsetMinutes = parseOffset(t); return true; } };
    case '%': return { regex: '%', set: () => true, fixed: '' };
    default: return null;
  }
}

function monthFrom(parts: Parts, index: number): boolean {
  parts.month = index + 1;
  return index >= 0;
}

function parseOffset(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const digits = text.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  return text[0] === '-' ? -minutes : minutes;
}

/** Returns a problem message for a strftime-like pattern, or null when usable. */
export function checkTemporalPattern(pattern: string): string | null {
  const body = pattern.startsWith('fmt:') ? pattern.slice(4) : pattern;
  const unknown = [...body.matchAll(/%-?(.)/g)].map((m) => m[1] as string).filter((l) => directive(l, false) === null);
  if (unknown.length > 0) return `unknown directive ${unknown.map((l) => `%${l}`).join(', ')} in date/time pattern "${pattern}"`;
  if (!body.includes('%')) return `date/time pattern "${pattern}" has no % directives (use e.g. %d/%m/%Y)`;
  return null;
}

function compilePattern(pattern: string): (text: string) => Parts | null {
  const body = pattern.startsWith('fmt:') ? pattern.slice(4) : pattern;
  const tokens = [...body.matchAll(/%-?(.)|[^%]+/g)];
  let regex = '^';
  const setters: Setter[] = [];
  let variableWidth = 0;
  tokens.forEach((token, index) => {
    const letter = token[1];
    if (letter === undefined) {
      regex += (token[0]).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return;
    }
    const nextLetter = tokens[index + 1]?.[1];
    const nextIsDigits = nextLetter !== undefined && NUMERIC_DIRECTIVES.has(nextLetter);
    const spec = directive(letter, nextIsDigits && !token[0].includes('-')) as Directive;
    if (/\{\d+,|\?/.test(spec.regex)) variableWidth += 1;
    regex += spec.regex;
    if (spec.fixed === undefined) setters.push(spec.set);
  });
  // Each variable-width directive (%-d, %f, %B…) multiplies V8's backtracking on a value that almost
  // matches (28 × %-d took 29 s on one value); past a few of them the format runs on RE2, linear in the value.
  const compiled = variableWidth > MAX_BACKTRACKING_DIRECTIVES ? re2().compile(`${regex}$`) : new RegExp(`${regex}$`);
  return (text) => {
    const match = compiled.exec(text);
    if (!match) return null;
    const parts = emptyParts();
    for (let i = 0; i < setters.length; i += 1) {
      if (!(setters[i] as Setter)(parts, match[i + 1] as string)) return null;
    }
    if (parts.pm !== null) {
      if (parts.hour < 1 || parts.hour > 12) return null;
      parts.hour = (parts.hour % 12) + (parts.pm ? 12 : 0);
    }
    return parts;
  };
}

function emptyParts(): Parts {
  return { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: '', offsetMinutes: null, pm: null };
}

const ANY_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const ANY_TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([AaPp][Mm])?$/;
const ANY_DATE_PATTERNS = ['%Y-%m-%d', '%Y%m%d', '%Y/%m/%d', '%Y.%m.%d', '%d %b %Y', '%d %B %Y', '%b %d, %Y', '%B %d, %Y', '%b %d %Y', '%B %d %Y'];

function anyDatetimeParts(text: string): Parts | null {
  const m = ANY_DATETIME.exec(text);
  if (!m) return null;
  const parts = emptyParts();
  parts.year = Number(m[1]); parts.month = Number(m[2]); parts.day = Number(m[3]);
  parts.hour = Number(m[4] ?? 0); parts.minute = Number(m[5] ?? 0); parts.second = Number(m[6] ?? 0);
  parts.fraction = m[7] ?? '';
  parts.offsetMinutes = m[8] === undefined ? null : parseOffset(m[8]);
  return parts;
}

function anyTimeParts(text: string): Parts | null {
  const m = ANY_TIME.exec(text.trim());
  if (!m) return null;
  const parts = emptyParts();
  parts.hour = Number(m[1]); parts.minute = Number(m[2]); parts.second = Number(m[3] ?? 0);
  parts.fraction = m[4] ?? '';
  if (m[5] !== undefined) {
    if (parts.hour < 1 || parts.hour > 12) return null;
    parts.hour = (parts.hour % 12) + (m[5].toLowerCase() === 'pm' ? 12 : 0);
  }
  return parts;
}

export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2) return day <= (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28);
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

function render(kind: TemporalKind, parts: Parts): string | null {
  let p = parts;
  if (p.hour > 23 || p.minute > 59 || p.second > 59) return null;
  if (kind !== 'time' && !isValidDate(p.year, p.month, p.day)) return null;
  if (kind === 'datetime' && p.offsetMinutes !== null && p.offsetMinutes !== 0) p = toUtc(p);
  if (p.year < 0 || p.year > 9999) return null;
  const fraction = p.fraction === '' ? '' : `.${p.fraction}`;
  const time = `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${fraction}`;
  if (kind === 'time') return time;
  const date = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
  if (kind === 'date') return date;
  return `${date}T${time}${p.offsetMinutes === null ? '' : 'Z'}`;
}

/** Offsets are folded into UTC so that every zoned value in a column compares correctly as text. */
function toUtc(parts: Parts): Parts {
  const moment = new Date(0);
  moment.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  moment.setUTCHours(parts.hour, parts.minute - (parts.offsetMinutes ?? 0), parts.second, 0);
  return {
    ...parts,
    year: moment.getUTCFullYear(), month: moment.getUTCMonth() + 1, day: moment.getUTCDate(),
    hour: moment.getUTCHours(), minute: moment.getUTCMinutes(), second: moment.getUTCSeconds(), offsetMinutes: 0,
  };
}

function digitsAt(text: string, start: number, count: number): number {
  let result = 0;
  for (let i = start; i < start + count; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    result = result * 10 + digit;
  }
  return result;
}

/** ISO dates are by far the most common input, so they skip regexes and allocation. */
function isoDate(text: string): string | null {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  return year >= 0 && isValidDate(year, month, day) ? text : null;
}

const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;
const ISO_TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

export function makeTemporalParser(kind: TemporalKind, format: string): TemporalParser {
  if (format === 'default' || format === '') {
    if (kind === 'date') return isoDate;
    const regex = kind === 'datetime' ? ISO_DATETIME : ISO_TIME;
    const any = kind === 'datetime' ? anyDatetimeParts : anyTimeParts;
    return (text) => (regex.test(text) ? renderParts(kind, any(text)) : null);
  }
  if (format === 'any') {
    if (kind === 'time') return (text) => renderParts(kind, anyTimeParts(text));
    if (kind === 'datetime') return (text) => renderParts(kind, anyDatetimeParts(text.trim()));
    const patterns = ANY_DATE_PATTERNS.map(compilePattern);
    return (text) => {
      const trimmed = text.trim();
      const fast = isoDate(trimmed);
      if (fast !== null) return fast;
      for (const pattern of patterns) {
        const parts = pattern(trimmed);
        if (parts) return render(kind, parts);
      }
      return null;
    };
  }
  const pattern = compilePattern(format);
  return (text) => renderParts(kind, pattern(text));
}

function renderParts(kind: TemporalKind, parts: Parts | null): string | null {
  return parts === null ? null : render(kind, parts);
}

export function describeTemporal(kind: TemporalKind, format: string): string {
  const article = kind === 'time' ? 'a time' : kind === 'date' ? 'a date' : 'a date-time';
  if (format === 'default' || format === '') {
    const shape = kind === 'date' ? 'YYYY-MM-DD' : kind === 'time' ? 'HH:MM:SS' : 'YYYY-MM-DDTHH:MM:SS';
    return `is not ${article} (expected ${shape})`;
  }
  if (format === 'any') return `is not a recognisable ${kind === 'datetime' ? 'date-time' : kind}`;
  return `is not ${article} in the format ${format.replace(/^fmt:/, '')}`;
}
