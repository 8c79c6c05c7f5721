import type fs from 'node:fs/promises';
import type { Dialect } from '../types.js';
import { unitBytesOf } from './encoding.js';
import { bufferView } from './buffer-view.js';
import { CsvBoundaryScanner, scanLineBoundaries } from './record-boundary.js';

/** A run of whole records, or one record too large to process (reported, never buffered). */
export type SourceChunk =
  | { kind: 'records'; seq: number; startOffset: number; bytes: Uint8Array }
  | { kind: 'oversized'; seq: number; startOffset: number; byteLength: number; lineBreaks: number; prefix: Uint8Array };

export interface ChunkReaderOptions {
  startOffset: number;
  /** Target chunk size; a chunk ends at the last record boundary after it. */
  chunkBytes: number;
  /** A record longer than this is quarantined as oversized instead of being held in memory. */
  maxRecordBytes: number;
  signal?: AbortSignal;
}

const OVERSIZED_PREFIX_BYTES = 1024;

/**
 * Streams a source file as chunks of whole records, starting at a record
 * boundary (the data start, or a checkpoint). Never holds more than one chunk
 * plus one partial record; the consumer pulls, so a slow consumer pauses reading.
 */
export async function* readChunks(
  handle: fs.FileHandle,
  dialect: Dialect,
  options: ChunkReaderOptions,
): AsyncGenerator<SourceChunk> {
  const unitBytes = unitBytesOf(dialect.encoding);
  const scanner = dialect.format === 'csv' ? CsvBoundaryScanner.forDialect(dialect) : null;
  const lineMark = dialect.newline === '\r' ? 0x0d : 0x0a;
  const findLastBoundary = (bytes: Uint8Array, from: number, to: number): number => {
    if (scanner) return scanner.scanForLast(bytes, from, to);
    if (unitBytes === 2) {
      let last = -1;
      scanLineBoundaries(bytes, from, to, (offset) => { last = offset; }, 2, bigEndian);
      return last;
    }
    const at = bufferView(bytes).lastIndexOf(0x0a, to - 1);
    return at >= from ? at + 1 : -1;
  };
  const bigEndian = dialect.encoding === 'utf-16be';
  const findBoundaries = (bytes: Uint8Array, from: number, to: number, onBoundary: (offset: number) => void) => {
    if (scanner) scanner.scan(bytes, from, to, onBoundary);
    else scanLineBoundaries(bytes, from, to, onBoundary, unitBytes, bigEndian);
  };

  let seq = 0;
  let pending: Uint8Array = new Uint8Array(0);
  let pendingStart = options.startOffset;
  let filePosition = options.startOffset;
  // Set while skipping the rest of an oversized record.
  let skipping: { startOffset: number; lineBreaks: number; prefix: Uint8Array } | null = null;

  for (;;) {
    options.signal?.throwIfAborted();
    // Growing the read with the pending record keeps a long record from being copied quadratically.
    const readSize = Math.max(options.chunkBytes, pending.length);
    // The pending partial record goes in front of the read, so the chunk is handed on without another copy.
    // Uninitialised memory: only bytes that were read or copied in are ever looked at.
    const block = new Uint8Array(Buffer.allocUnsafeSlow(pending.length + readSize).buffer, 0, pending.length + readSize);
    block.set(pending, 0);
    const { bytesRead } = await handle.read(block, pending.length, readSize, filePosition);
    if (bytesRead === 0) break;
    filePosition += bytesRead;
    const usable = bytesRead - (bytesRead % unitBytes === 0 ? 0 : bytesRead % unitBytes);
    const fresh = block.subarray(pending.length, pending.length + usable);
    if (usable < bytesRead) filePosition -= bytesRead - usable;

    if (skipping) {
      let end = -1;
      findBoundaries(fresh, 0, fresh.length, (offset) => {
        if (end === -1) end = offset;
      });
      const scanned = end === -1 ? fresh : fresh.subarray(0, end);
      skipping.lineBreaks += countByte(scanned, lineMark);
      if (end === -1) continue;
      const recordEnd = filePosition - fresh.length + end;
      yield {
        kind: 'oversized',
        seq: seq++,
        startOffset: skipping.startOffset,
        byteLength: recordEnd - skipping.startOffset,
        lineBreaks: skipping.lineBreaks,
        prefix: skipping.prefix,
      };
      skipping = null;
      // Re-scan the rest of this block as ordinary records.
      pending = new Uint8Array(0);
      pendingStart = recordEnd;
      filePosition = recordEnd;
      scanner?.reset();
      continue;
    }

    const combined = block.subarray(0, pending.length + usable);
    const lastBoundary = findLastBoundary(combined, pending.length, combined.length);
    if (lastBoundary > 0) {
      const chunk: SourceChunk = { kind: 'records', seq: seq++, startOffset: pendingStart, bytes: combined.subarray(0, lastBoundary) };
      // Copied out before the yield: the consumer transfers the block's memory to a worker.
      pending = combined.slice(lastBoundary);
      pendingStart += lastBoundary;
      yield chunk;
    } else if (combined.length > options.maxRecordBytes) {
      skipping = {
        startOffset: pendingStart,
        lineBreaks: countByte(combined, lineMark),
        prefix: combined.slice(0, OVERSIZED_PREFIX_BYTES),
      };
      pending = new Uint8Array(0);
    } else {
      pending = combined;
    }
  }
  if (skipping) {
    yield {
      kind: 'oversized',
      seq: seq++,
      startOffset: skipping.startOffset,
      byteLength: filePosition - skipping.startOffset,
      lineBreaks: skipping.lineBreaks,
      prefix: skipping.prefix,
    };
  } else if (pending.length > 0) {
    yield { kind: 'records', seq: seq++, startOffset: pendingStart, bytes: pending };
  }
}

function countByte(bytes: Uint8Array, byte: number): number {
  let count = 0;
  for (let i = bytes.indexOf(byte); i !== -1; i = bytes.indexOf(byte, i + 1)) count++;
  return count;
}
