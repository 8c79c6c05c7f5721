import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import { SluiceError } from '../errors.js';

/** Where an export's text goes: a file (through a temporary file, gzip-compressed for .gz) or standard output. */
export interface ExportSink {
  /** What the text is written to (the gzip stream for a .gz file). */
  stream: Writable;
  /** Ends the output and, for a file, renames the temporary file onto the target. Returns the bytes written. */
  commit(): Promise<{ path: string; bytesWritten: number }>;
  /** Drops a half-written file. */
  abort(): void;
}

export const STDOUT_TARGET = '-';

export function isGzipTarget(outPath: string): boolean {
  return /\.gz$/i.test(outPath);
}

/** The export format from the target's name, looking past a .gz suffix. */
export function namedExtension(outPath: string): string {
  return path.extname(outPath.replace(/\.gz$/i, '')).toLowerCase();
}

/** The cause in words a user acts on: which folder refused, and why. */
export function whyNotWritable(code: string | undefined, folder: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied (you cannot create files in the folder ${folder})`;
    case 'EROFS':
      return `the folder ${folder} is on a read-only disk`;
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'ENOENT':
      return `the folder ${folder} does not exist`;
    default:
      return code ?? 'error';
  }
}

export async function openExportSink(outPath: string, output: Writable = process.stdout): Promise<ExportSink> {
  if (outPath === STDOUT_TARGET) {
    // Counted on the way through; standard output stays open for the rest of the command.
    let bytes = 0;
    const counter = new PassThrough();
    counter.on('data', (chunk: Buffer) => (bytes += chunk.length));
    counter.pipe(output, { end: false });
    return {
      stream: counter,
      async commit() {
        counter.end();
        await once(counter, 'end');
        return { path: STDOUT_TARGET, bytesWritten: bytes };
      },
      abort: () => counter.destroy(),
    };
  }
  const target = path.resolve(outPath);
  const temporary = `${target}.sluice-partial-${process.pid}`;
  let file: fs.WriteStream;
  try {
    file = fs.createWriteStream(temporary, { flags: 'wx' });
    await once(file, 'open');
  } catch (error) {
    throw new SluiceError('FILE_UNREADABLE', `Cannot write ${outPath}: ${whyNotWritable((error as NodeJS.ErrnoException).code, path.dirname(target))}.`, { cause: error });
  }
  const gzip = isGzipTarget(outPath) ? zlib.createGzip() : null;
  if (gzip) gzip.pipe(file);
  const stream = gzip ?? file;
  return {
    stream,
    async commit() {
      stream.end();
      await once(file, 'finish');
      fs.renameSync(temporary, target);
      return { path: target, bytesWritten: fs.statSync(target).size };
    },
    abort() {
      gzip?.destroy();
      file.destroy();
      fs.rmSync(temporary, { force: true });
    },
  };
}
