/**
 * `_sluice_tables`: the Table Schema a table was imported with (given,
 * inferred, or derived from JSON types), so export, the data browser and
 * `sluice schema` know what each stored value means (0/1 of a boolean column,
 * JSON text of an object column), and later imports agree with it or extend it.
 */
import type Database from 'better-sqlite3';
import type { OutputColumn } from '../rules/contract.js';
import { SluiceError } from '../errors.js';
import type { Dialect } from '../types.js';
import { keptTextColumns, textTypeFor } from './kept-text-columns.js';

export interface StoredField {
  name: string;
  type: string;
  trueValues?: string[];
  falseValues?: string[];
}

/** How the table's last CSV source was written, so an export can write the same way. */
export interface StoredSourceDialect {
  format: 'csv' | 'jsonl';
  delimiter: string;
  newline: '\n' | '\r\n' | '\r';
  finalNewline: boolean;
  /** The file began with a byte order mark (Excel's "CSV UTF-8" does): the export writes one too. */
  bom?: boolean;
  /** false: the file had no header line (imported with --no-header): the export writes none by default. */
  header?: false;
}

export interface StoredTableSchema {
  fields: StoredField[];
  'sluice:source'?: StoredSourceDialect;
}

export class TableSchemas {
  private readonly getStatement: Database.Statement;
  private readonly putStatement: Database.Statement;
  private readonly deleteStatement: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.getStatement = db.prepare('SELECT schema FROM _sluice_tables WHERE table_name = ?');
    this.putStatement = db.prepare(
      `INSERT INTO _sluice_tables (table_name, schema, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (table_name) DO UPDATE SET schema = excluded.schema, updated_at = excluded.updated_at`,
    );
    this.deleteStatement = db.prepare('DELETE FROM _sluice_tables WHERE table_name = ?');
  }

  get(table: string): StoredTableSchema | null {
    const row = this.getStatement.get(table) as { schema: string } | undefined;
    return row ? (JSON.parse(row.schema) as StoredTableSchema) : null;
  }

  put(table: string, schema: StoredTableSchema): void {
    this.putStatement.run(table, JSON.stringify(schema), new Date().toISOString());
  }

  delete(table: string): void {
    this.deleteStatement.run(table);
  }

  /**
   * Call in the transaction that creates or checks the table, before the
   * table is prepared. A new table records the columns' schema. An existing one must agree
   * with it: same name, same type; columns it lacks are recorded (the table
   * preparation adds them, nullable). Tables from before stored schemas are left to its own checks.
   */
  reconcile(table: string, columns: readonly OutputColumn[], source: StoredSourceDialect | null, tableExists: boolean): void {
    // A schema left by a table since dropped (undo, restart) says nothing about the new one.
    const stored = tableExists ? this.get(table) : null;
    if (tableExists && stored === null) return;
    const keptText = stored ? new Map([...keptTextColumns(this.db, table)].map(([name, format]) => [name, textTypeFor(format) as string])) : null;
    const fields = stored ? [...stored.fields] : [];
    const byName = new Map(fields.map((field) => [field.name, field]));
    for (const column of columns) {
      const type = column.type ?? 'any';
      const known = byName.get(column.name);
      if (known) {
        // The type `sluice schema` printed for a column holding kept text: the stored type stays.
        if (known.type !== type && type !== keptText?.get(column.name)) {
          throw new SluiceError(
            'TABLE_MISMATCH',
            `Table "${table}" stores column "${column.name}" as ${known.type}, but this import would write it as ${type}; make the rule file agree (see: sluice schema --table ${table}) or import into another table with --table.`,
          );
        }
        continue;
      }
      const field: StoredField = { name: column.name, type };
      if (column.trueValues) field.trueValues = column.trueValues;
      if (column.falseValues) field.falseValues = column.falseValues;
      fields.push(field);
      byName.set(column.name, field);
    }
    const keepSource = source === null || source.format !== 'csv' ? stored?.['sluice:source'] : source;
    this.put(table, { fields, ...(keepSource ? { 'sluice:source': keepSource } : {}) });
  }
}

export function sourceDialectOf(dialect: Dialect, finalNewline: boolean): StoredSourceDialect {
  return {
    format: dialect.format,
    delimiter: dialect.delimiter,
    newline: dialect.newline,
    finalNewline,
    ...(dialect.bomBytes > 0 ? { bom: true } : {}),
    ...(dialect.format === 'csv' && !dialect.hasHeader ? { header: false as const } : {}),
  };
}

/**
 * The stored schema as a Frictionless Table Schema (what `sluice schema` prints; loadable again as a rule
 * file, and then importing the same file quarantines nothing): a column holding values kept as text
 * (`keptText`, kept-text-columns.ts) is printed as string (any for JSONL), not as its other values' type.
 */
export function asFrictionlessSchema(schema: StoredTableSchema, keptText: ReadonlyMap<string, 'csv' | 'jsonl'> = new Map()): { fields: StoredField[] } {
  return {
    fields: schema.fields.map((field) => {
      const format = keptText.get(field.name);
      const textType = format ? textTypeFor(format) : null;
      return textType && field.type !== 'string' && field.type !== 'any' ? { name: field.name, type: textType } : { ...field };
    }),
  };
}
