import { CastFailure } from './cast-failure.js';
import { makeCaster } from './cast.js';
import type { CastOptions, FieldType } from './model.js';

/** Types whose values have an order, so minimum/maximum make sense. */
export const ORDERED_TYPES: ReadonlySet<FieldType> = new Set(['integer', 'number', 'year', 'date', 'datetime', 'time', 'yearmonth']);
/** Types whose values have a length, so minLength/maxLength make sense. */
export const LENGTH_TYPES: ReadonlySet<FieldType> = new Set(['string', 'array', 'object', 'geojson', 'any']);

/**
 * Casts a bound or enum entry from the rule file to the field's logical type.
 * JSON numbers are accepted for numeric fields; for dates written in a custom
 * format, ISO text is accepted too, since that is how most people write a
 * bound. Returns a CastFailure when the value cannot be used.
 */
export function castConstraintValue(type: FieldType, options: CastOptions, raw: unknown): unknown {
  const value = makeCaster(type, options, 'jsonl').cast(raw);
  if (!(value instanceof CastFailure) || options.format === 'default') return value;
  if (type === 'date' || type === 'datetime' || type === 'time') {
    const iso = makeCaster(type, { ...options, format: 'default' }, 'jsonl').cast(raw);
    if (!(iso instanceof CastFailure)) return iso;
  }
  return value;
}
