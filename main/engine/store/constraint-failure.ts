import type { RowFailure } from '../types.js';
import { uniqueColumnsOf } from './sqlite-errors.js';

/** A constraint the table raised for one row, as the reason its quarantine entry gives. */
export function constraintFailure(error: unknown): RowFailure {
  const code = (error as { code?: string }).code ?? '';
  const columns = uniqueColumnsOf(error);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return {
      field: columns.join(',') || null,
      rule: 'unique',
      message: `${columns.join(', ') || 'key'}: value already exists in the table (must be unique)`,
    };
  }
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') {
    return { field: columns.join(',') || null, rule: 'required', message: `${columns.join(', ')}: the table requires a value` };
  }
  return { field: null, rule: 'constraint', message: 'the table refused the row (constraint failed)' };
}
