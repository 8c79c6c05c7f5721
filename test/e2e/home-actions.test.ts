import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { CLI, SAMPLES, tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, screenshot, UI_TIMEOUT_MS, watchPageErrors } from './browser.js';
import { WINDOW_SIZES as SIZES, axeViolations, SERVER_USER, handToServerUser } from './screen-checks.js';

/**
 * Home's defects from issue 15 that need an ordinary user (root ignores permissions, so the server runs as
 * "nobody" when the tests run as root): a file in a folder you cannot enter says "permission denied", not
 * "no such file"; a binary file is refused as not text instead of opening as a CSV; a table can be dropped, after
 * a confirmation that says what is lost. At both window sizes, with screenshots and an accessibility check.
 */
const STEP_TIMEOUT_MS = 120_000;

describe('home actions as an ordinary user (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed', timeout: 10 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-home-');
  const dbPath = path.join(dir, 'store.sqlite');
  const closed = path.join(dir, 'closed-folder');
  const binary = path.join(dir, 'program.csv');
  let server: AppServer;
  let browser: Browser | undefined;

  before(async () => {
    const sample = path.join(dir, 'customers.csv');
    fs.copyFileSync(path.join(SAMPLES, 'customers.csv'), sample);
    for (const table of ['customers', 'customers_1280x800', 'customers_1920x1080']) {
      execFileSync(process.execPath, [CLI, 'import', sample, '--db', dbPath, '--table', table, '--schema', path.join(SAMPLES, 'customers.rules.json')], { stdio: 'ignore' });
    }
    fs.copyFileSync(process.execPath, binary);
    fs.mkdirSync(closed);
    fs.writeFileSync(path.join(closed, 'inside.csv'), 'a,b\n1,2\n');
    fs.chmodSync(closed, 0o700);
    fs.mkdirSync(path.join(dir, 'home'));
    handToServerUser(dir, 'closed-folder');
    server = await startAppServer({ home: path.join(dir, 'home'), db: dbPath, ...SERVER_USER });
    browser = await launchChromium();
  }, { timeout: 180_000 });

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  for (const size of SIZES) {
    const tag = `${size.width}x${size.height}`;

    test(`${tag}: a file in a folder you cannot enter says permission denied; a binary file is refused as not text`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const page = await browser!.newPage({ viewport: size, locale: 'en-US' });
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      const errors = watchPageErrors(page);
      await page.goto(server.url);
      await page.getByLabel('File path').fill(path.join(closed, 'inside.csv'));
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      const alert = page.locator('#open-error');
      await alert.getByText(/permission denied/).waitFor();
      assert.doesNotMatch((await alert.textContent()) ?? '', /no such file/);
      await page.getByLabel('File path').fill(binary);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await alert.getByText(/is not a text file: it looks like a program/).waitFor();
      assert.equal(await page.getByRole('heading', { name: 'Preview' }).count(), 0, 'the binary file did not open as a CSV');
      // A refused file is not offered again as a recent file.
      await page.reload();
      await page.getByRole('heading', { name: 'Recent files' }).waitFor();
      await page.getByRole('list', { name: 'Tables in the store' }).waitFor();
      assert.equal(await page.getByRole('button', { name: /program\.csv/ }).count(), 0);
      const settingsFile = path.join(dir, 'home', 'settings.json');
      assert.ok(!fs.existsSync(settingsFile) || !fs.readFileSync(settingsFile, 'utf8').includes('program.csv'));
      await screenshot(page, `home-${tag}-01-refusals`);
      assert.deepEqual(errors, []);
      await page.close();
    });

    test(`${tag}: dropping a table says what is lost, asks, and takes it off the list`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const page = await browser!.newPage({ viewport: size, locale: 'en-US' });
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      const errors = watchPageErrors(page);
      await page.goto(server.url);
      const table = `customers_${tag}`;
      const tables = page.getByRole('list', { name: 'Tables in the store' });
      await tables.getByText(table, { exact: true }).waitFor();
      assert.deepEqual(await axeViolations(page), [], `Home at ${tag}`);
      const overflow = await page.evaluate(`[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => e.tagName + '.' + e.className).slice(0, 5)`);
      assert.deepEqual(overflow, []);
      await screenshot(page, `home-${tag}-02-tables`);

      // Declining keeps everything.
      // The question comes after the app has counted what would be lost: answered as it appears (an open
      // confirm() holds the click), and waited for after the click (it may come later).
      const question = new Promise<string>((resolve) => {
        page.once('dialog', (dialog) => {
          resolve(dialog.message());
          void dialog.dismiss();
        });
      });
      await page.getByRole('button', { name: `Drop table ${table}` }).click();
      const asked = await question;
      await tables.getByText(table, { exact: true }).waitFor();
      assert.match(asked, new RegExp(`Drop table "${table}"`));
      assert.match(asked, /its \d[\d,]* rows/);
      assert.match(asked, /\d+ quarantined rows? of its 1 import/);
      assert.match(asked, /undo data of 1 import/);

      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: `Drop table ${table}` }).click();
      await tables.getByText(table, { exact: true }).waitFor({ state: 'detached' });
      await tables.getByText('customers', { exact: true }).waitFor();
      await page.getByText(`Dropped table "${table}"`).waitFor();
      await screenshot(page, `home-${tag}-03-dropped`);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
