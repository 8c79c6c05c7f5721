import type Database from 'better-sqlite3';
import type { RowFailure } from '../types.js';

export interface WarnedRow {
  importId: number;
  rowNumber: number;
  line: number;
  warnings: RowFailure[];
}

export interface WarningGroup {
  rule: string;
  field: string | null;
  /** An example message (rule messages name fields and rules, not values). */
  message: string;
  count: number;
  /** The first few row numbers that broke it, to look up. */
  exampleRows: number[];
}

export interface WarningQuery {
  importId?: number;
  rule?: string;
  offset?: number;
  limit?: number;
}

const EXAMPLE_ROWS = 5;

/**
 * Reading `_sluice_warnings` (rows kept despite a warn-level rule). The SQL is
 * fixed; filters are bound parameters where NULL means "any".
 */
export class WarningRecords {
  private readonly pageStatement: Database.Statement;
  private readonly countStatement: Database.Statement;
  private readonly summaryStatement: Database.Statement;

  constructor(db: Database.Database) {
    const where = `(@importId IS NULL OR import_id = @importId)
      AND (@rule IS NULL OR EXISTS (SELECT 1 FROM json_each(warnings) AS w WHERE w.value ->> '$.rule' = @rule))`;
    this.pageStatement = db.prepare(`SELECT * FROM _sluice_warnings WHERE ${where} ORDER BY import_id, row_number LIMIT @limit OFFSET @offset`);
    this.countStatement = db.prepare(`SELECT count(*) AS n FROM _sluice_warnings WHERE ${where}`);
    this.summaryStatement = db.prepare(`
      WITH each AS (
        SELECT w.value ->> '$.rule' AS rule, w.value ->> '$.field' AS field, w.value ->> '$.message' AS message, s.row_number,
          row_number() OVER (PARTITION BY w.value ->> '$.rule', w.value ->> '$.field' ORDER BY s.import_id, s.row_number) AS nth
        FROM _sluice_warnings AS s, json_each(s.warnings) AS w
        WHERE (@importId IS NULL OR s.import_id = @importId)
      )
      SELECT rule, field, min(message) AS message, count(*) AS count,
        json_group_array(row_number) FILTER (WHERE nth <= ${EXAMPLE_ROWS}) AS examples
      FROM each GROUP BY rule, field ORDER BY count DESC, rule`);
  }

  page(query: WarningQuery): { rows: WarnedRow[]; total: number } {
    const params = { importId: query.importId ?? null, rule: query.rule ?? null };
    const total = (this.countStatement.get(params) as { n: number }).n;
    const rows = this.pageStatement.all({ ...params, limit: query.limit ?? 100, offset: query.offset ?? 0 }) as {
      import_id: number;
      row_number: number;
      line: number;
      warnings: string;
    }[];
    return {
      total,
      rows: rows.map((row) => ({
        importId: row.import_id,
        rowNumber: row.row_number,
        line: row.line,
        warnings: JSON.parse(row.warnings) as RowFailure[],
      })),
    };
  }

  /** Warnings grouped by rule and field, most frequent first, with example row numbers. */
  summary(importId?: number): WarningGroup[] {
    const rows = this.summaryStatement.all({ importId: importId ?? null }) as {
      rule: string;
      field: string | null;
      message: string | null;
      count: number;
      examples: string;
    }[];
    return rows.map((row) => ({
      rule: row.rule,
      field: row.field,
      message: row.message ?? '',
      count: row.count,
      exampleRows: JSON.parse(row.examples) as number[],
    }));
  }
}
