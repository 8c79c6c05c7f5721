import type { SqlAffinity, SqlValue } from './contract.js';
import { CastFailure } from './cast-failure.js';
import { makeIntegerCaster, makeNumberCaster, makeYearCaster } from './cast-number.js';
import { describeTemporal, isValidDate, makeTemporalParser, type TemporalKind } from './cast-temporal.js';
import type { CastOptions, FieldType } from './model.js';
import { JsonFloat, JsonNumberText, stringifyJsonExact } from '../parse/json-lossless.js';
import { jsonToStored } from './lossless-columns.js';

/**
 * Turns a (transformed) source value into the field's logical value. Logical
 * values are what constraints and row rules see: strings, numbers, bigints,
 * booleans, ISO date text, or parsed JSON for object/array. `toSql` then gives
 * what better-sqlite3 binds.
 */
export interface Caster {
  cast(value: unknown): unknown;
  toSql(value: unknown): SqlValue;
  /** Length for minLength/maxLength, or null when the type has none. */
  length: ((value: unknown) => number) | null;
  sqlType: SqlAffinity;
}

export const DEFAULT_TRUE_VALUES = ['true', 'True', 'TRUE', '1'];
export const DEFAULT_FALSE_VALUES = ['false', 'False', 'FALSE', '0'];

const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const YEARMONTH = /^(\d{4})-(\d{2})$/;
const DURATION = /^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$/;

export const STRING_FORMATS: Record<string, { regex: RegExp; text: string } | null> = {
  default: null,
  email: { regex: EMAIL, text: 'is not a valid email address' },
  uri: { regex: URI, text: 'is not a valid URI' },
  uuid: { regex: UUID, text: 'is not a valid UUID' },
  binary: { regex: BASE64, text: 'is not valid base64' },
};

/** Counts code points, so an emoji is one character as a user would count it. */
export function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) length -= 1;
  }
  return length;
}

const identity = (value: unknown): SqlValue => value as SqlValue;
const stringLength = (value: unknown): number => codePointLength(value as string);

/** What a JSON value becomes in SQLite when no type says otherwise. */
export function jsonToSql(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof JsonFloat) return value.value;
  if (value instanceof JsonNumberText) return value.text;
  return stringifyJsonExact(value);
}

export function makeCaster(type: FieldType, options: CastOptions, sourceKind: 'csv' | 'jsonl'): Caster {
  switch (type) {
    case 'string': return stringCaster(options.format);
    case 'integer': return { cast: makeIntegerCaster(options), toSql: identity, length: null, sqlType: 'INTEGER' };
    case 'number': return { cast: makeNumberCaster(options), toSql: identity, length: null, sqlType: 'REAL' };
    case 'year': return { cast: makeYearCaster(), toSql: identity, length: null, sqlType: 'INTEGER' };
    case 'boolean': return booleanCaster(options);
    case 'date': case 'datetime': case 'time': return temporalCaster(type, options.format);
    case 'yearmonth': return textCaster('is not a year-month (expected YYYY-MM)', (t) => {
      const m = YEARMONTH.exec(t);
      return m !== null && isValidDate(Number(m[1]), Number(m[2]), 1);
    });
    case 'duration': return textCaster('is not an ISO 8601 duration (e.g. P1DT2H)', (t) => DURATION.test(t));
    case 'object': case 'array': case 'geojson': return jsonCaster(type);
    case 'geopoint': return geopointCaster(options.format);
    case 'any': return sourceKind === 'csv'
      ? { cast: (v) => v, toSql: identity, length: (v) => codePointLength(String(v)), sqlType: 'TEXT' }
      : { cast: (v) => v, toSql: (v) => jsonToStored(v, 'any'), length: (v) => codePointLength(typeof v === 'string' ? v : stringifyJsonExact(v)), sqlType: '' };
  }
}

function stringCaster(format: string): Caster {
  const notString = new CastFailure('type', 'is not a string');
  const check = STRING_FORMATS[format] ?? null;
  const badFormat = check ? new CastFailure('format', check.text) : notString;
  const regex = check?.regex;
  const cast = (value: unknown): unknown => {
    // JSONL ids are often numbers even where the schema says string; their text is unambiguous.
    const text = typeof value === 'string' ? value
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : null;
    if (text === null) return notString;
    return regex === undefined || regex.test(text) ? text : badFormat;
  };
  return { cast, toSql: identity, length: stringLength, sqlType: 'TEXT' };
}

function booleanCaster(options: CastOptions): Caster {
  const trueValues = new Set(options.trueValues);
  const falseValues = new Set(options.falseValues);
  const expected = [...options.trueValues, ...options.falseValues].slice(0, 8).map((v) => JSON.stringify(v)).join(', ');
  const notBoolean = new CastFailure('type', `is not a boolean (expected one of ${expected})`);
  const cast = (value: unknown): unknown => {
    if (typeof value === 'boolean') return value;
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
    if (text === null) return notBoolean;
    if (trueValues.has(text)) return true;
    if (falseValues.has(text)) return false;
    return notBoolean;
  };
  return { cast, toSql: (v) => (v ? 1 : 0), length: null, sqlType: 'INTEGER' };
}

function temporalCaster(kind: TemporalKind, format: string): Caster {
  const parse = makeTemporalParser(kind, format);
  const failure = new CastFailure('type', describeTemporal(kind, format));
  const cast = (value: unknown): unknown => {
    if (typeof value !== 'string') return failure;
    const iso = parse(value);
    return iso === null ? failure : iso;
  };
  return { cast, toSql: identity, length: null, sqlType: 'TEXT' };
}

function textCaster(text: string, test: (value: string) => boolean): Caster {
  const failure = new CastFailure('type', text);
  return {
    cast: (value) => (typeof value === 'string' && test(value) ? value : failure),
    toSql: identity,
    length: null,
    sqlType: 'TEXT',
  };
}

function jsonCaster(type: 'object' | 'array' | 'geojson'): Caster {
  const failure = new CastFailure('type', type === 'array' ? 'is not a JSON array' : 'is not a JSON object');
  const accepts = (value: unknown): boolean =>
    type === 'array' ? Array.isArray(value) : typeof value === 'object' && value !== null && !Array.isArray(value)
      && (type !== 'geojson' || typeof (value as { type?: unknown }).type === 'string');
  const cast = (value: unknown): unknown => {
    let parsed = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value);
      } catch {
        return failure;
      }
    }
    return accepts(parsed) ? parsed : failure;
  };
  const length = (value: unknown): number => (Array.isArray(value) ? value.length : Object.keys(value as object).length);
  return { cast, toSql: stringifyJsonExact, length, sqlType: 'TEXT' };
}

function geopointCaster(format: string): Caster {
  const failure = new CastFailure('type', format === 'default' ? 'is not a geopoint (expected "lon, lat")' : `is not a geopoint in ${format} form`);
  const valid = (lon: unknown, lat: unknown): boolean =>
    typeof lon === 'number' && typeof lat === 'number' && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;
  const cast = (value: unknown): unknown => {
    let lon: unknown;
    let lat: unknown;
    if (format === 'default') {
      const m = typeof value === 'string' ? /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value) : null;
      if (m) [lon, lat] = [Number(m[1]), Number(m[2])];
    } else {
      let parsed = value;
      try {
        if (typeof value === 'string') parsed = JSON.parse(value);
      } catch {
        return failure;
      }
      if (format === 'array' && Array.isArray(parsed) && parsed.length === 2) [lon, lat] = parsed;
      if (format === 'object' && typeof parsed === 'object' && parsed !== null) ({ lon, lat } = parsed as { lon?: unknown; lat?: unknown });
    }
    return valid(lon, lat) ? `${String(lon)},${String(lat)}` : failure;
  };
  return { cast, toSql: identity, length: null, sqlType: 'TEXT' };
}
