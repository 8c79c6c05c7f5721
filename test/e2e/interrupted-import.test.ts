import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { writeCustomerCsv } from '../helpers/generate.js';
import { CLI, tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, newAppPage, screenshot } from './browser.js';

const ROWS = 300_000;
/** Kill once this many rows are committed: well past the start, well before the end. */
const KILL_AFTER_ROWS = 40_000;

const RULES = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true } },
    { name: 'name', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'age', type: 'integer', constraints: { minimum: 0 } },
    { name: 'plan', type: 'string', constraints: { enum: ['free', 'pro', 'team'] } },
    { name: 'spend', type: 'number' },
    { name: 'notes', type: 'string' },
  ],
};

/** Generating and importing 300k rows on a loaded 2-core machine: allow several times a laptop's time. */
const COMMIT_TIMEOUT_MS = 120_000;
const RESUME_TIMEOUT_MS = 180_000;
const CLI_TIMEOUT_MS = 180_000;

interface CommitWatch {
  /** Resolves once the event stream is open, so no progress event can be missed. */
  connected: Promise<void>;
  /** Resolves when at least `rows` rows are committed; rejects on a timeout, or when the import ends first. */
  committed: Promise<void>;
  close(): void;
}

/** Watches the server's event stream (as the UI does) for the import's committed row count. */
function watchCommittedRows(server: AppServer, rows: number): CommitWatch {
  let close = () => {};
  let onConnected = () => {};
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const committed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`fewer than ${rows} rows were committed within ${COMMIT_TIMEOUT_MS} ms`)), COMMIT_TIMEOUT_MS);
    const request = http.get(`${server.origin}/api/events`, { headers: { 'x-sluice-token': server.token, host: `127.0.0.1:${server.port}` } }, (response) => {
      onConnected();
      let buffer = '';
      response.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const frames = buffer.split('\n\n');
        buffer = frames.pop()!;
        for (const frame of frames) {
          const match = /^event: (import\/progress|import\/finished)\ndata: (.*)$/m.exec(frame);
          if (!match) continue;
          if (match[1] === 'import/finished') return finish(new Error(`the import ended before ${rows} rows were committed: ${match[2]}`));
          const progress = JSON.parse(match[2]!) as { counters: { rowsInserted: number; rowsQuarantined: number } };
          if (progress.counters.rowsInserted + progress.counters.rowsQuarantined >= rows) return finish();
        }
      });
      response.on('end', () => finish(new Error(`the event stream ended before ${rows} rows were committed`)));
    });
    request.on('error', (error) => finish(error));
    let done = false;
    function finish(error?: Error): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      request.destroy();
      if (error) reject(new Error(`${error.message}\nserver output:\n${server.output()}`));
      else resolve();
    }
    close = () => finish(new Error('closed'));
  });
  committed.catch(() => {});
  return { connected, committed, close };
}

function tableAndQuarantine(db: string, table: string): { rows: unknown[]; quarantine: unknown[] } {
  const store = new Database(db, { readonly: true });
  try {
    return {
      rows: store.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw(true).all(),
      quarantine: store.prepare('SELECT row_number, line, raw, errors FROM _sluice_quarantine ORDER BY row_number').raw(true).all(),
    };
  } finally {
    store.close();
  }
}

describe('interrupted import (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed', timeout: 15 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-resume-');
  const csv = path.join(dir, 'big.csv');
  const home = path.join(dir, 'home');
  const db = path.join(dir, 'store.sqlite');
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    writeCustomerCsv(csv, ROWS, 42);
    fs.writeFileSync(path.join(dir, 'big.rules.json'), JSON.stringify(RULES));
    browser = await launchChromium();
    page = await newAppPage(browser);
  }, { timeout: 120_000 });

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  /** Opens the big file, starts importing it and SIGKILLs the server once enough rows are committed. */
  async function importAndKill(server: AppServer): Promise<void> {
    await page.goto(server.url);
    await page.getByLabel('File path').fill(csv);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const watch = watchCommittedRows(server, KILL_AFTER_ROWS);
    try {
      await watch.connected;
      await page.getByRole('button', { name: 'Start import' }).click();
      await watch.committed;
    } finally {
      watch.close();
    }
    await server.stop('SIGKILL');
    // The page notices on its own (its event stream drops) and says so.
    await page.getByTestId('connection-banner').getByText('Connection lost').waitFor();
  }

  test('killing the backend mid-import, restarting and resuming gives the same data as an uninterrupted run', { timeout: 8 * 60_000 }, async () => {
    const first = await startAppServer({ home, db });
    await importAndKill(first);
    await screenshot(page, '09-import-interrupted');

    const second = await startAppServer({ home, db });
    try {
      await page.goto(second.url);
      await page.getByTestId('connection-banner').waitFor({ state: 'detached' });
      const row = page.locator('tr[data-import-id="1"]');
      await row.getByText('interrupted').waitFor();
      await screenshot(page, '10-home-resume');
      await row.getByRole('button', { name: 'Resume' }).click();
      await page.getByTestId('import-status').getByText('completed').waitFor({ timeout: RESUME_TIMEOUT_MS });
      assert.equal(await page.getByTestId('import-percent').textContent(), '100%');
    } finally {
      await second.stop();
    }

    const baselineDb = path.join(dir, 'baseline.sqlite');
    execFileSync(process.execPath, [CLI, 'import', csv, '--db', baselineDb, '--schema', path.join(dir, 'big.rules.json')], {
      stdio: 'pipe',
      timeout: CLI_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    const resumed = tableAndQuarantine(db, 'big');
    const baseline = tableAndQuarantine(baselineDb, 'big');
    assert.equal(resumed.rows.length, baseline.rows.length);
    assert.ok(resumed.quarantine.length > 0, 'the generated file has bad rows');
    assert.deepEqual(resumed.rows, baseline.rows);
    assert.deepEqual(resumed.quarantine, baseline.quarantine);
  });

  test('a changed file cannot be resumed, and Home says why', { timeout: 5 * 60_000 }, async () => {
    const changedDb = path.join(dir, 'changed.sqlite');
    await importAndKill(await startAppServer({ home, db: changedDb }));
    fs.appendFileSync(csv, '300001,Late Row,late@example.com,30,pro,1.00,\n');

    const server = await startAppServer({ home, db: changedDb });
    try {
      await page.goto(server.url);
      await page.getByText('Cannot resume: the file changed since this import started').waitFor();
      const resume = page.locator('tr[data-import-id="1"]').getByRole('button', { name: 'Resume' });
      assert.equal(await resume.isDisabled(), true);
      await screenshot(page, '11-home-source-changed');
    } finally {
      await server.stop();
    }
  });
});
