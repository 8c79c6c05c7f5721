import fs from 'node:fs';
import type { ChunkResult } from '../parse/chunk-types.js';
import { VALID_META_STRIDE } from '../parse/chunk-types.js';
import { ChunkResultBuilder } from '../parse/chunk-result-builder.js';
import { WorkerFailure, type WorkerPool } from '../pool/worker-pool.js';
import type { SourceChunk } from '../source/chunk-reader.js';
import { countOccurrences, splitRecordBytes, stripTerminator } from '../parse/chunk-text.js';
import { type Decoder, createDecoder } from '../source/encoding.js';
import type { Dialect } from '../types.js';

/** Where a chunk sits in the source; kept so a failed batch can be read again. */
export interface ChunkPlace {
  seq: number;
  startOffset: number;
  byteLength: number;
}

/**
 * Runs chunks on the pool with the poison-row policy: a batch whose worker
 * crashes, hangs or throws is retried once on a fresh worker; if it fails
 * again its records are processed one by one, so only the record that
 * kills a worker is quarantined.
 */
export class ChunkRunner {
  private readonly decoder: Decoder;

  constructor(
    private readonly pool: WorkerPool,
    private readonly dialect: Dialect,
    private readonly fd: number,
    private readonly width: number,
    private readonly onWorkerFailure: (failure: WorkerFailure) => void,
  ) {
    this.decoder = createDecoder(dialect.encoding);
  }

  place(chunk: SourceChunk): ChunkPlace {
    const byteLength = chunk.kind === 'records' ? chunk.bytes.byteLength : chunk.byteLength;
    return { seq: chunk.seq, startOffset: chunk.startOffset, byteLength };
  }

  async run(chunk: SourceChunk): Promise<ChunkResult> {
    if (chunk.kind === 'oversized') return this.oversized(chunk);
    const place = this.place(chunk);
    try {
      return await this.pool.run({ seq: chunk.seq, startOffset: chunk.startOffset, bytes: chunk.bytes });
    } catch (error) {
      if (!(error instanceof WorkerFailure)) throw error;
      this.onWorkerFailure(error);
    }
    try {
      return await this.pool.run({ seq: place.seq, startOffset: place.startOffset, bytes: this.reread(place) });
    } catch (error) {
      if (!(error instanceof WorkerFailure)) throw error;
      this.onWorkerFailure(error);
    }
    return this.oneByOne(place);
  }

  private reread(place: ChunkPlace): Uint8Array {
    const bytes = new Uint8Array(place.byteLength);
    let done = 0;
    while (done < bytes.length) {
      const read = fs.readSync(this.fd, bytes, done, bytes.length - done, place.startOffset + done);
      if (read === 0) break;
      done += read;
    }
    return bytes.subarray(0, done);
  }

  private async oneByOne(place: ChunkPlace): Promise<ChunkResult> {
    const bytes = this.reread(place);
    const builder = new ChunkResultBuilder({ seq: place.seq, startOffset: place.startOffset, bytes }, this.width);
    const values: unknown[] = [];
    const meta: number[] = [];
    let lineBreaks = 0;
    const merged: ChunkResult = builder.finish(0);
    for (const record of splitRecordBytes(bytes, this.dialect)) {
      const recordBytes = bytes.slice(record.start, record.end);
      const text = this.decoder.decode(recordBytes);
      const breaks = countOccurrences(text, this.dialect.newline === '\r' ? '\r' : '\n');
      const base = merged.records;
      try {
        const one = await this.pool.run({ seq: place.seq, startOffset: place.startOffset + record.start, bytes: recordBytes, direct: true });
        for (let i = 0; i < one.validMeta.length; i += VALID_META_STRIDE) {
          meta.push(base + one.validMeta[i]!, lineBreaks + one.validMeta[i + 1]!, record.start + one.validMeta[i + 2]!, one.validMeta[i + 3]!);
        }
        values.push(...one.values);
        for (const rejected of one.rejected) {
          merged.rejected.push({
            ...rejected,
            recordIndex: base + rejected.recordIndex,
            lineOffset: lineBreaks + rejected.lineOffset,
            byteOffset: record.start + rejected.byteOffset,
          });
        }
        for (const warned of one.warned) {
          merged.warned.push({ ...warned, recordIndex: base + warned.recordIndex, lineOffset: lineBreaks + warned.lineOffset });
        }
        merged.records += one.records;
        merged.blankLines += one.blankLines;
        if (one.keptAsText) merged.keptAsText = one.keptAsText.map((count, i) => count + (merged.keptAsText?.[i] ?? 0));
      } catch (error) {
        if (!(error instanceof WorkerFailure)) throw error;
        this.onWorkerFailure(error);
        merged.rejected.push({
          recordIndex: base,
          lineOffset: lineBreaks,
          byteOffset: record.start,
          raw: stripTerminator(text),
          errors: [{ field: null, rule: 'worker', message: `processing this row failed twice (${error.reason}); it was set aside` }],
        });
        merged.records += 1;
      }
      lineBreaks += breaks;
    }
    merged.values = values as ChunkResult['values'];
    merged.validMeta = Float64Array.from(meta);
    merged.lineBreaks = lineBreaks;
    return merged;
  }

  private oversized(chunk: Extract<SourceChunk, { kind: 'oversized' }>): ChunkResult {
    const builder = new ChunkResultBuilder({ seq: chunk.seq, startOffset: chunk.startOffset, bytes: new Uint8Array(0) }, this.width);
    builder.reject(0, 0, `${this.decoder.decode(chunk.prefix)}…`, [
      {
        field: null,
        rule: 'record-size',
        message: `the record is ${chunk.byteLength} bytes long, over the limit; it was not loaded (only its start is kept here)`,
      },
    ]);
    const result = builder.finish(chunk.lineBreaks);
    result.byteLength = chunk.byteLength;
    return result;
  }
}
