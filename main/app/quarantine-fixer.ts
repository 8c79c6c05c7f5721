import Papa from 'papaparse';
import { compileRules, parseRuleFile } from '../engine/rules/index.js';
import type { SqlValue } from '../engine/rules/contract.js';
import type { ImportRecord } from '../engine/store/import-records.js';
import type { Store } from '../engine/store/store.js';
import { TableWriter } from '../engine/store/table-writer.js';
import type { RowFailure } from '../engine/types.js';
import { AppFailure } from './app-failure.js';
import type { RetryOutcome } from './contract.js';

/**
 * Fixing quarantined rows: re-parse the (edited) raw text with the import's
 * dialect, validate it with the import's own rules, and on success write it to
 * the table and mark the quarantine entry fixed, in one transaction.
 * Built from the engine's public pieces until main/engine/quarantine/retry.ts lands.
 */
export function quarantineFixer(store: Store): {
  retry(id: number, raw: string): Promise<RetryOutcome>;
  revalidate(importId: number): Promise<{ fixed: number; stillFailing: number }>;
} {
  function prepare(record: ImportRecord) {
    const rules = compileRules(record.schema === null ? null : parseRuleFile(record.schema), {
      sourceColumns: record.layout.columns,
      redact: record.options.redact,
      sourceKind: record.options.format,
      ...(record.options.key ? { keyOverride: record.options.key } : {}),
    });
    const writer = new TableWriter(store.db, { table: record.table, columns: rules.columns, key: rules.primaryKey, uniqueKeys: rules.uniqueKeys });
    return { rules, writer };
  }

  function valuesOf(record: ImportRecord, raw: string): unknown[] | RowFailure {
    const columns = record.layout.columns;
    if (record.options.format === 'jsonl') {
      try {
        const value: unknown = JSON.parse(raw);
        if (!value || typeof value !== 'object' || Array.isArray(value)) return { field: null, rule: 'json', message: 'a JSONL row must be a JSON object' };
        return columns.map((column) => (value as Record<string, unknown>)[column]);
      } catch (error) {
        return { field: null, rule: 'json', message: `not valid JSON: ${(error as Error).message}` };
      }
    }
    const { dialect } = record.layout;
    const parsed = Papa.parse<string[]>(raw, { delimiter: dialect.delimiter, quoteChar: dialect.quoteChar, escapeChar: dialect.quoteChar, newline: dialect.newline });
    const fields = parsed.data[0] ?? [];
    if (parsed.data.length !== 1 || fields.length !== columns.length) {
      return { field: null, rule: 'row-shape', message: `expected ${columns.length} fields, found ${parsed.data.length === 1 ? fields.length : `${parsed.data.length} records`}` };
    }
    return fields;
  }

  function retryOne(id: number, raw: string, prepared: Map<number, ReturnType<typeof prepare>>): RetryOutcome {
    const row = store.quarantine.get(id);
    if (!row) throw new AppFailure('BAD_REQUEST', `There is no quarantined row #${id}.`);
    if (row.status !== 'open') throw new AppFailure('USAGE', `Row ${row.rowNumber} is already ${row.status}.`);
    const record = store.imports.get(row.importId);
    if (!record) throw new AppFailure('IMPORT_NOT_FOUND', `Import #${row.importId} is gone.`);
    let tools = prepared.get(record.id);
    if (!tools) prepared.set(record.id, (tools = prepare(record)));
    const values = valuesOf(record, raw);
    const fail = (errors: RowFailure[]): RetryOutcome => {
      store.quarantine.update(id, raw, errors);
      return { fixed: false, errors };
    };
    if (!Array.isArray(values)) return fail([values]);
    const out: SqlValue[] = new Array<SqlValue>(tools.rules.columns.length).fill(null);
    const outcome = tools.rules.validate(values, out);
    if (outcome?.errors) return fail(outcome.errors);
    const { writer } = tools;
    return store.db.transaction((): RetryOutcome => {
      const written = writer.write(out, 1);
      const refused = written.refused[0];
      if (refused) return fail(refused.errors);
      store.quarantine.update(id, raw, row.errors);
      store.quarantine.setStatus(id, 'fixed');
      return { fixed: true };
    }).immediate();
  }

  return {
    retry: async (id, raw) => retryOne(id, raw, new Map()),
    revalidate: async (importId) => {
      const prepared = new Map<number, ReturnType<typeof prepare>>();
      const open = [...store.quarantine.iterate(importId)].filter((row) => row.status === 'open');
      let fixed = 0;
      for (const row of open) if (retryOne(row.id, row.raw, prepared).fixed) fixed += 1;
      return { fixed, stillFailing: open.length - fixed };
    },
  };
}
