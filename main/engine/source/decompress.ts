import fs from 'node:fs';
import zlib from 'node:zlib';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SluiceError } from '../errors.js';
import { detectCompression, type Compression } from './not-text.js';

async function decompressor(compression: Compression | null, displayName: string): Promise<Transform | null> {
  if (compression === 'gzip') return zlib.createGunzip();
  // Loaded for zip files only: fflate builds its tables when loaded (~13 ms of the import thread's start-up).
  if (compression === 'zip') return new (await import('./unzip-one-member.js')).UnzipOneMember(displayName);
  return null;
}

/**
 * Writes a stream of source bytes into `outPath`, decompressing gzip or zip
 * (recognised by their magic bytes in the first chunk) as they arrive. Only a
 * chunk at a time is in memory. Returns the compression found.
 */
export async function spoolStream(
  input: AsyncIterable<Uint8Array>,
  outPath: string,
  options: { displayName: string; signal: AbortSignal; onBytes?: (transferred: number) => void },
): Promise<Compression | null> {
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? new Uint8Array(0) : first.value;
  const compression = detectCompression(head);
  let transferred = 0;
  async function* source(): AsyncGenerator<Uint8Array> {
    for (let next: IteratorResult<Uint8Array> = first; !next.done; next = await iterator.next()) {
      transferred += next.value.length;
      options.onBytes?.(transferred);
      yield next.value;
    }
  }
  const stages = [Readable.from(source()), await decompressor(compression, options.displayName), fs.createWriteStream(outPath)].filter(
    (stage): stage is NonNullable<typeof stage> => stage !== null,
  );
  try {
    await pipeline(stages as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream], { signal: options.signal });
  } catch (error) {
    if (options.signal.aborted) throw new SluiceError('CANCELLED', `Cancelled while reading ${options.displayName}.`);
    if (error instanceof SluiceError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_')) {
      throw new SluiceError('NOT_TEXT', `${options.displayName} is not a readable gzip file (${(error as Error).message}).`, { cause: error });
    }
    throw error;
  }
  return compression;
}

/** Decompresses a local file (gzip or zip) into the spool. */
export async function decompressFile(filePath: string, outPath: string, displayName: string, signal: AbortSignal): Promise<void> {
  await spoolStream(fs.createReadStream(filePath), outPath, { displayName, signal });
}
