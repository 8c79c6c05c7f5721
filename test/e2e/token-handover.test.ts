import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, UI_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, screenshot } from './browser.js';

/**
 * Issue 13, hole 2: the `sluice_token_PORT` cookie went to every other service
 * on 127.0.0.1, since cookies ignore ports. Now the token lives in the page
 * (fragment → sessionStorage → X-Sluice-Token header) and the browser holds no
 * credential it could send by itself.
 */
const STEP_TIMEOUT_MS = 90_000;

interface SeenRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** Another local web service, as a user might run one: it records every request's headers. */
function startOtherService(): Promise<{ origin: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>other service</title><img src="/pixel.png"><p>other service</p>');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        seen,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

describe('token hand-over in browser mode', { skip: !chromiumAvailable() && 'Chromium not installed', timeout: 10 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-token-');
  let server: AppServer;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    server = await startAppServer({ home: path.join(dir, 'home'), db: path.join(dir, 'store.sqlite') });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    page = await context.newPage();
  }, { timeout: 120_000 });

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  test('the page takes the token from the fragment, keeps it in sessionStorage and clears the address bar; no cookie exists', { timeout: STEP_TIMEOUT_MS }, async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Open a file' }).waitFor();
    // Home lists imports through the API, so a successful call proves the header carries the token.
    await page.getByTestId('connection-banner').waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).hash, '');
    assert.equal(await page.evaluate('sessionStorage.getItem("sluice-token")'), server.token);
    assert.equal(await page.evaluate('document.cookie'), '');
    assert.deepEqual(await context.cookies(), []);
  });

  test('another local service the same browser visits receives no Sluice credential in any header', { timeout: STEP_TIMEOUT_MS }, async () => {
    const other = await startOtherService();
    try {
      await page.goto(`${other.origin}/after-sluice`);
      await page.getByText('other service').waitFor();
      const second = await context.newPage();
      await second.goto(`${other.origin.replace('127.0.0.1', 'localhost')}/second-tab`);
      await second.close();
      assert.ok(other.seen.length >= 2, 'the other service was visited');
      for (const request of other.seen) {
        assert.equal(request.headers.cookie, undefined, `${request.url} got a cookie: ${request.headers.cookie}`);
        assert.equal(request.headers['x-sluice-token'], undefined, request.url);
        for (const [name, value] of Object.entries(request.headers)) {
          assert.ok(!String(value).includes(server.token), `${request.url}: header ${name} carries the token`);
        }
      }
    } finally {
      await other.close();
    }
  });

  test('after a restart the old tab says what to do, and the new start URL reconnects it', { timeout: 3 * STEP_TIMEOUT_MS }, async () => {
    await page.goto(`${server.origin}/`);
    await page.getByRole('heading', { name: 'Open a file' }).waitFor();
    const port = server.port;
    await server.stop();
    const restarted = await startAppServer({ home: path.join(dir, 'home'), db: path.join(dir, 'store.sqlite'), port });
    assert.notEqual(restarted.token, server.token);
    // The old tab still holds the old token: the new server refuses it, and the page explains why and what to do.
    await page.reload();
    const refused = page.getByTestId('token-refused');
    await refused.waitFor();
    assert.match((await refused.textContent()) ?? '', /Sluice was restarted.*Open the address it printed/s);
    await screenshot(page, '12-token-refused-after-restart');
    // Pasting the new start URL into this tab changes only the fragment: the page takes the new token and reconnects.
    await page.goto(restarted.url);
    await page.getByTestId('connection-banner').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate('sessionStorage.getItem("sluice-token")'), restarted.token);
    assert.equal(new URL(page.url()).hash, '');
  });
});
