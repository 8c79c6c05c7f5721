import fs from 'node:fs';
import { SluiceError } from '../../errors.js';
import { TransientError, type ResiliencePolicy } from '../resilience.js';
import type { SpoolState } from '../spool.js';
import { failureForStatus, openRequest, readBody } from './http-request.js';

export interface DownloadOptions {
  url: URL;
  downloadPath: string;
  headers: Record<string, string>;
  policy: ResiliencePolicy;
  signal: AbortSignal;
  /** Bytes this run may take from the source; past it the download stops, resumable. */
  maxBytes: number | null;
  state: SpoolState;
  saveState: () => void;
  onBytes: (downloadedBytes: number, totalBytes: number | null) => void;
}

type RemoteIdentity = NonNullable<SpoolState['remote']>;

function describeRemoteChange(before: RemoteIdentity, now: RemoteIdentity): string | null {
  if (before.etag && now.etag && before.etag !== now.etag) return `its ETag changed from ${before.etag} to ${now.etag}`;
  if (before.lastModified && now.lastModified && before.lastModified !== now.lastModified) {
    return `its Last-Modified changed from ${before.lastModified} to ${now.lastModified}`;
  }
  if (before.contentLength !== null && now.contentLength !== null && before.contentLength !== now.contentLength) {
    return `its length changed from ${before.contentLength} to ${now.contentLength} bytes`;
  }
  return null;
}

/**
 * Downloads a URL into the spool's download file. Each attempt continues from
 * the bytes already there with a Range request (from a checkpoint of an
 * earlier run, or after a reset connection in this one); a server that
 * ignores Range sends the whole body again, which replaces the file. The
 * source's identity (ETag, Last-Modified, length) is recorded on the first
 * answer, and a later answer with another identity is refused.
 */
export async function downloadToSpool(options: DownloadOptions): Promise<void> {
  const { url, state } = options;
  let takenThisRun = 0;
  await options.policy.execute(
    async (signal) => {
      const have = fileSize(options.downloadPath);
      const headers: Record<string, string> = { ...options.headers, 'accept-encoding': 'identity' };
      if (have > 0) headers.range = `bytes=${have}-`;
      const opened = await openRequest(url, { headers, signal, timeoutMs: options.policy.settings.requestTimeoutMs });
      const { response } = opened;
      try {
        if (response.status === 416 && have > 0 && state.remote?.contentLength === have) return;
        if (!response.ok) throw failureForStatus(response, opened.finalUrl);
        const partial = response.status === 206;
        const total = partial ? totalFromContentRange(response.headers.get('content-range')) : lengthOf(response.headers.get('content-length'));
        const identity: RemoteIdentity = {
          etag: response.headers.get('etag'),
          lastModified: response.headers.get('last-modified'),
          contentLength: total,
        };
        if (state.remote) {
          const change = describeRemoteChange(state.remote, identity);
          if (change) {
            throw new SluiceError(
              'SOURCE_CHANGED',
              `Cannot resume the download of ${url.href}: the source has changed since it started (${change}). Use --restart to import it again from the start.`,
            );
          }
        } else {
          state.remote = identity;
          options.saveState();
        }
        let start = have;
        if (partial) {
          const rangeStart = startFromContentRange(response.headers.get('content-range'));
          if (rangeStart !== have) throw new TransientError(`${url.origin} answered a different range than asked (from ${rangeStart ?? '?'}, not ${have})`);
        } else {
          start = 0;
        }
        const fd = fs.openSync(options.downloadPath, start === 0 ? 'w' : 'r+');
        let position = start;
        try {
          for await (const chunk of readBody(opened, options.policy.settings.requestTimeoutMs, signal)) {
            const room = options.maxBytes === null ? chunk.length : Math.max(0, options.maxBytes - takenThisRun);
            const taken = Math.min(room, chunk.length);
            fs.writeSync(fd, chunk, 0, taken, position);
            position += taken;
            takenThisRun += taken;
            state.transferredBytes = position;
            options.onBytes(position, total);
            if (taken < chunk.length) {
              opened.abort('done');
              options.saveState();
              throw new SluiceError(
                'SOURCE_LIMIT',
                `Stopped after taking ${takenThisRun} bytes from ${url.href} (--max-bytes ${options.maxBytes}); ` +
                  `${position}${total !== null ? ` of ${total}` : ''} bytes are downloaded. Continue with --resume.`,
              );
            }
          }
        } finally {
          fs.closeSync(fd);
          options.saveState();
        }
        if (total !== null && position < total) {
          throw new TransientError(`${url.origin}: the body ended after ${position} of ${total} bytes (truncated)`);
        }
      } finally {
        opened.abort('done');
      }
    },
    options.signal,
    `downloading ${url.href}`,
  );
}

function fileSize(filePath: string): number {
  try {
    return fs.statSync(filePath).size;
  } catch {
    return 0;
  }
}

function lengthOf(value: string | null): number | null {
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

function totalFromContentRange(value: string | null): number | null {
  const match = /\/(\d+)\s*$/.exec(value ?? '');
  return match ? Number(match[1]) : null;
}

function startFromContentRange(value: string | null): number | null {
  const match = /^bytes\s+(\d+)-/.exec(value ?? '');
  return match ? Number(match[1]) : null;
}
