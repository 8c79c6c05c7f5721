import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CONTENT_SECURITY_POLICY } from '../app/csp.js';

/**
 * Who may talk to the browser-mode server: only a page that knows this run's
 * token, addressed by the loopback name (a foreign Host means DNS rebinding),
 * and not driven by another site (a foreign Origin or a cross-site fetch).
 */
/** Cookies ignore ports, so each run's cookie is named for its port: two Sluice servers never see each other's token. */
export function tokenCookieName(port: number): string {
  return `sluice_token_${port}`;
}
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

/** Every token the request presents: header, this port's cookie, `?token=`. */
export function tokensFrom(request: IncomingMessage, url: URL, port: number): string[] {
  const tokens: string[] = [];
  const header = request.headers[TOKEN_HEADER];
  if (typeof header === 'string') tokens.push(header);
  const cookieName = tokenCookieName(port);
  for (const part of request.headers.cookie?.split(';') ?? []) {
    const [name, value] = part.trim().split('=');
    if (name === cookieName && value) tokens.push(value);
  }
  const query = url.searchParams.get('token');
  if (query) tokens.push(query);
  return tokens;
}

export function checkRequest(request: IncomingMessage, url: URL, port: number, token: string): GuardVerdict {
  const hosts = allowedHosts(port);
  const host = request.headers.host ?? '';
  if (!hosts.includes(host)) return { ok: false, status: 403, reason: 'Host not allowed' };
  const origin = request.headers.origin;
  if (origin !== undefined && !hosts.map((h) => `http://${h}`).includes(origin)) return { ok: false, status: 403, reason: 'Origin not allowed' };
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return { ok: false, status: 403, reason: 'Cross-site request' };
  if (!tokensFrom(request, url, port).some((given) => sameToken(given, token))) return { ok: false, status: 401, reason: 'Missing or wrong token' };
  return { ok: true };
}
