import type { WorkerConfig } from '../parse/chunk-types.js';
import type { ImportRecord } from '../store/import-records.js';

/**
 * What every chunk worker of an import is told before its first chunk, taken from the import's stored record,
 * so that a resumed run parses and validates exactly as the first run did.
 */
export function workerConfigFor(record: ImportRecord): WorkerConfig {
  return {
    dialect: record.layout.dialect,
    sourceColumns: record.layout.columns,
    columnTypes: record.layout.columnTypes ?? null,
    sourceKeys: record.layout.dialect.format === 'jsonl' ? record.layout.rawHeader : null,
    ruleFile: record.schema,
    keyOverride: record.options.key,
    redact: record.options.redact,
  };
}
