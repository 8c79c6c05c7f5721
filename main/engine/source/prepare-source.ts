import fs from 'node:fs';
import path from 'node:path';
import { SluiceError } from '../errors.js';
import type { SourceFormat, SourceProgress } from '../types.js';
import { decompressFile, spoolStream } from './decompress.js';
import { defaultTableFor, parseSourceLocation, sourceBaseName, sourceIdentity, type SourceLocation } from './location.js';
import { detectCompression, readHead } from './not-text.js';
import { formatFromPath } from './sniff.js';
import { downloadToSpool } from './remote/http-download.js';
import { fetchPagesToSpool, type JsonApiSource } from './remote/json-api.js';
import { ResiliencePolicy, type ResilienceSettings, type ResilienceStats } from './resilience.js';
import {
  emptySpoolState,
  readSpoolState,
  removeSpool,
  settleSpoolTime,
  spoolPaths,
  writeSpoolState,
  type SpoolPaths,
  type SpoolState,
} from './spool.js';

export interface SourceRequest {
  sourcePath: string;
  dbPath: string;
  table?: string;
  resume?: boolean;
  restart?: boolean;
  headers?: Record<string, string>;
  maxBytes?: number;
  jsonApi?: JsonApiSource;
  resilience?: Partial<ResilienceSettings>;
}

export interface SourceContext {
  signal: AbortSignal;
  /** The process's standard input, for "-". */
  stdin?: AsyncIterable<Uint8Array>;
  /** Whether the store has an unfinished import of this source into this table (checked before stdin is read). */
  hasUnfinished: (identity: string, table: string) => boolean;
  onProgress?: (progress: SourceProgress) => void;
}

export interface PreparedSource {
  /** What the import record names as its source: a path, "-" or a URL. */
  identity: string;
  table: string;
  /** The file the import reads: the source itself, or its spool. */
  readPath: string;
  /** Set when the source was spooled; removed once the import completes. */
  spool: SpoolPaths | null;
  /** A format guessed from the spooled content, when neither a flag nor a file extension gives one. */
  format: SourceFormat | undefined;
  progress: SourceProgress | null;
}

const DATA_EXTENSIONS = new Set(['.csv', '.tsv', '.psv', '.txt', '.jsonl', '.ndjson', '.json']);

/**
 * Makes any source readable like a plain file. A local file that is not
 * compressed is used as it is; stdin, URLs, paginated APIs and gzip/zip files
 * are written into a spool file beside the store as their bytes arrive (never
 * held in memory), so sampling, sniffing and resuming work as for a file.
 * A spool that is whole is reused by --resume; one that is not is continued
 * (a Range request, the next API page) where the source allows it.
 */
export async function prepareSource(request: SourceRequest, context: SourceContext): Promise<PreparedSource> {
  const location = parseSourceLocation(request.sourcePath);
  checkFlags(request, location);
  const identity = sourceIdentity(location);
  const table = request.table ?? defaultTableFor(location);
  // A named pipe or a device (/dev/stdin, <(command)) cannot seek either: it is spooled like stdin.
  const pipe = location.kind === 'file' && isStream(location.path);
  if (location.kind === 'file' && !request.jsonApi && !pipe) {
    const compression = detectCompression(await readHead(location.path));
    if (!compression) return { identity, table, readPath: location.path, spool: null, format: undefined, progress: null };
  }

  const extension = request.jsonApi ? '.jsonl' : path.extname(sourceBaseName(location)).toLowerCase();
  const paths = spoolPaths(request.dbPath, identity, table, DATA_EXTENSIONS.has(extension) ? extension : '.data');
  let state = readSpoolState(paths);
  if (request.restart) {
    removeSpool(paths);
    state = null;
  } else if (!request.resume && (state || context.hasUnfinished(identity, table))) {
    throw new SluiceError(
      'UNFINISHED_IMPORT',
      `An import of ${displayName(location)} into table "${table}" did not finish. Use --resume to continue it or --restart to start over.`,
    );
  } else if (request.resume) {
    checkResumable(pipe ? { kind: 'stdin' } : location, state, request, context.hasUnfinished(identity, table), table);
  }

  const kind: SpoolState['kind'] = request.jsonApi ? 'json-api' : location.kind;
  const current = state ?? emptySpoolState(identity, kind, Object.keys(request.headers ?? {}).length > 0);
  const save = () => writeSpoolState(paths, current);
  const progress: SourceProgress = {
    phase: 'download',
    transferredBytes: current.transferredBytes,
    totalBytes: current.remote?.contentLength ?? null,
    pages: current.pages?.fetched ?? null,
    retries: current.stats.retries,
    breaker: current.stats.breaker,
  };
  const retriesBefore = current.stats.retries;
  const report = (stats?: ResilienceStats) => {
    if (stats) {
      current.stats = { retries: retriesBefore + stats.retries, breaker: stats.breaker };
      progress.retries = current.stats.retries;
      progress.breaker = stats.breaker;
    }
    context.onProgress?.({ ...progress });
  };
  const policy = new ResiliencePolicy(request.resilience, undefined, (stats) => {
    report(stats);
    save();
  });

  if (!current.complete) {
    save();
    try {
      await fill(location, pipe, request, context, paths, current, policy, save, progress, report);
    } catch (error) {
      current.stats = { retries: retriesBefore + policy.stats.retries, breaker: policy.stats.breaker };
      // Nothing taken from the source: there is nothing to resume either, and the next run should just start.
      if (current.transferredBytes === 0 && !current.pages?.fetched) removeSpool(paths);
      else if (fs.existsSync(paths.state)) save();
      throw error;
    }
    current.complete = true;
    settleSpoolTime(paths.data);
    save();
  }
  progress.phase = 'done';
  report();
  const format = request.jsonApi ? 'jsonl' : formatFromPath(paths.data) === null ? await guessFormat(paths.data) : undefined;
  return { identity, table, readPath: paths.data, spool: paths, format, progress };
}

async function fill(
  location: SourceLocation,
  pipe: boolean,
  request: SourceRequest,
  context: SourceContext,
  paths: SpoolPaths,
  state: SpoolState,
  policy: ResiliencePolicy,
  save: () => void,
  progress: SourceProgress,
  report: () => void,
): Promise<void> {
  const name = displayName(location);
  if (location.kind === 'stdin' || pipe) {
    const input = location.kind === 'file' ? fs.createReadStream(location.path) : context.stdin;
    if (!input) throw new SluiceError('USAGE', 'Standard input ("-") can only be imported from the command line.');
    await spoolStream(input, paths.data, {
      displayName: name,
      signal: context.signal,
      onBytes: (bytes) => {
        state.transferredBytes = progress.transferredBytes = bytes;
      },
    });
    return;
  }
  if (location.kind === 'file') {
    await decompressFile(location.path, paths.data, name, context.signal);
    return;
  }
  const common = { url: location.url, headers: request.headers ?? {}, policy, signal: context.signal, maxBytes: request.maxBytes ?? null, state, saveState: save };
  if (request.jsonApi) {
    await fetchPagesToSpool({
      ...common,
      api: request.jsonApi,
      dataPath: paths.data,
      onPage: (pages, bytes) => {
        progress.pages = pages;
        progress.transferredBytes = bytes;
        report();
      },
    });
    return;
  }
  let lastReport = 0;
  await downloadToSpool({
    ...common,
    downloadPath: paths.download,
    onBytes: (bytes, total) => {
      progress.transferredBytes = bytes;
      progress.totalBytes = total;
      if (performance.now() - lastReport > 100) {
        lastReport = performance.now();
        report();
      }
    },
  });
  const compression = detectCompression(await readHead(paths.download));
  if (compression) {
    await decompressFile(paths.download, paths.data, name, context.signal);
    fs.rmSync(paths.download, { force: true });
  } else {
    fs.renameSync(paths.download, paths.data);
  }
}

function checkFlags(request: SourceRequest, location: SourceLocation): void {
  if (location.kind !== 'url') {
    if (request.maxBytes !== undefined) throw new SluiceError('USAGE', '--max-bytes applies to URL sources only.');
    if (request.headers && Object.keys(request.headers).length > 0) throw new SluiceError('USAGE', '--header applies to URL sources only.');
    if (request.jsonApi) throw new SluiceError('USAGE', '--format json-api needs an http: or https: URL.');
  }
}

function checkResumable(location: SourceLocation, state: SpoolState | null, request: SourceRequest, unfinished: boolean, table: string): void {
  if (location.kind === 'stdin' && (!state || !state.complete)) {
    throw new SluiceError(
      'NOTHING_TO_RESUME',
      unfinished || state
        ? `The import of standard input into table "${table}" cannot be resumed: ${state ? 'its data was not fully received before it stopped' : 'its spooled data is gone'}. Pipe the data again with --restart.`
        : `There is no unfinished import of standard input into table "${table}" to resume.`,
    );
  }
  if (!state && !unfinished) {
    throw new SluiceError('NOTHING_TO_RESUME', `There is no unfinished import of ${location.kind === 'url' ? location.url.href : displayName(location)} into table "${table}" to resume.`);
  }
  const needsHeaders = state !== null && !state.complete && state.usedHeaders;
  if (needsHeaders && Object.keys(request.headers ?? {}).length === 0) {
    throw new SluiceError(
      'USAGE',
      `This download was started with --header options, whose values Sluice never stores: give the same --header options again with --resume.`,
    );
  }
}

function displayName(location: SourceLocation): string {
  if (location.kind === 'stdin') return 'standard input';
  return location.kind === 'file' ? location.path : location.url.href;
}

/** CSV unless the data starts with a JSON object (JSONL). */
async function guessFormat(filePath: string): Promise<SourceFormat> {
  const head = Buffer.from(await readHead(filePath, 4096)).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return head.startsWith('{') ? 'jsonl' : 'csv';
}

function isStream(filePath: string): boolean {
  try {
    const stat = fs.statSync(filePath);
    return !stat.isFile() && !stat.isDirectory();
  } catch {
    return false;
  }
}
