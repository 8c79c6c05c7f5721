import { createHash } from 'node:crypto';
import { openSource } from './open-source.js';

export interface SourceFingerprint {
  size: number;
  mtimeMs: number;
  /** SHA-256 of the first and last 64 KiB: cheap, yet catches edits at either end. */
  hash: string;
}

const EDGE_BYTES = 64 * 1024;

export async function fingerprintSource(filePath: string): Promise<SourceFingerprint> {
  const handle = await openSource(filePath);
  try {
    const stat = await handle.stat();
    const hash = createHash('sha256');
    const head = Buffer.alloc(Math.min(EDGE_BYTES, stat.size));
    await handle.read(head, 0, head.length, 0);
    hash.update(head);
    if (stat.size > EDGE_BYTES) {
      const tail = Buffer.alloc(Math.min(EDGE_BYTES, stat.size - EDGE_BYTES));
      await handle.read(tail, 0, tail.length, stat.size - tail.length);
      hash.update(tail);
    }
    return { size: stat.size, mtimeMs: stat.mtimeMs, hash: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}

/** What changed, in words, or null when the file is the same. */
export function describeFingerprintChange(before: SourceFingerprint, now: SourceFingerprint): string | null {
  const changes: string[] = [];
  if (before.size !== now.size) changes.push(`its size changed from ${before.size} to ${now.size} bytes`);
  if (before.hash !== now.hash) changes.push('its content changed');
  else if (Math.abs(before.mtimeMs - now.mtimeMs) > 1) changes.push('it was modified (timestamp changed)');
  return changes.length ? changes.join(' and ') : null;
}
