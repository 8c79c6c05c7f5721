/**
 * An import without worker threads, for property tests that run a thousand
 * files: the real planImport (sniffing, typing, stored schema, table), the
 * real ChunkProcessor on the whole file as one chunk, the real TableWriter.
 * Only the pool and the batch committer (covered by the CLI tests) are left out.
 */
import fs from 'node:fs';
import { ChunkProcessor } from '../../main/engine/parse/chunk-processor.js';
import type { ChunkResult } from '../../main/engine/parse/chunk-types.js';
import { planImport } from '../../main/engine/pipeline/plan-import.js';
import type { Store } from '../../main/engine/store/store.js';
import { TableWriter } from '../../main/engine/store/table-writer.js';

export async function importInProcess(store: Store, sourcePath: string, table: string): Promise<ChunkResult> {
  const plan = await planImport({ sourcePath, dbPath: store.path, table }, store);
  const { layout } = plan.record;
  const processor = new ChunkProcessor({
    dialect: layout.dialect,
    sourceColumns: layout.columns,
    columnTypes: layout.columnTypes ?? null,
    sourceKeys: layout.dialect.format === 'jsonl' ? layout.rawHeader : null,
    ruleFile: plan.record.schema,
    keyOverride: null,
    redact: false,
    absentKeys: plan.absentKeys,
  });
  const bytes = fs.readFileSync(sourcePath).subarray(layout.dataStartOffset);
  const result = processor.process({ seq: 0, startOffset: layout.dataStartOffset, bytes: new Uint8Array(bytes) });
  if (result.width > 0) {
    const writer = new TableWriter(store.db, plan.writerSpec, { importId: plan.record.id });
    store.db.transaction(() => writer.write(result.values, result.values.length / result.width))();
  }
  store.imports.setStatus(plan.record.id, 'completed');
  return result;
}
