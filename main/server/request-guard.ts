import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { CONTENT_SECURITY_POLICY } from '../app/csp.js';

/**
 * The browser-mode server's one choke point. Every request is judged here, by a
 * function that never throws, before any other code sees its URL, headers or
 * body: only a page addressed by the loopback name (a foreign Host means DNS
 * rebinding), not driven by another site (a foreign Origin or a cross-site
 * fetch) and, for the API, presenting this run's token in a header gets through.
 *
 * The token travels only in the `X-Sluice-Token` header, which a browser never
 * sends by itself: no cookie, no query string, so nothing leaks to another
 * local service or into a log. The page gets it from the start URL's fragment
 * (`/#token=…`), which browsers never send to any server.
 */
export const TOKEN_HEADER = 'x-sluice-token';

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** What to do with a request; anything malformed is a refusal with a status, never an exception. */
export type RequestVerdict =
  | { kind: 'refuse'; status: 400 | 401 | 403 | 404 | 405 | 415; reason: string }
  | { kind: 'static'; relativePath: string }
  | { kind: 'events' }
  | { kind: 'call'; channel: string };

/** The parts of a request the guard reads: plain data, so tests and the fuzzer can build them freely. */
export interface RequestHead {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

const MAX_URL_CHARS = 8192;

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

function sameToken(given: unknown, token: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `decodeURIComponent` that answers null for malformed escapes (`%E0%A4%A`, `%c0%ae`) instead of throwing URIError. */
export function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

const refuse = (status: 400 | 401 | 403 | 404 | 405 | 415, reason: string): RequestVerdict => ({ kind: 'refuse', status, reason });

/** Judges one request. Never throws: every branch returns a verdict. */
export function judgeRequest(head: RequestHead, port: number, token: string): RequestVerdict {
  try {
    return judge(head, port, token);
  } catch {
    // Nothing above is expected to throw; if it ever does, the request is refused rather than the process harmed.
    return refuse(400, 'Bad request');
  }
}

function judge(head: RequestHead, port: number, token: string): RequestVerdict {
  const { method, headers } = head;
  const rawUrl = head.url ?? '';
  if (typeof rawUrl !== 'string' || rawUrl.length === 0 || rawUrl.length > MAX_URL_CHARS || !rawUrl.startsWith('/')) return refuse(400, 'Bad request URL');
  const hosts = allowedHosts(port);
  if (typeof headers.host !== 'string' || !hosts.includes(headers.host)) return refuse(403, 'Host not allowed');
  const origin = headers.origin;
  if (origin !== undefined && (typeof origin !== 'string' || !hosts.some((h) => origin === `http://${h}`))) return refuse(403, 'Origin not allowed');
  const fetchSite = headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return refuse(403, 'Cross-site request');

  let url: URL;
  try {
    // A fixed base: the request line's path is all that is read, never a scheme or host it may claim.
    url = new URL(`http://127.0.0.1${rawUrl}`);
  } catch {
    return refuse(400, 'Bad request URL');
  }
  const pathname = safeDecode(url.pathname);
  if (pathname === null || pathname.includes('\0')) return refuse(400, 'Bad percent-encoding in the URL');

  if (pathname === '/api' || pathname.startsWith('/api/')) {
    if (!sameToken(headers[TOKEN_HEADER], token)) return refuse(401, 'Missing or wrong token');
    if (pathname === '/api/events') return method === 'GET' ? { kind: 'events' } : refuse(405, 'Use GET');
    if (method !== 'POST') return refuse(405, 'Use POST');
    const contentType = headers['content-type'];
    if (typeof contentType !== 'string' || !contentType.startsWith('application/json')) return refuse(415, 'Send JSON');
    return { kind: 'call', channel: pathname.slice('/api/'.length) };
  }
  // The built UI holds no secrets: it is served without the token, so a page can load and then ask for it.
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, 'Method not allowed');
  return { kind: 'static', relativePath: pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '') };
}
