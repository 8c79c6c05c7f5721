import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { decompressFile } from './decompress.js';
import { parseSourceLocation, sourceBaseName } from './location.js';
import { detectCompression, readHead } from './not-text.js';
import { downloadToSpool } from './remote/http-download.js';
import { ResiliencePolicy } from './resilience.js';
import { emptySpoolState } from './spool.js';

/** True for text the user typed that names an http:/https: URL (anything with a scheme and "//"). */
export function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

/**
 * Downloads a URL into `folder` (streamed, with the same retry policy and
 * circuit breaker as the CLI), decompressing gzip/zip, and returns the local
 * file: the app then previews and imports it like any file it opened.
 */
export async function fetchUrlToFolder(text: string, folder: string, signal: AbortSignal = new AbortController().signal): Promise<string> {
  const location = parseSourceLocation(text.trim());
  if (location.kind !== 'url') throw new Error('not a URL');
  fs.mkdirSync(folder, { recursive: true });
  const key = createHash('sha256').update(location.url.href).digest('hex').slice(0, 8);
  const target = path.join(folder, `${key}-${sourceBaseName(location).replace(/[^\w.-]/g, '_')}`);
  const download = `${target}.download`;
  fs.rmSync(download, { force: true });
  try {
    await downloadToSpool({
      url: location.url,
      downloadPath: download,
      headers: {},
      policy: new ResiliencePolicy(),
      signal,
      maxBytes: null,
      state: emptySpoolState(location.url.href, 'url', false),
      saveState: () => undefined,
      onBytes: () => undefined,
    });
    if (detectCompression(await readHead(download))) await decompressFile(download, target, location.url.href, signal);
    else fs.renameSync(download, target);
  } finally {
    fs.rmSync(download, { force: true });
  }
  return target;
}
