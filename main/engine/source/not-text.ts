import path from 'node:path';
import { SluiceError } from '../errors.js';
import { openSource } from './open-source.js';

export type Compression = 'gzip' | 'zip';

const SAMPLE_BYTES = 64 * 1024;

/** Magic numbers of formats that are never CSV/JSONL, with the name the user knows them by. */
const BINARY_MAGIC: readonly { bytes: readonly number[]; name: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], name: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], name: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], name: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], name: 'a GIF image' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0x20, 0x33, 0x00], name: 'an SQLite database' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], name: 'a program (ELF)' },
  { bytes: [0x4d, 0x5a], name: 'a Windows program' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], name: 'an old Microsoft Office document' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], name: 'a 7-Zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], name: 'a RAR archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'an xz-compressed file' },
  { bytes: [0x42, 0x5a, 0x68], name: 'a bzip2-compressed file' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], name: 'a zstd-compressed file' },
  { bytes: [0x50, 0x41, 0x52, 0x31], name: 'a Parquet file' },
];

function startsWith(sample: Uint8Array, bytes: readonly number[]): boolean {
  return sample.length >= bytes.length && bytes.every((byte, i) => sample[i] === byte);
}

/** gzip and zip by their magic bytes, whatever the file is called. */
export function detectCompression(head: Uint8Array): Compression | null {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  return null;
}

/**
 * Why a sample is not text, or null when it may be CSV/JSONL: a known binary
 * magic number, or NUL bytes (which no UTF-8 or windows-1252 text contains).
 * UTF-16 has NULs in every other byte for ASCII text, so a sample with a
 * UTF-16 byte-order mark, or whose NULs all fall on one parity, is text.
 */
export function notTextReason(sample: Uint8Array, options: { compressedIsText?: boolean } = {}): string | null {
  const compression = detectCompression(sample);
  if (compression && !options.compressedIsText) return compression === 'gzip' ? 'a gzip-compressed file' : 'a zip archive';
  for (const magic of BINARY_MAGIC) if (startsWith(sample, magic.bytes)) return magic.name;
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) return null;
  let even = 0;
  let odd = 0;
  for (let i = sample.indexOf(0); i !== -1; i = sample.indexOf(0, i + 1)) {
    if (i % 2 === 0) even++;
    else odd++;
  }
  if (even + odd === 0) return null;
  // UTF-16 without a BOM: NULs (the high bytes of ASCII and Latin-1) almost all on one side, in a good share
  // of the bytes. A few land on the other side: a code unit such as U+DE00 (in emoji surrogate pairs) or U+4E00.
  const oneSided = Math.min(even, odd) * 10 <= Math.max(even, odd);
  if (oneSided && (even + odd) * 4 >= sample.length) return null;
  return 'binary data (it contains NUL bytes)';
}

/**
 * The one engine check that a file is text Sluice can read, used by the CLI
 * import (before any table is created) and by the app when a file is opened.
 * `compressedIsText` lets callers that decompress (the CLI) pass gzip/zip.
 */
export async function assertTextFile(filePath: string, options: { compressedIsText?: boolean; displayName?: string } = {}): Promise<void> {
  const handle = await openSource(filePath);
  let sample: Uint8Array;
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    sample = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const reason = notTextReason(sample, options);
  if (reason) {
    const name = options.displayName ?? path.basename(filePath);
    const hint = reason.includes('compressed') || reason.includes('zip')
      ? ' Import it with the command line (sluice import), which decompresses gzip and zip files.'
      : ' Sluice reads CSV and JSONL text files.';
    throw new SluiceError('NOT_TEXT', `${name} is not a text file: it looks like ${reason}.${hint}`);
  }
}

/** The first bytes of a file (for compression detection). */
export async function readHead(filePath: string, length = 8): Promise<Uint8Array> {
  const handle = await openSource(filePath);
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
