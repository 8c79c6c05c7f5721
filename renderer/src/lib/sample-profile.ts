import type { ColumnProfile } from '../../../main/app/contract.js';

/** A Preview column's profile: the same shape as a table's, over the sample rows held in the page. */
export type SampleProfile = Omit<ColumnProfile, 'type'> & { type: string };

const TOP_VALUES = 8;
const HISTOGRAM_BUCKETS = 12;
/** Share of a column's values that must parse for it to get a histogram. */
const MOSTLY = 0.9;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
const MS_PER_DAY = 86_400_000;
/** Julian day of the Unix epoch: the table profiles bin dates in Julian days, so both panels read the same. */
const UNIX_EPOCH_JULIAN_DAY = 2440587.5;

const isMissing = (value: unknown): boolean => value === null || value === undefined || value === '';

function numeric(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const number = Number(value.trim());
  return Number.isFinite(number) ? number : null;
}

function julianDay(value: unknown): number | null {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return null;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? null : ms / MS_PER_DAY + UNIX_EPOCH_JULIAN_DAY;
}

function compare(a: unknown, b: unknown): number {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== null && y !== null) return x - y;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Type, empties, distinct values, min/max, top values and a histogram of one column of the sample. */
export function profileSample(column: string, type: string, values: readonly unknown[]): SampleProfile {
  const counts = new Map<string, { value: unknown; count: number }>();
  let nulls = 0;
  let min: unknown = null;
  let max: unknown = null;
  for (const value of values) {
    if (isMissing(value)) {
      nulls += 1;
      continue;
    }
    const key = typeof value === 'object' ? JSON.stringify(value) : String(value);
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { value, count: 1 });
    if (min === null || compare(value, min) < 0) min = value;
    if (max === null || compare(value, max) > 0) max = value;
  }
  const top = [...counts.values()].sort((a, b) => b.count - a.count || compare(a.value, b.value)).slice(0, TOP_VALUES);
  const present = values.filter((v) => !isMissing(v));
  const asNumbers = present.map(numeric);
  const asDays = present.map(julianDay);
  let histogram: SampleProfile['histogram'] = null;
  let histogramKind: SampleProfile['histogramKind'] = null;
  // Mostly numbers (or dates) with a few bad cells is still a numeric column: bin the values that parse.
  const numbers = asNumbers.filter((n): n is number => n !== null);
  const days = asDays.filter((d): d is number => d !== null);
  if (numbers.length > 0 && numbers.length >= MOSTLY * present.length) {
    histogram = bins(numbers);
    histogramKind = 'number';
  } else if (days.length > 0 && days.length >= MOSTLY * present.length) {
    histogram = bins(days);
    histogramKind = 'date';
  }
  return { column, type, rows: values.length, sampled: false, nulls, distinct: counts.size, min, max, top, histogram, histogramKind };
}

function bins(values: readonly number[]): NonNullable<SampleProfile['histogram']> {
  // reduce, not Math.min(...values): spreading 10,000 arguments can overflow the stack.
  const from = values.reduce((a, b) => Math.min(a, b));
  const to = values.reduce((a, b) => Math.max(a, b));
  const count = to === from ? 1 : HISTOGRAM_BUCKETS;
  const width = (to - from) / HISTOGRAM_BUCKETS || 1;
  const buckets = Array.from({ length: count }, (_, i) => ({ from: from + i * width, to: from + (i + 1) * width, count: 0 }));
  for (const value of values) buckets[Math.min(count - 1, Math.floor((value - from) / width))]!.count += 1;
  return buckets;
}
