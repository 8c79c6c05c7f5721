import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SAMPLES, tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, newAppPage, screenshot, watchPageErrors } from './browser.js';

/** The Rules screen's "Export as SQL…": the rules of the opened file as DuckDB or Spark SQL, in a dialog to copy or download. */
describe('Rules: Export as SQL (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed', timeout: 5 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-sql-');
  const csv = path.join(dir, 'customers.csv');
  let server: AppServer;
  let browser: Browser | undefined;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    fs.copyFileSync(path.join(SAMPLES, 'customers.csv'), csv);
    server = await startAppServer({ home: path.join(dir, 'home'), db: path.join(dir, 'store.sqlite') });
    browser = await launchChromium();
    page = await newAppPage(browser);
    pageErrors = watchPageErrors(page);
    await page.goto(server.url);
  }, { timeout: 120_000 });

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  test('the inferred rules of the sample export as DuckDB SQL and as Spark SQL', { timeout: 120_000 }, async () => {
    await page.getByLabel('File path').fill(csv);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    await page.getByRole('button', { name: 'Rules', exact: true }).click();
    await page.getByTestId('invalid-rows').waitFor();

    await page.getByRole('button', { name: 'Export as SQL…' }).click();
    const dialog = page.getByTestId('export-sql-dialog');
    await dialog.getByRole('heading', { name: 'DuckDB SQL for these rules' }).waitFor();
    const duckdb = await dialog.getByLabel('Generated SQL').inputValue();
    assert.match(duckdb, /CREATE OR REPLACE TEMP VIEW "quarantined"/);
    assert.ok(duckdb.includes(csv), 'the SQL reads the opened file');
    await dialog.getByRole('button', { name: /^Download customers\.duckdb\.sql$/ }).waitFor();
    await screenshot(page, 'rules-export-sql');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await page.getByLabel('SQL target').selectOption('spark');
    await page.getByRole('button', { name: 'Export as SQL…' }).click();
    await dialog.getByRole('heading', { name: 'Spark SQL for these rules' }).waitFor();
    assert.match(await dialog.getByLabel('Generated SQL').inputValue(), /CREATE OR REPLACE TEMPORARY VIEW `accepted`/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    assert.deepEqual(pageErrors, []);
  });
});
