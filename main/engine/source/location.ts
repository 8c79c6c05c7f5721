import path from 'node:path';
import { SluiceError } from '../errors.js';
import { tableNameFromPath } from '../store/identifiers.js';

/** Where an import's bytes come from, as the user named it. */
export type SourceLocation =
  | { kind: 'file'; path: string }
  | { kind: 'stdin' }
  | { kind: 'url'; url: URL };

/** A scheme followed by "//": anything else (including C:\ on Windows) is a path. */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The one place a source argument is classified: "-" (or /dev/stdin) is stdin, "scheme://…"
 * is a URL (only http: and https:, without credentials, which would end up
 * stored in the import's record), anything else a file path. Throws a USAGE
 * error for URLs Sluice will not fetch.
 */
export function parseSourceLocation(source: string): SourceLocation {
  // /dev/stdin is read through the process's stdin: opening it again fails when stdin is a socket.
  if (source === '-' || source === '/dev/stdin') return { kind: 'stdin' };
  if (!URL_LIKE.test(source)) return { kind: 'file', path: path.resolve(source) };
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new SluiceError('USAGE', `"${source}" is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SluiceError('USAGE', `Only http: and https: URLs can be imported, not ${url.protocol}.`);
  }
  if (url.username || url.password) {
    throw new SluiceError('USAGE', 'URLs with a user name or password are refused (they would be stored); pass credentials with --header instead.');
  }
  url.hash = '';
  return { kind: 'url', url };
}

/** The import record's source: a resolved path, "-" or the URL; resume finds the import by it. */
export function sourceIdentity(location: SourceLocation): string {
  if (location.kind === 'file') return location.path;
  if (location.kind === 'stdin') return '-';
  return location.url.href;
}

/** The name a source's data goes by: a file's or URL's last segment, without compression extensions. */
export function sourceBaseName(location: SourceLocation): string {
  if (location.kind === 'stdin') return 'stdin';
  const base = location.kind === 'file' ? path.basename(location.path) : decodeSegment(location.url.pathname.split('/').pop() ?? '');
  return base.replace(/\.(gz|gzip|zip)$/i, '') || (location.kind === 'url' ? location.url.hostname : 'data');
}

export function defaultTableFor(location: SourceLocation): string {
  return tableNameFromPath(sourceBaseName(location));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
