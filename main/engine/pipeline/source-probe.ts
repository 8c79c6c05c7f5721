/** Quick looks at a source file before its import starts: how wide its records are, whether it holds anything. */
import fs from 'node:fs';
import { openSource } from '../source/open-source.js';
import { MAX_CHUNK_BYTES, MIN_CHUNK_BYTES } from './import-options.js';

/** How much of the file the record width is averaged over. */
const SAMPLE_BYTES = 256 * 1024;

/** Converts a batch size in rows into bytes using the sample's average record width. */
export async function chunkBytesFor(sourcePath: string, dataStart: number, batchRows: number): Promise<number> {
  const handle = await openSource(sourcePath);
  try {
    const sample = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(sample, 0, SAMPLE_BYTES, dataStart);
    let lines = 0;
    for (let i = sample.indexOf(0x0a); i !== -1 && i < bytesRead; i = sample.indexOf(0x0a, i + 1)) lines++;
    const averageRowBytes = lines > 0 ? bytesRead / lines : Math.max(bytesRead, 100);
    return Math.round(Math.min(MAX_CHUNK_BYTES, Math.max(MIN_CHUNK_BYTES, batchRows * averageRowBytes)));
  } finally {
    await handle.close();
  }
}

/** Whether anything but spaces, tabs, newlines (and the NUL halves of UTF-16 ones) follows `offset`. */
export async function holdsMoreThanBlanks(filePath: string, offset: number): Promise<boolean> {
  const blank = new Set([0x00, 0x09, 0x0a, 0x0d, 0x20]);
  for await (const block of fs.createReadStream(filePath, { start: offset })) {
    for (const byte of block as Buffer) if (!blank.has(byte)) return true;
  }
  return false;
}
