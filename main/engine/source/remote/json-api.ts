import fs from 'node:fs';
import { SluiceError } from '../../errors.js';
import type { ResiliencePolicy } from '../resilience.js';
import type { SpoolState } from '../spool.js';
import { failureForStatus, openRequest, readBody } from './http-request.js';
import { TransientError } from '../resilience.js';

/** How the next page is found. */
export type Pagination =
  | { mode: 'next-link' }
  | { mode: 'next'; path: string }
  | { mode: 'cursor'; path: string; param: string }
  | { mode: 'offset'; param: string; limit: number; limitParam?: string }
  | { mode: 'none' };

export interface JsonApiSource {
  /** Dotted path to the array of records in each page, e.g. "data.items"; "" for a page that is an array. */
  records: string;
  pagination: Pagination;
}

/** A page is parsed whole; one larger than this is refused rather than filling memory. */
const MAX_PAGE_BYTES = 64 * 1024 * 1024;

export interface JsonApiOptions {
  url: URL;
  api: JsonApiSource;
  dataPath: string;
  headers: Record<string, string>;
  policy: ResiliencePolicy;
  signal: AbortSignal;
  maxBytes: number | null;
  state: SpoolState;
  saveState: () => void;
  onPage: (pages: number, transferredBytes: number) => void;
}

export function valueAt(value: unknown, dottedPath: string): unknown {
  if (dottedPath === '') return value;
  let current = value;
  for (const key of dottedPath.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The URL of the first page (offset pagination starts at 0). */
function firstPageUrl(url: URL, pagination: Pagination): URL {
  const first = new URL(url);
  if (pagination.mode === 'offset') {
    first.searchParams.set(pagination.param, '0');
    first.searchParams.set(pagination.limitParam ?? 'limit', String(pagination.limit));
  }
  return first;
}

function nextFromLinkHeader(link: string | null, base: URL): URL | null {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (match && /\brel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2]!)) return new URL(match[1]!, base);
  }
  return null;
}

function nextPageUrl(page: unknown, records: unknown[], response: Response, current: URL, pagination: Pagination, offset: number): URL | null {
  switch (pagination.mode) {
    case 'none':
      return null;
    case 'next-link':
      return nextFromLinkHeader(response.headers.get('link'), current);
    case 'next': {
      const next = valueAt(page, pagination.path);
      return typeof next === 'string' && next !== '' ? new URL(next, current) : null;
    }
    case 'cursor': {
      const cursor = valueAt(page, pagination.path);
      if (cursor === null || cursor === undefined || cursor === '' || cursor === false) return null;
      const next = new URL(current);
      next.searchParams.set(pagination.param, String(cursor));
      return next;
    }
    case 'offset': {
      if (records.length < pagination.limit) return null;
      const next = new URL(current);
      next.searchParams.set(pagination.param, String(offset + records.length));
      return next;
    }
  }
}

/**
 * Follows a paginated JSON API page by page, appending each page's records to
 * the spool as JSON lines. After each whole page the spool is flushed and the
 * state (next page, spool length) saved: that is the checkpoint a resumed run
 * continues from, after cutting off any part of a page written after it.
 */
export async function fetchPagesToSpool(options: JsonApiOptions): Promise<void> {
  const { state, api } = options;
  state.pages ??= { nextUrl: firstPageUrl(options.url, api.pagination).href, fetched: 0, spoolBytes: 0, offset: 0 };
  const pages = state.pages;
  const fd = fs.openSync(options.dataPath, fs.existsSync(options.dataPath) ? 'r+' : 'w');
  let takenThisRun = 0;
  try {
    fs.ftruncateSync(fd, pages.spoolBytes);
    while (pages.nextUrl !== null) {
      if (options.maxBytes !== null && takenThisRun >= options.maxBytes) {
        throw new SluiceError(
          'SOURCE_LIMIT',
          `Stopped after taking ${takenThisRun} bytes from ${options.url.href} (--max-bytes ${options.maxBytes}); ${pages.fetched} pages are in. Continue with --resume.`,
        );
      }
      const current = new URL(pages.nextUrl);
      const { page, response, bytes } = await options.policy.execute(
        (signal) => fetchPage(current, options, signal),
        options.signal,
        `fetching page ${pages.fetched + 1} of ${options.url.href}`,
      );
      takenThisRun += bytes;
      state.transferredBytes += bytes;
      const records = valueAt(page, api.records);
      if (!Array.isArray(records)) {
        throw new SluiceError(
          'SCHEMA_INVALID',
          `Page ${pages.fetched + 1} of ${options.url.href} has no array at "${api.records}" (--records); it has ${describeKeys(page)}.`,
        );
      }
      const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
      const written = fs.writeSync(fd, text, pages.spoolBytes, 'utf8');
      fs.fsyncSync(fd);
      const next = nextPageUrl(page, records, response, current, api.pagination, pages.offset);
      pages.spoolBytes += written;
      pages.offset += records.length;
      pages.fetched++;
      pages.nextUrl = next && records.length > 0 ? next.href : null;
      options.saveState();
      options.onPage(pages.fetched, state.transferredBytes);
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function fetchPage(url: URL, options: JsonApiOptions, signal: AbortSignal): Promise<{ page: unknown; response: Response; bytes: number }> {
  const timeoutMs = options.policy.settings.requestTimeoutMs;
  const opened = await openRequest(url, { headers: { accept: 'application/json', ...options.headers }, signal, timeoutMs });
  try {
    if (!opened.response.ok) throw failureForStatus(opened.response, opened.finalUrl);
    const parts: Uint8Array[] = [];
    let bytes = 0;
    for await (const chunk of readBody(opened, timeoutMs, signal)) {
      bytes += chunk.length;
      if (bytes > MAX_PAGE_BYTES) throw new SluiceError('SOURCE_LIMIT', `A page of ${url.origin}${url.pathname} is larger than ${MAX_PAGE_BYTES} bytes; ask the API for smaller pages.`);
      parts.push(chunk);
    }
    const expected = Number(opened.response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(expected) && bytes < expected) throw new TransientError(`${url.origin}: a page ended after ${bytes} of ${expected} bytes (truncated)`);
    try {
      return { page: JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown, response: opened.response, bytes };
    } catch {
      throw new TransientError(`${url.origin}: a page is not valid JSON (cut short?)`);
    }
  } finally {
    opened.abort('done');
  }
}

function describeKeys(page: unknown): string {
  if (Array.isArray(page)) return 'an array at the top (use --records "")';
  if (page && typeof page === 'object') return `the keys ${Object.keys(page).slice(0, 8).join(', ') || '(none)'}`;
  return `a ${typeof page}`;
}
