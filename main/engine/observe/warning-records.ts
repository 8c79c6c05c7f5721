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
  /** The rule's own message from the rule file (a warned row's message adds its values; this one does not). */
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
  private readonly schemasStatement: Database.Statement;

  constructor(db: Database.Database) {
    const where = `(@importId IS NULL OR import_id = @importId)
      AND (@rule IS NULL OR EXISTS (SELECT 1 FROM json_each(warnings) AS w WHERE w.value ->> '$.rule' = @rule))`;
    this.pageStatement = db.prepare(`SELECT * FROM _sluice_warnings WHERE ${where} ORDER BY import_id, row_number LIMIT @limit OFFSET @offset`);
    this.countStatement = db.prepare(`SELECT count(*) AS n FROM _sluice_warnings WHERE ${where}`);
    this.summaryStatement = db.prepare(`
      WITH each AS (
        SELECT w.value ->> '$.rule' AS rule, w.value ->> '$.field' AS field, s.row_number,
          row_number() OVER (PARTITION BY w.value ->> '$.rule', w.value ->> '$.field' ORDER BY s.import_id, s.row_number) AS nth
        FROM _sluice_warnings AS s, json_each(s.warnings) AS w
        WHERE (@importId IS NULL OR s.import_id = @importId)
      )
      SELECT rule, field, count(*) AS count,
        json_group_array(row_number) FILTER (WHERE nth <= ${EXAMPLE_ROWS}) AS examples
      FROM each GROUP BY rule, field ORDER BY count DESC, rule`);
    this.schemasStatement = db.prepare(
      `SELECT schema FROM _sluice_imports WHERE schema IS NOT NULL AND (@importId IS NULL OR id = @importId) ORDER BY id`,
    );
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
      count: number;
      examples: string;
    }[];
    const messages = this.ruleMessages(importId);
    return rows.map((row) => ({
      rule: row.rule,
      field: row.field,
      message: messages.get(row.rule) ?? '',
      count: row.count,
      exampleRows: JSON.parse(row.examples) as number[],
    }));
  }

  /** Row rules' messages as written in the rule files (later imports win), the way a failure message starts. */
  private ruleMessages(importId?: number): Map<string, string> {
    const messages = new Map<string, string>();
    for (const { schema } of this.schemasStatement.all({ importId: importId ?? null }) as { schema: string }[]) {
      const rules = (JSON.parse(schema) as { 'sluice:rowRules'?: { name?: unknown; expr?: unknown; message?: unknown }[] })['sluice:rowRules'] ?? [];
      for (const rule of rules) {
        if (typeof rule.name !== 'string') continue;
        messages.set(rule.name, typeof rule.message === 'string' ? rule.message : `row rule "${rule.name}" failed: ${String(rule.expr)}`);
      }
    }
    return messages;
  }
}
