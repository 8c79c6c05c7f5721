import type fs from 'node:fs';
import { SluiceError } from '../errors.js';
import { describeFingerprintChange, fingerprintSource } from '../source/fingerprint.js';
import type { FailurePolicy } from '../types.js';
import type { ImportOptions } from './import-options.js';
import type { BatchCommitter } from './batch-committer.js';

/** The bytes a resumed import already committed, read again to carry on its content hash. */
export async function readPrefix(handle: fs.promises.FileHandle, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  let at = 0;
  while (at < length) {
    const { bytesRead } = await handle.read(bytes, at, length - at, at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return bytes.subarray(0, at);
}

/** End-of-import checks: every record accounted for, and the source unchanged while it was read. */
export async function checkFinished(
  sourcePath: string,
  before: { size: number; mtimeMs: number; hash: string },
  committer: BatchCommitter,
): Promise<SluiceError | null> {
  const counters = committer.counters;
  const accounted = counters.rowsInserted + counters.rowsUpdated + (counters.rowsUnchanged ?? 0) + counters.rowsQuarantined;
  if (accounted !== counters.rowsRead) {
    return new SluiceError(
      'INTERNAL',
      `Row accounting failed: ${counters.rowsRead} rows read but ${accounted} inserted, updated, unchanged or quarantined. Please report this.`,
    );
  }
  const now = await fingerprintSource(sourcePath).catch(() => null);
  const change = now ? describeFingerprintChange(before, now) : 'it was deleted or became unreadable';
  if (change) {
    return new SluiceError('SOURCE_CHANGED', `${sourcePath} changed while it was being imported (${change}); import it again with --restart.`);
  }
  return null;
}

/** The failure policy in force: the one asked for, else the one stored with the import (a resume keeps it). */
export function failurePolicyOf(options: ImportOptions, record: { options: { failure?: FailurePolicy | undefined } }): FailurePolicy {
  return options.failure ?? record.options.failure ?? { mode: 'soft', maxErrors: null };
}
