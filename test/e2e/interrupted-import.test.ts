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
import { startAppServer, type AppServer } from './app-server.js';
import { chromiumAvailable, launchChromium, screenshot } from './browser.js';

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

/** Resolves when the server reports (over its event stream) that enough rows are committed. */
function whenRowsCommitted(server: AppServer, rows: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${server.origin}/api/events`, { headers: { 'x-sluice-token': server.token, host: `127.0.0.1:${server.port}` } }, (response) => {
      let buffer = '';
      response.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (const match of buffer.matchAll(/event: import\/progress\ndata: (.*)\n/g)) {
          const progress = JSON.parse(match[1]!) as { counters: { rowsInserted: number; rowsQuarantined: number } };
          if (progress.counters.rowsInserted + progress.counters.rowsQuarantined >= rows) {
            request.destroy();
            resolve();
            return;
          }
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      });
    });
    request.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
  });
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

describe('interrupted import (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed' }, () => {
  const dir = tempDir('sluice-e2e-resume-');
  const csv = path.join(dir, 'big.csv');
  const home = path.join(dir, 'home');
  const db = path.join(dir, 'store.sqlite');
  let server: AppServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    writeCustomerCsv(csv, ROWS, 42);
    fs.writeFileSync(path.join(dir, 'big.rules.json'), JSON.stringify(RULES));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('killing the backend mid-import, restarting and resuming gives the same data as an uninterrupted run', { timeout: 240_000 }, async () => {
    server = await startAppServer({ home, db });
    await page.goto(server.url);
    await page.getByLabel('File path').fill(csv);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const committed = whenRowsCommitted(server, KILL_AFTER_ROWS);
    await page.getByRole('button', { name: 'Start import' }).click();
    await committed;
    await server.stop('SIGKILL');
    await screenshot(page, '09-import-interrupted');

    server = await startAppServer({ home, db });
    if (process.env.SLUICE_E2E_DEBUG) console.log('restarted', server.url);
    await page.goto(server.url);
    if (process.env.SLUICE_E2E_DEBUG) console.log('reloaded');
    const row = page.locator('tr[data-import-id="1"]');
    await row.getByText('interrupted').waitFor();
    await screenshot(page, '10-home-resume');
    await row.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('import-status').getByText('completed').waitFor({ timeout: 120_000 });
    assert.equal(await page.getByTestId('import-percent').textContent(), '100%');
    await server.stop();

    const baselineDb = path.join(dir, 'baseline.sqlite');
    execFileSync(process.execPath, [CLI, 'import', csv, '--db', baselineDb, '--schema', path.join(dir, 'big.rules.json')], { stdio: 'pipe' });
    const resumed = tableAndQuarantine(db, 'big');
    const baseline = tableAndQuarantine(baselineDb, 'big');
    assert.equal(resumed.rows.length, baseline.rows.length);
    assert.ok(resumed.quarantine.length > 0, 'the generated file has bad rows');
    assert.deepEqual(resumed.rows, baseline.rows);
    assert.deepEqual(resumed.quarantine, baseline.quarantine);
  });

  test('a changed file cannot be resumed, and Home says why', { timeout: 120_000 }, async () => {
    server = await startAppServer({ home, db: path.join(dir, 'changed.sqlite') });
    await page.goto(server.url);
    await page.getByLabel('File path').fill(csv);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const committed = whenRowsCommitted(server, KILL_AFTER_ROWS);
    await page.getByRole('button', { name: 'Start import' }).click();
    await committed;
    await server.stop('SIGKILL');
    fs.appendFileSync(csv, '300001,Late Row,late@example.com,30,pro,1.00,\n');

    server = await startAppServer({ home, db: path.join(dir, 'changed.sqlite') });
    await page.goto(server.url);
    const row = page.locator('tr[data-import-id="1"]');
    assert.equal(await row.getByRole('button', { name: 'Resume' }).isDisabled(), true);
    await page.getByText('Cannot resume: the file changed since this import started').waitFor();
    await screenshot(page, '11-home-source-changed');
  });
});
