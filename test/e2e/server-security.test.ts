import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, SAMPLES, tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';

const REQUEST_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = 60_000;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw requests, so the tests control Host, Origin and the token exactly. */
function send(server: AppServer, options: { method?: string; path: string; headers?: Record<string, string>; body?: unknown }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `127.0.0.1:${server.port}`, ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error(`${options.path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

describe('browser-mode server security', { timeout: 5 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-security-');
  let server: AppServer;
  const call = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
    send(server, { method: 'POST', path: `/api/${channel}`, body, headers: { 'x-sluice-token': server.token, ...headers } });

  before(async () => {
    server = await startAppServer({ home: path.join(dir, 'home'), db: path.join(dir, 'store.sqlite') });
  }, { timeout: TEST_TIMEOUT_MS });
  after(() => stopAllServers(), { timeout: TEST_TIMEOUT_MS });

  test('API calls and the event stream without the token in its header, or with a wrong one, get 401; a cookie or ?token= is no credential', { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.equal((await send(server, { method: 'POST', path: '/api/app/info', body: {} })).status, 401);
    assert.equal((await send(server, { method: 'POST', path: '/api/app/info', body: {}, headers: { 'x-sluice-token': 'wrong' } })).status, 401);
    assert.equal((await send(server, { method: 'POST', path: `/api/app/info?token=${server.token}`, body: {} })).status, 401);
    assert.equal((await send(server, { path: '/api/events', headers: { cookie: `sluice_token_${server.port}=${server.token}` } })).status, 401);
    assert.equal((await send(server, { path: `/api/events?token=${server.token}` })).status, 401);
  });

  test('the start URL carries the token only in its fragment; the UI is served without it, with a strict CSP and no cookie', { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.equal(server.url, `${server.origin}/#token=${server.token}`);
    const page = await send(server, { path: '/' });
    assert.equal(page.status, 200);
    assert.match(page.body, /<div id="app">/);
    assert.equal(page.headers['set-cookie'], undefined);
    assert.ok(!page.body.includes(server.token), 'the page itself holds no token');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    const legacy = await send(server, { path: `/?token=${server.token}` });
    assert.equal(legacy.status, 200);
    assert.equal(legacy.headers['set-cookie'], undefined, 'the old ?token= hand-over sets no cookie any more');
  });

  test('a Host other than the loopback address gets 403 (DNS rebinding), even with the token', { timeout: TEST_TIMEOUT_MS }, async () => {
    for (const host of [`evil.example:${server.port}`, `127.0.0.1.nip.io:${server.port}`, '127.0.0.1', `localhost:${server.port + 1}`]) {
      const reply = await call('app/info', {}, { host });
      assert.equal(reply.status, 403, host);
    }
    assert.equal((await call('app/info', {}, { host: `localhost:${server.port}` })).status, 200);
  });

  test('a foreign Origin or a cross-site fetch gets 403, even with the token', { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.equal((await call('app/info', {}, { origin: 'http://evil.example' })).status, 403);
    assert.equal((await call('app/info', {}, { origin: `http://127.0.0.1:${server.port + 1}` })).status, 403);
    assert.equal((await call('app/info', {}, { 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await call('app/info', {}, { origin: server.origin })).status, 200);
  });

  test('it listens on 127.0.0.1 only', { timeout: TEST_TIMEOUT_MS }, async () => {
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal)
      .map((address) => address!.address);
    for (const address of [...others, '::1']) {
      const connected = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: address, port: server.port, timeout: 2000 });
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
        socket.once('timeout', () => (socket.destroy(), resolve(false)));
      });
      assert.equal(connected, false, `reachable on ${address}`);
    }
  });

  test('malformed requests get BAD_REQUEST; unknown channels and non-JSON bodies are refused', { timeout: TEST_TIMEOUT_MS }, async () => {
    const missing = JSON.parse((await call('files/open', {})).body) as { ok: boolean; error: { code: string; message: string } };
    assert.deepEqual(missing, { ok: false, error: { code: 'BAD_REQUEST', message: 'path must be present.' } });
    const extra = JSON.parse((await call('quarantine/page', { importId: 1, offset: 0, limit: 10, sql: 'DROP' })).body) as { error: { code: string } };
    assert.equal(extra.error.code, 'BAD_REQUEST');
    const wrongType = JSON.parse((await call('tables/page', { table: 't', offset: -1, limit: 10 })).body) as { error: { message: string } };
    assert.match(wrongType.error.message, /offset must be an integer/);
    const unknown = JSON.parse((await call('fs/readFile', { path: '/etc/passwd' })).body) as { error: { code: string } };
    assert.equal(unknown.error.code, 'BAD_REQUEST');
    const notJson = await send(server, { method: 'POST', path: '/api/app/info', headers: { 'x-sluice-token': server.token, 'content-type': 'text/plain' } });
    assert.equal(notJson.status, 415);
    assert.equal((await send(server, { path: '/api/app/info', headers: { 'x-sluice-token': server.token } })).status, 405);
  });

  test('files outside the home folder and the --allow folders cannot be read; the message holds no file content', { timeout: TEST_TIMEOUT_MS }, async () => {
    for (const channel of ['files/open', 'files/preview', 'rules/load']) {
      const refused = JSON.parse((await call(channel, { path: '/etc/passwd' })).body) as { error: { code: string; message: string } };
      assert.equal(refused.error.code, 'NOT_ALLOWED', channel);
      assert.doesNotMatch(refused.error.message, /root:/);
    }
    const sample = path.join(SAMPLES, 'customers.csv');
    assert.equal((JSON.parse((await call('files/open', { path: sample })).body) as { ok: boolean }).ok, true);
    const preview = JSON.parse((await call('files/preview', { path: sample })).body) as { ok: boolean; value: { columns: string[] } };
    assert.equal(preview.value.columns[0], 'id');
    const traversal = await send(server, { path: '/..%2F..%2Fpackage.json' });
    assert.equal(traversal.status, 404);
  });

  test('an --allow folder that does not exist stops the server at start with a clear message', { timeout: TEST_TIMEOUT_MS }, () => {
    const missing = path.join(dir, 'no-such-folder');
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'start.js'), '--browser', '--port', '0', '--db', path.join(dir, 'x.sqlite'), '--allow', missing], {
      env: { ...process.env, SLUICE_HOME: path.join(dir, 'home-2') },
      encoding: 'utf8',
      timeout: TEST_TIMEOUT_MS,
    });
    assert.equal(result.status, 1);
    assert.equal(result.stderr, `sluice: --allow ${missing}: no such folder.\n`);
  });
});
