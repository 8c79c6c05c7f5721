import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { writeCustomerCsv } from '../helpers/generate.js';
import { tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, newAppPage, screenshot } from './browser.js';
import { WINDOW_SIZES as SIZES } from './screen-checks.js';

/** The Import screen's states as a GUI user meets them: paused shows no stale rates; a cancelled import offers Resume. */
const ROWS = 400_000;

describe('import states (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed', timeout: 10 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-import-states-');
  const csv = path.join(dir, 'many.csv');
  let server: AppServer;
  let browser: Browser | undefined;

  before(async () => {
    writeCustomerCsv(csv, ROWS, 7);
    server = await startAppServer({ home: path.join(dir, 'home'), db: path.join(dir, 'store.sqlite') });
    browser = await launchChromium();
  }, { timeout: 120_000 });

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  for (const size of SIZES) {
    const tag = `${size.width}x${size.height}`;
    test(`${tag}: pause shows "paused" instead of rates; cancel, then Resume finishes the import`, { timeout: 5 * 60_000 }, async () => {
      const page = await newAppPage(browser!);
      await page.setViewportSize(size);
      // A file (and so a table) per window size: the second run must not meet the first one's table.
      const file = path.join(dir, `many-${tag}.csv`);
      fs.copyFileSync(csv, file);
      await page.goto(server.url);
      await page.getByLabel('File path').fill(file);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByRole('heading', { name: 'Preview' }).waitFor();
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByRole('button', { name: 'Start import' }).click();
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.getByTestId('import-status').getByText('paused').waitFor();
      await page.getByTestId('rows-per-second').getByText('paused').waitFor();
      await screenshot(page, `import-states-${tag}-paused`);
      // Watching it again from Home: the screen shows where the import is, never "0 B of 0 B".
      await page.getByRole('button', { name: 'Home', exact: true }).click();
      await page.getByRole('button', { name: 'Watch' }).click();
      await page.getByTestId('import-status').getByText('paused').waitFor();
      await page.getByText(/\d[\d.]* [KMG]?B of \d[\d.]* [KMG]?B/).waitFor();
      assert.doesNotMatch(await page.locator('main').innerText(), /0 B of 0 B/);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByTestId('import-status').getByText('cancelled').waitFor();
      await page.getByRole('button', { name: 'Resume', exact: true }).click();
      await page.getByTestId('import-status').getByText('completed').waitFor({ timeout: 4 * 60_000 });
      assert.equal(await page.locator('[data-counter="rowsRead"]').textContent(), ROWS.toLocaleString('en-US'));
      await screenshot(page, `import-states-${tag}-resumed`);
      await page.close();
    });
  }
});
