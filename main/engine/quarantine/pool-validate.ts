import type { SqlValue } from '../rules/contract.js';
import { VALID_META_STRIDE } from '../parse/chunk-types.js';
import { WorkerPool, type WorkerPoolOptions } from '../pool/worker-pool.js';
import type { ImportRecord } from '../store/import-records.js';
import type { AbsentKeys } from '../store/absent-keys.js';
import type { RowFailure } from '../types.js';
import { chunkWorkerEntry } from '../thread-entry.js';

export type Checked = { values: SqlValue[] } | { errors: RowFailure[] };

/** Rows per pool job: big enough to amortise a job's round trip, small enough to spread over the workers. */
const ROWS_PER_JOB = 2000;
const POOL_DEFAULTS = { chunkTimeoutMs: 60_000, maxHeapMb: 512 };

/**
 * Checks quarantined rows' text with rules in the import's worker pool: the
 * rows are laid end to end as a chunk of the source (in UTF-8, the import's
 * dialect otherwise) and go through the same chunk code an import uses, so a
 * row passes or fails exactly as it would on import. Returns, per row, its
 * output values or its reasons; null for a batch whose text did not split
 * back into the same records (the caller checks those rows one by one).
 */
export async function checkInPool(
  raws: readonly string[],
  record: ImportRecord,
  ruleFile: unknown,
  workers: number,
  absentKeys: AbsentKeys = null,
): Promise<(Checked | null)[]> {
  const options: WorkerPoolOptions = { size: Math.max(1, workers), ...POOL_DEFAULTS, workerUrl: chunkWorkerEntry() };
  const pool = await WorkerPool.start(
    {
      dialect: { ...record.layout.dialect, encoding: 'utf-8', bomBytes: 0 },
      sourceColumns: record.layout.columns,
      // As the import and the in-thread check (RowFixer) read them: typed without loss, keys under their written names.
      columnTypes: record.layout.columnTypes ?? null,
      sourceKeys: record.layout.dialect.format === 'jsonl' ? (record.layout.rawHeader ?? null) : null,
      ruleFile,
      keyOverride: record.options.key,
      redact: record.options.redact,
      absentKeys,
    },
    options,
  );
  try {
    const terminator = record.layout.dialect.format === 'csv' ? record.layout.dialect.newline : '\n';
    const jobs: Promise<(Checked | null)[]>[] = [];
    for (let start = 0, seq = 0; start < raws.length; start += ROWS_PER_JOB, seq++) {
      const batch = raws.slice(start, start + ROWS_PER_JOB);
      const bytes = Buffer.from(batch.map((raw) => raw + terminator).join(''), 'utf8');
      jobs.push(
        pool.run({ seq, startOffset: 0, bytes }).then((result) => {
          if (result.records !== batch.length) return batch.map(() => null);
          const checked: (Checked | null)[] = batch.map(() => null);
          for (let i = 0; i * VALID_META_STRIDE < result.validMeta.length; i++) {
            checked[result.validMeta[i * VALID_META_STRIDE]!] = { values: result.values.slice(i * result.width, (i + 1) * result.width) };
          }
          for (const rejected of result.rejected) checked[rejected.recordIndex] = { errors: rejected.errors };
          return checked;
        }),
      );
    }
    return (await Promise.all(jobs)).flat();
  } finally {
    await pool.close();
  }
}
