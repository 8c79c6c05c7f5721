import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the browser-mode server: only a page that knows this run's
 * token, addressed by the loopback name (a foreign Host means DNS rebinding),
 * and not driven by another site (a foreign Origin or a cross-site fetch).
 */
export const TOKEN_COOKIE = 'sluice_token';
export const TOKEN_HEADER = 'x-sluice-token';

/** The CSP for every response: scripts and styles only from this origin, no frames, no plugins, no other hosts. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function tokenFrom(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const cookie = request.headers.cookie
    ?.split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === TOKEN_COOKIE)?.[1];
  return cookie ?? url.searchParams.get('token') ?? undefined;
}

export function checkRequest(request: IncomingMessage, url: URL, port: number, token: string): GuardVerdict {
  const hosts = allowedHosts(port);
  const host = request.headers.host ?? '';
  if (!hosts.includes(host)) return { ok: false, status: 403, reason: 'Host not allowed' };
  const origin = request.headers.origin;
  if (origin !== undefined && !hosts.map((h) => `http://${h}`).includes(origin)) return { ok: false, status: 403, reason: 'Origin not allowed' };
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return { ok: false, status: 403, reason: 'Cross-site request' };
  if (!sameToken(tokenFrom(request, url), token)) return { ok: false, status: 401, reason: 'Missing or wrong token' };
  return { ok: true };
}
