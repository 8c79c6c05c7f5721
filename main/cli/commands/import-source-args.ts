import { SluiceError } from '../../engine/errors.js';
import type { ImportOptions } from '../../engine/pipeline/import-options.js';
import type { Pagination } from '../../engine/source/remote/json-api.js';
import { parseHeaderOptions } from '../../engine/source/remote/header-options.js';
import type { SourceProgress } from '../../engine/types.js';
import { positiveInteger } from '../args.js';
import { formatBytes, printError } from '../output.js';

/** The import options for sources other than a plain file: URLs, APIs, the retry policy. */
export const SOURCE_OPTIONS = {
  header: { type: 'string', multiple: true },
  'max-bytes': { type: 'string' },
  records: { type: 'string' },
  'next-link': { type: 'boolean' },
  next: { type: 'string' },
  cursor: { type: 'string' },
  'cursor-param': { type: 'string' },
  'offset-param': { type: 'string' },
  limit: { type: 'string' },
  retries: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export const SOURCE_USAGE = `       [--header 'Name: value']... [--max-bytes N] [--retries N] [--timeout SECONDS]
       [--format json-api --records PATH [--next-link | --next PATH | --cursor PATH --cursor-param NAME
                                          | --offset-param NAME --limit N]]`;

type Values = Record<string, string | boolean | string[] | undefined>;

/** Turns the source flags into ImportOptions fields; `format` is the --format value (json-api is handled here). */
export function sourceOptionsFrom(values: Values): Partial<ImportOptions> {
  const options: Partial<ImportOptions> = {};
  const headers = Array.isArray(values.header) ? parseHeaderOptions(values.header) : {};
  if (Object.keys(headers).length > 0) options.headers = headers;
  const maxBytes = positiveInteger(values['max-bytes'], '--max-bytes');
  if (maxBytes !== undefined) options.maxBytes = maxBytes;
  const retries = values.retries === '0' ? 0 : positiveInteger(values.retries, '--retries');
  const timeoutSeconds = positiveInteger(values.timeout, '--timeout');
  if (retries !== undefined || timeoutSeconds !== undefined) {
    options.resilience = {
      ...(retries !== undefined ? { retries } : {}),
      ...(timeoutSeconds !== undefined ? { requestTimeoutMs: timeoutSeconds * 1000 } : {}),
    };
  }
  const paging = ['records', 'next-link', 'next', 'cursor', 'cursor-param', 'offset-param', 'limit'].filter((flag) => values[flag] !== undefined);
  if (values.format !== 'json-api') {
    if (paging.length > 0) throw new SluiceError('USAGE', `--${paging[0]} needs --format json-api.`);
    return options;
  }
  if (typeof values.records !== 'string') throw new SluiceError('USAGE', '--format json-api needs --records PATH (where the records are in each page, e.g. data.items).');
  options.jsonApi = { records: values.records, pagination: paginationFrom(values) };
  return options;
}

function paginationFrom(values: Values): Pagination {
  const modes = [values['next-link'] ? 'next-link' : null, values.next !== undefined ? 'next' : null, values.cursor !== undefined ? 'cursor' : null, values['offset-param'] !== undefined ? 'offset' : null].filter(Boolean);
  if (modes.length > 1) throw new SluiceError('USAGE', `Choose one way to find the next page, not ${modes.join(' and ')}.`);
  if (values['next-link']) return { mode: 'next-link' };
  if (typeof values.next === 'string') return { mode: 'next', path: values.next };
  if (typeof values.cursor === 'string') {
    if (typeof values['cursor-param'] !== 'string') throw new SluiceError('USAGE', '--cursor needs --cursor-param NAME (the query parameter that takes the cursor).');
    return { mode: 'cursor', path: values.cursor, param: values['cursor-param'] };
  }
  if (typeof values['offset-param'] === 'string') {
    const limit = positiveInteger(values.limit, '--limit');
    if (limit === undefined) throw new SluiceError('USAGE', '--offset-param needs --limit N (records per page).');
    return { mode: 'offset', param: values['offset-param'], limit };
  }
  if (values['cursor-param'] !== undefined || values.limit !== undefined) {
    throw new SluiceError('USAGE', '--cursor-param goes with --cursor, --limit with --offset-param.');
  }
  return { mode: 'none' };
}

/** Download progress on stderr: a line when a retry happens or the breaker changes, a running count on a terminal. */
export class SourceReporter {
  private retries = 0;
  private breaker: SourceProgress['breaker'] = 'closed';
  private drawn = false;

  constructor(private readonly quiet: boolean) {}

  update(progress: SourceProgress): void {
    if (this.quiet) return;
    if (progress.retries > this.retries || progress.breaker !== this.breaker) {
      this.clear();
      printError(`source: ${progress.retries} ${progress.retries === 1 ? 'retry' : 'retries'} so far; circuit breaker ${progress.breaker}`);
      this.retries = progress.retries;
      this.breaker = progress.breaker;
    }
    if (!process.stderr.isTTY || progress.phase !== 'download') return;
    const total = progress.totalBytes !== null ? ` of ${formatBytes(progress.totalBytes)}` : '';
    const pages = progress.pages !== null ? `, ${progress.pages} pages` : '';
    process.stderr.write(`\r\x1b[2Kdownloading: ${formatBytes(progress.transferredBytes)}${total}${pages}`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) process.stderr.write('\r\x1b[2K');
    this.drawn = false;
  }
}
