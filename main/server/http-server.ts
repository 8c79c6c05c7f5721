import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { AppService } from '../app/service.js';
import { SECURITY_HEADERS, checkRequest, tokenCookieName } from './request-guard.js';

export interface ServerOptions {
  service: AppService;
  token: string;
  /** The built UI (dist/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Keeps proxies and idle timeouts from closing the event stream. */
const EVENT_KEEPALIVE_MS = 15_000;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The browser mode: the built UI plus the contract's channels as `POST /api/<channel>` and events as SSE, on loopback only. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const { service, token } = options;
  const staticRoot = path.resolve(options.staticDir);
  const streams = new Set<http.ServerResponse>();
  let port = 0;

  service.onEvent((message) => {
    const frame = `event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });

  const server = http.createServer((request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const verdict = checkRequest(request, url, port, token);
    if (!verdict.ok) return sendText(response, verdict.status, verdict.reason);
    // First visit with ?token=: keep the token in a cookie the page's own requests carry, and drop it from the address bar.
    if (request.method === 'GET' && url.searchParams.has('token')) {
      response.setHeader('Set-Cookie', `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      response.writeHead(303, { Location: '/' });
      return response.end();
    }
    if (url.pathname === '/api/events' && request.method === 'GET') return openEventStream(response, streams);
    if (url.pathname.startsWith('/api/')) {
      if (request.method !== 'POST') return sendText(response, 405, 'Use POST');
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return sendText(response, 415, 'Send JSON');
      return void handleCall(service, decodeURIComponent(url.pathname.slice('/api/'.length)), request, response);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'Method not allowed');
    serveStatic(staticRoot, url.pathname, response);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the UI and the files it reads are never reachable from the network.
    server.listen(options.port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        port,
        url: `http://127.0.0.1:${port}/?token=${token}`,
        close: () =>
          new Promise<void>((done) => {
            for (const stream of streams) stream.end();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function sendText(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
}

async function handleCall(service: AppService, channel: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  let body: unknown;
  try {
    body = await readJson(request);
  } catch (error) {
    return sendJson(response, 400, { ok: false, error: { code: 'BAD_REQUEST', message: (error as Error).message } });
  }
  const result = await service.call(channel, body);
  sendJson(response, 200, result);
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error('Request body is not valid JSON.');
  }
}

function openEventStream(response: http.ServerResponse, streams: Set<http.ServerResponse>): void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
  response.write(': connected\n\n');
  streams.add(response);
  const keepalive = setInterval(() => response.write(': keepalive\n\n'), EVENT_KEEPALIVE_MS);
  response.on('close', () => {
    clearInterval(keepalive);
    streams.delete(response);
  });
}

function serveStatic(root: string, pathname: string, response: http.ServerResponse): void {
  const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  if (file !== root && !file.startsWith(root + path.sep)) return sendText(response, 404, 'Not found');
  fs.stat(file, (error, stat) => {
    if (error || !stat.isFile()) return sendText(response, 404, 'Not found');
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
    });
    fs.createReadStream(file).pipe(response);
  });
}
