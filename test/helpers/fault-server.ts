import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server saw it (headers lower-cased by Node). */
export interface SeenRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, attempt: number) => void;

/** Requests one test server answers before it refuses everything: a runaway retry loop fails the test instead of spinning. */
const MAX_REQUESTS = 2000;
/** And the longest it lives. */
const MAX_LIFETIME_MS = 300_000;

/**
 * A fault-injecting HTTP server on 127.0.0.1 for the source tests: each
 * route decides, per attempt, whether to answer, fail, stall, cut or reset.
 */
export class FaultServer {
  readonly seen: SeenRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly attempts = new Map<string, number>();
  private readonly server: http.Server;
  private readonly lifetime: NodeJS.Timeout;
  /** Called for every request, after its route ran (tests use it to kill a client at a chosen moment). */
  onRequest: ((path: string, attempt: number) => void) | null = null;

  private constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.lifetime = setTimeout(() => this.close(), MAX_LIFETIME_MS);
    this.lifetime.unref();
  }

  static async start(): Promise<FaultServer> {
    const server = new FaultServer();
    await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  route(path: string, handler: Handler): void {
    this.routes.set(path, handler);
  }

  requestsTo(path: string): number {
    return this.attempts.get(path) ?? 0;
  }

  close(): void {
    clearTimeout(this.lifetime);
    this.server.closeAllConnections();
    this.server.close();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    this.seen.push({ path: req.url ?? '/', headers: req.headers });
    if (this.seen.length > MAX_REQUESTS) {
      res.writeHead(503).end('too many requests for one test');
      return;
    }
    const attempt = (this.attempts.get(path) ?? 0) + 1;
    this.attempts.set(path, attempt);
    const handler = this.routes.get(path);
    if (!handler) res.writeHead(404).end('no such route');
    else handler(req, res, attempt);
    this.onRequest?.(path, attempt);
  }
}

/** Serves `body` like a static file server: ETag, Last-Modified, Accept-Ranges, and a Range request answered with 206. */
export function serveBody(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, etag = '"v1"'): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const headers = { etag, 'last-modified': 'Tue, 24 Nov 2026 10:00:00 GMT', 'accept-ranges': 'bytes', 'content-type': 'text/csv' };
  if (range) {
    if (start >= body.length) {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    res.writeHead(206, { ...headers, 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    res.end(body.subarray(start));
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': body.length });
  res.end(body);
}

/** Sends the headers of the whole body and `cut` bytes of it, then resets the connection (or closes it cleanly when `graceful`). */
export function cutBody(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, cut: number, graceful = false): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const status = range ? 206 : 200;
  res.writeHead(status, {
    etag: '"v1"',
    'accept-ranges': 'bytes',
    'content-length': body.length - start,
    ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
  });
  res.write(body.subarray(start, start + cut), () => {
    setTimeout(() => {
      if (graceful) res.socket?.end();
      else res.socket?.resetAndDestroy();
    }, 20);
  });
}

/** Sends a little of the body, then nothing (the client's idle timeout must give up); the socket is closed when the server closes. */
export function stallBody(res: http.ServerResponse, body: Buffer, sent: number): void {
  res.writeHead(200, { etag: '"v1"', 'accept-ranges': 'bytes', 'content-length': body.length });
  res.write(body.subarray(0, sent));
}
