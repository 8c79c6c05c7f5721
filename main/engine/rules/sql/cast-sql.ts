import { describeTemporal } from '../cast-temporal.js';
import type { CastOptions, FieldType } from '../model.js';
import type { SqlDialect } from './dialect.js';
import { INTEGER_TEXT, JS_SPACE, NUMBER_TEXT, STRING_FORMAT_PATTERNS } from './regex-text.js';
import { temporalSql } from './temporal-sql.js';
import { Inexpressible } from './transform-sql.js';
import { NUMERIC_KINDS, scalarText, type Val } from './value-sql.js';

/**
 * A field's cast in SQL: `typed` is the logical value (NULL where Sluice's
 * caster fails); `range` is true where the text had the right shape but the
 * value is out of range (Sluice's rule "range" rather than "type").
 */
export interface CastSql {
  typed: string;
  range: string | null;
  rule: 'type' | 'format';
  text: string;
  /** Where the failure is "not a string" (JSON objects and arrays for a formatted string) instead of `rule`. */
  notString?: string;
  /** What the logical value is in SQL (row rules compare by it). */
  kind: 'text' | 'num' | 'bool';
  sqlType: 'VARCHAR' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';
}

/** Sluice's numberTextCleaner: bareNumber=false strips text around the number, then groupChar and decimalChar. */
function cleanNumberText(d: SqlDialect, t: string, options: CastOptions): string {
  let text = t;
  if (!options.bareNumber) {
    const pattern = `(?s)^${JS_SPACE}*([+-]?)[^0-9.+-]*(.*?)[^0-9.]*$`;
    text = `(${d.extract(text, pattern, 1)} || ${d.extract(text, pattern, 2)})`;
  }
  if (options.groupChar !== '') text = d.replaceText(text, options.groupChar, '');
  if (options.decimalChar !== '.') text = d.replaceText(text, options.decimalChar, '.');
  return text;
}

function byKind(v: Val, text: string, numeric: string | null, boolean: string | null): string {
  if (v.k === null) return text;
  return `(CASE WHEN ${v.k} = 'VARCHAR' THEN ${text}${numeric === null ? '' : ` WHEN ${v.k} IN ${NUMERIC_KINDS} THEN ${numeric}`}${boolean === null ? '' : ` WHEN ${v.k} = 'BOOLEAN' THEN ${boolean}`} END)`;
}

export function castSql(d: SqlDialect, type: FieldType, options: CastOptions, v: Val): CastSql {
  const t = v.t;
  switch (type) {
    case 'string': {
      const text = scalarText(d, v);
      const pattern = STRING_FORMAT_PATTERNS[options.format];
      const formatText: Record<string, string> = { email: 'is not a valid email address', uri: 'is not a valid URI', uuid: 'is not a valid UUID', binary: 'is not valid base64' };
      if (pattern === undefined) return { typed: text, range: null, rule: 'type', text: 'is not a string', kind: 'text', sqlType: 'VARCHAR' };
      const typed = `(CASE WHEN ${d.fullMatch(text, pattern)} THEN ${text} END)`;
      const base = { typed, range: null, rule: 'format' as const, text: formatText[options.format] as string, kind: 'text' as const, sqlType: 'VARCHAR' as const };
      return v.k === null ? base : { ...base, notString: `${v.k} IN ('OBJECT', 'ARRAY')` };
    }
    case 'integer': {
      const clean = cleanNumberText(d, t, options);
      const shaped = d.fullMatch(clean, INTEGER_TEXT);
      const number = d.tryCast(t, 'DOUBLE');
      const integral = `(${number} = floor(${number}))`;
      const typed = byKind(v, `(CASE WHEN ${shaped} THEN ${d.tryCast(clean, 'BIGINT')} END)`, `(CASE WHEN ${integral} THEN ${d.tryCast(number, 'BIGINT')} END)`, null);
      const range = byKind(v, shaped, integral, null);
      return { typed, range, rule: 'type', text: 'is not an integer', kind: 'num', sqlType: 'BIGINT' };
    }
    case 'number': {
      const clean = cleanNumberText(d, t, options);
      const parsed = d.tryCast(clean, 'DOUBLE');
      const text = `(CASE WHEN ${d.fullMatch(clean, NUMBER_TEXT)} THEN (CASE WHEN NOT ${d.isInf(parsed)} THEN ${parsed} END)
        WHEN upper(${clean}) = 'NAN' THEN ${d.tryCast("'NaN'", 'DOUBLE')}
        WHEN upper(${clean}) IN ('INF', '+INF') THEN ${d.tryCast("'Infinity'", 'DOUBLE')}
        WHEN upper(${clean}) = '-INF' THEN ${d.tryCast("'-Infinity'", 'DOUBLE')} END)`;
      const typed = byKind(v, text, d.tryCast(t, 'DOUBLE'), null);
      const range = byKind(v, d.fullMatch(clean, NUMBER_TEXT), 'FALSE', null);
      return { typed, range, rule: 'type', text: 'is not a number', kind: 'num', sqlType: 'DOUBLE' };
    }
    case 'year': {
      const number = d.tryCast(t, 'DOUBLE');
      const typed = byKind(v, `(CASE WHEN ${d.fullMatch(t, '[0-9]{4}')} THEN ${d.tryCast(t, 'BIGINT')} END)`,
        `(CASE WHEN ${number} = floor(${number}) AND ${number} BETWEEN 0 AND 9999 THEN ${d.tryCast(number, 'BIGINT')} END)`, null);
      return { typed, range: null, rule: 'type', text: 'is not a year (expected YYYY)', kind: 'num', sqlType: 'BIGINT' };
    }
    case 'boolean': {
      const text = scalarText(d, v);
      const list = (values: string[]): string => (values.length === 0 ? 'FALSE' : `${text} IN (${values.map((x) => d.str(x)).join(', ')})`);
      const fromText = `(CASE WHEN ${list(options.trueValues)} THEN TRUE WHEN ${list(options.falseValues)} THEN FALSE END)`;
      const typed = v.k === null ? fromText : `(CASE WHEN ${v.k} = 'BOOLEAN' THEN ${t} = 'true' WHEN ${v.k} = 'VARCHAR' OR ${v.k} IN ${NUMERIC_KINDS} THEN ${fromText} END)`;
      const expected = [...options.trueValues, ...options.falseValues].slice(0, 8).map((x) => JSON.stringify(x)).join(', ');
      return { typed, range: null, rule: 'type', text: `is not a boolean (expected one of ${expected})`, kind: 'bool', sqlType: 'BOOLEAN' };
    }
    case 'date': case 'datetime': case 'time': {
      const typed = byKind(v, temporalSql(d, type, options.format, t), null, null);
      return { typed, range: null, rule: 'type', text: describeTemporal(type, options.format), kind: 'text', sqlType: 'VARCHAR' };
    }
    case 'yearmonth': {
      const month = `TRY_CAST(substr(${t}, 6, 2) AS INTEGER)`;
      const typed = byKind(v, `(CASE WHEN ${d.fullMatch(t, '[0-9]{4}-[0-9]{2}')} AND ${month} BETWEEN 1 AND 12 THEN ${t} END)`, null, null);
      return { typed, range: null, rule: 'type', text: 'is not a year-month (expected YYYY-MM)', kind: 'text', sqlType: 'VARCHAR' };
    }
    case 'any':
      if (v.k !== null) throw new Inexpressible('a JSON value of type "any" keeps its JSON type in Sluice (number, text, object…); SQL columns have one type');
      return { typed: t, range: null, rule: 'type', text: 'is not a value', kind: 'text', sqlType: 'VARCHAR' };
    case 'duration':
      throw new Inexpressible('the ISO 8601 duration check uses look-ahead, which RE2 does not have');
    default:
      throw new Inexpressible(`type "${type}" holds JSON structures, which the generated SQL does not parse`);
  }
}
