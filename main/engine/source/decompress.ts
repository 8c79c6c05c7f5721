import fs from 'node:fs';
import zlib from 'node:zlib';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { SluiceError } from '../errors.js';
import { detectCompression, type Compression } from './not-text.js';

/** Entries a zip may hold besides its one data file: folders and macOS/Windows metadata. */
function isMetadataEntry(name: string): boolean {
  return name.endsWith('/') || name.startsWith('__MACOSX/') || /(^|\/)\.[^/]*$/.test(name) || /(^|\/)(Thumbs\.db|desktop\.ini)$/i.test(name);
}

/**
 * Streams the one data member out of a zip (fflate's streaming Unzip, so the
 * archive is never held whole). A second data member is refused: which of
 * them to import is the user's choice.
 */
class UnzipOneMember extends Transform {
  private readonly unzip = new Unzip();
  private member: string | null = null;
  private failure: Error | null = null;
  private memberDone = false;

  constructor(private readonly displayName: string) {
    super();
    this.unzip.register(UnzipInflate);
    this.unzip.onfile = (file: UnzipFile) => {
      if (isMetadataEntry(file.name)) return;
      if (this.member !== null) {
        this.failure = new SluiceError(
          'NOT_TEXT',
          `${displayName} holds more than one data file (${this.member}, ${file.name}, …); Sluice imports a zip with exactly one. Extract the one you want and import it.`,
        );
        return;
      }
      this.member = file.name;
      file.ondata = (error, data, final) => {
        if (error) this.failure = new SluiceError('NOT_TEXT', `${displayName}: the zip member ${file.name} cannot be read (${error.message}).`);
        else if (data.length > 0) this.push(data);
        if (final) this.memberDone = true;
      };
      try {
        file.start();
      } catch (error) {
        this.failure = new SluiceError('NOT_TEXT', `${displayName}: ${file.name} uses a compression Sluice cannot read (${(error as Error).message}).`);
      }
    };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.unzip.push(chunk, false);
    } catch (error) {
      callback(new SluiceError('NOT_TEXT', `${this.displayName} is not a readable zip archive (${(error as Error).message}).`));
      return;
    }
    callback(this.failure);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.unzip.push(new Uint8Array(0), true);
    } catch (error) {
      callback(new SluiceError('NOT_TEXT', `${this.displayName} is not a readable zip archive (${(error as Error).message}).`));
      return;
    }
    if (this.failure) callback(this.failure);
    else if (this.member === null) callback(new SluiceError('NOT_TEXT', `${this.displayName} is a zip archive with no data file in it.`));
    else if (!this.memberDone) callback(new SluiceError('NOT_TEXT', `${this.displayName}: the zip archive ends before ${this.member} does (truncated).`));
    else callback();
  }
}

function decompressor(compression: Compression | null, displayName: string): Transform | null {
  if (compression === 'gzip') return zlib.createGunzip();
  if (compression === 'zip') return new UnzipOneMember(displayName);
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
  const stages = [Readable.from(source()), decompressor(compression, options.displayName), fs.createWriteStream(outPath)].filter(
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
