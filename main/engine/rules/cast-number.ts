import { CastFailure } from './cast-failure.js';
import type { CastOptions } from './model.js';

/**
 * Locale-free number casting as Table Schema describes it: digits with an
 * optional sign, `groupChar`/`decimalChar` from the schema (never from the
 * machine's locale), and `bareNumber: false` to allow text around the number
 * such as '$' or '%'.
 */

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** 15 decimal digits always fit in a double exactly, so shorter integers skip BigInt. */
const MAX_FAST_DIGITS = 15;
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export type NumberText = (text: string) => string;

/** Builds the text clean-up that groupChar, decimalChar and bareNumber ask for; identity when all are default. */
export function numberTextCleaner(options: CastOptions): NumberText | null {
  const steps: NumberText[] = [];
  if (!options.bareNumber) {
    // Keep a leading sign, drop any other non-digit text before and after: "-$5" → "-5", "5 %" → "5".
    steps.push((text) => {
      const match = /^\s*([+-]?)[^\d.+-]*(.*?)[^\d.]*$/s.exec(text);
      return match ? `${match[1]}${match[2]}` : text;
    });
  }
  if (options.groupChar !== '') {
    const group = options.groupChar;
    steps.push((text) => text.split(group).join(''));
  }
  if (options.decimalChar !== '.') {
    const decimal = options.decimalChar;
    steps.push((text) => text.split(decimal).join('.'));
  }
  if (steps.length === 0) return null;
  return (text) => {
    let result = text;
    for (const step of steps) result = step(result);
    return result;
  };
}

export function makeIntegerCaster(options: CastOptions): (value: unknown) => unknown {
  const notInteger = new CastFailure('type', 'is not an integer');
  const outOfRange = new CastFailure('range', 'is outside the 64-bit integer range');
  const clean = numberTextCleaner(options);
  const fromText = (text: string): unknown => {
    const length = text.length;
    let index = 0;
    let negative = false;
    const first = text.charCodeAt(0);
    if (first === 45 /* - */ || first === 43 /* + */) {
      negative = first === 45;
      index = 1;
    }
    if (index === length) return notInteger;
    let result = 0;
    for (let i = index; i < length; i += 1) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return notInteger;
      result = result * 10 + digit;
    }
    if (length - index <= MAX_FAST_DIGITS) return negative ? -result : result;
    const big = BigInt(text);
    if (big > INT64_MAX || big < INT64_MIN) return outOfRange;
    return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
  };
  return (value) => {
    if (typeof value === 'string') return fromText(clean ? clean(value) : value);
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) return notInteger;
      if (Number.isSafeInteger(value)) return value;
      const big = BigInt(value);
      return big > INT64_MAX || big < INT64_MIN ? outOfRange : big;
    }
    if (typeof value === 'bigint') return value > INT64_MAX || value < INT64_MIN ? outOfRange : value;
    return notInteger;
  };
}

export function makeNumberCaster(options: CastOptions): (value: unknown) => unknown {
  const notNumber = new CastFailure('type', 'is not a number');
  const outOfRange = new CastFailure('range', 'is too large to store as a number');
  const clean = numberTextCleaner(options);
  return (value) => {
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    if (typeof value !== 'string') return notNumber;
    const text = clean ? clean(value) : value;
    if (NUMBER_TEXT.test(text)) {
      const result = Number(text);
      return Number.isFinite(result) ? result : outOfRange;
    }
    // Table Schema spells the special values this way, "case need not be respected" (pandas writes inf, nan).
    const special = text.length <= 4 ? text.toUpperCase() : '';
    if (special === 'NAN') return Number.NaN;
    if (special === 'INF' || special === '+INF') return Number.POSITIVE_INFINITY;
    if (special === '-INF') return Number.NEGATIVE_INFINITY;
    return notNumber;
  };
}

export function makeYearCaster(): (value: unknown) => unknown {
  const notYear = new CastFailure('type', 'is not a year (expected YYYY)');
  return (value) => {
    if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 9999 ? value : notYear;
    if (typeof value !== 'string' || value.length !== 4) return notYear;
    let result = 0;
    for (let i = 0; i < 4; i += 1) {
      const digit = value.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return notYear;
      result = result * 10 + digit;
    }
    return result;
  };
}
