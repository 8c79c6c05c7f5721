import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { AppService } from '../app/service.js';
import { SECURITY_HEADERS, judgeRequest } from './request-guard.js';

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
    let frame: string;
    try {
      frame = `event: ${message.event}\ndata: ${JSON.stringify(message.data, jsonReplacer)}\n\n`;
    } catch {
      return;
    }
    for (const stream of streams) if (!stream.destroyed) stream.write(frame);
  });

  const server = http.createServer((request, response) => {
    // The one entry for every request: nothing it does may throw or reject past here, so no request can stop the process.
    try {
      route(request, response);
    } catch {
      failSafely(response);
    }
  });
  // A malformed request line or header never reaches the handler: answer 400 and drop the socket.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  function route(request: http.IncomingMessage, response: http.ServerResponse): void {
    request.on('error', () => response.destroy());
    response.on('error', () => response.destroy());
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const verdict = judgeRequest({ method: request.method, url: request.url, headers: request.headers }, port, token);
    switch (verdict.kind) {
      case 'refuse':
        request.resume();
        return sendText(response, verdict.status, verdict.reason);
      case 'events':
        return openEventStream(response, streams);
      case 'call':
        return void handleCall(service, verdict.channel, request, response).catch(() => failSafely(response));
      case 'static':
        return serveStatic(staticRoot, verdict.relativePath, response);
    }
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the UI and the files it reads are never reachable from the network.
    server.listen(options.port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        port,
        // The token rides in the fragment, which the browser keeps to itself; the page moves it to sessionStorage.
        url: `http://127.0.0.1:${port}/#token=${token}`,
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
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
}

/** Last resort when something unexpected failed: a 500 if nothing was sent yet, never a throw. */
function failSafely(response: http.ServerResponse): void {
  try {
    if (!response.headersSent) sendText(response, 500, 'Internal error');
    else response.end();
  } catch {
    response.destroy();
  }
}

async function handleCall(service: AppService, channel: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  let body: unknown;
  try {
    body = await readJson(request);
  } catch (error) {
    return sendJson(response, 400, { ok: false, error: { code: 'BAD_REQUEST', message: (error as Error).message } });
  }
  // service.call returns a Result and never throws; route() catches this promise's rejection anyway (failSafely).
  const result = await service.call(channel, body);
  if (!response.destroyed) sendJson(response, 200, result);
}

const jsonReplacer = (_key: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(value, jsonReplacer));
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

function serveStatic(root: string, relative: string, response: http.ServerResponse): void {
  const file = path.resolve(root, relative);
  if (file !== root && !file.startsWith(root + path.sep)) return sendText(response, 404, 'Not found');
  fs.stat(file, (error, stat) => {
    if (error || !stat.isFile()) return sendText(response, 404, 'Not found');
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
    });
    const stream = fs.createReadStream(file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  });
}
