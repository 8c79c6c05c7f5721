import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { Store } from '../../main/engine/store/store.js';
import { tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, screenshot, UI_TIMEOUT_MS, watchPageErrors } from './browser.js';
import { WINDOW_SIZES as SIZES, axeViolations, SERVER_USER, handToServerUser } from './screen-checks.js';

/**
 * The Export screen's defects from issue 15, each a step at both window sizes: an existing file is replaced only
 * after a confirmation; an unwritable folder says so (it said "This database connection is busy executing a
 * query"); columns, the Data grid's filtered and sorted view, the delimiter and the line ending can be chosen.
 */
const STEP_TIMEOUT_MS = 120_000;

function makeTable(dbPath: string): void {
  Store.open(dbPath).close();
  const db = new Database(dbPath);
  db.exec('CREATE TABLE customers (id INTEGER, name TEXT, email TEXT, city TEXT, notes TEXT)');
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
     INSERT INTO customers SELECT i, 'Customer ' || i, 'c' || i || '@example.org', CASE i % 2 WHEN 0 THEN 'Oslo' ELSE 'Cork; IE' END, 'note ' || i FROM n`,
  ).run();
  db.exec("CREATE TABLE prices (name TEXT, price TEXT); INSERT INTO prices VALUES ('Café', '€5'), ('“Quote”', '£3')");
  db.exec("CREATE TABLE greek (name TEXT); INSERT INTO greek VALUES ('Zoë'), ('Ωmega')");
  db.close();
}

describe('export screen (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed', timeout: 10 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-export-');
  const dbPath = path.join(dir, 'store.sqlite');
  const locked = path.join(dir, 'locked');
  let server: AppServer;
  let browser: Browser | undefined;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    makeTable(dbPath);
    fs.mkdirSync(locked);
    fs.chmodSync(locked, 0o555);
    // The server's own files (store, home) belong to the user it runs as; the locked folder stays root's.
    handToServerUser(dir, 'locked');
    server = await startAppServer({ home: path.join(dir, 'home'), db: dbPath, ...SERVER_USER });
    browser = await launchChromium();
  }, { timeout: 120_000 });

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  const form = () => page.getByRole('region', { name: 'Export' });
  const exportButton = () => form().getByRole('button', { name: 'Export', exact: true });

  for (const size of SIZES) {
    const tag = `${size.width}x${size.height}`;
    const out = path.join(dir, `view-${tag}.csv`);

    test(`${tag}: export the Data grid's filtered, sorted view with chosen columns, semicolons and LF`, { timeout: STEP_TIMEOUT_MS }, async () => {
      page = await browser!.newPage({ viewport: size, locale: 'en-US' });
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      pageErrors = watchPageErrors(page);
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Data', exact: true }).click();
      await page.getByTestId('row-count').getByText('40 rows').waitFor();
      await page.getByLabel('Filter rows').fill('Customer 1');
      await page.getByTestId('row-count').getByText(/^\s*11 rows match/).waitFor();
      await page.getByTitle('Sort by id').click();
      await page.getByTitle('Sort by id').click();
      await page.getByRole('columnheader', { name: /id ▼/ }).waitFor();

      await page.getByRole('button', { name: 'Export this view…' }).click();
      await form().getByText('Columns (5 of 5)').waitFor();
      // Opened from the Data screen: its view is already the choice.
      assert.equal(await form().getByLabel(/The Data screen's view: rows containing “Customer 1”, sorted by id \(descending\)/).isChecked(), true);
      await form().getByRole('checkbox', { name: 'email' }).uncheck();
      await form().getByRole('checkbox', { name: 'notes' }).uncheck();
      await form().getByText('Columns (3 of 5)').waitFor();
      await form().getByLabel('Delimiter').selectOption({ label: 'Semicolon (;)' });
      await form().getByLabel('Line ending').selectOption({ label: 'LF (macOS, Linux)' });
      await form().getByLabel('Export path').fill(out);
      await screenshot(page, `export-${tag}-01-choices`);
      await exportButton().click();
      await page.getByTestId('export-result').getByText('Wrote 11 rows').waitFor();
      const expected = ['id;name;city', ...[19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 1].map((i) => `${i};Customer ${i};${i % 2 === 0 ? 'Oslo' : '"Cork; IE"'}`)];
      assert.equal(fs.readFileSync(out, 'utf8'), `${expected.join('\n')}\n`);
      assert.deepEqual(await axeViolations(page), [], 'no serious or critical accessibility violations on Export');
    });

    test(`${tag}: an existing file is replaced only after the user confirms`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const before = fs.readFileSync(out, 'utf8');
      await form().getByLabel('Delimiter').selectOption({ label: 'Tab' });
      // The defect: the file was overwritten without asking. Declining keeps it as it was.
      let asked = '';
      page.once('dialog', (dialog) => {
        asked = dialog.message();
        void dialog.dismiss();
      });
      await exportButton().click();
      await form().getByRole('alert').getByText(/already exists/).waitFor();
      assert.match(asked, /already exists[\s\S]*Replace it/);
      assert.equal(fs.readFileSync(out, 'utf8'), before, 'declined: the file is unchanged');
      page.once('dialog', (dialog) => void dialog.accept());
      await exportButton().click();
      await page.getByTestId('export-result').getByText('Wrote 11 rows').waitFor();
      assert.match(fs.readFileSync(out, 'utf8'), /^id\tname\tcity\n19\tCustomer 19\tCork; IE\n/);
      await screenshot(page, `export-${tag}-02-replaced`);
    });

    test(`${tag}: windows-1252 without a header line; a character it cannot hold is refused, naming row and column`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const legacy = path.join(dir, `prices-${tag}.csv`);
      await form().getByLabel('Table to export').selectOption({ label: 'prices (2 rows)' });
      await form().getByText('Columns (2 of 2)').waitFor();
      await form().getByLabel('Delimiter').selectOption({ label: 'Comma (,)' });
      await form().getByLabel('Header line').selectOption({ label: 'No header line' });
      await form().getByLabel('Encoding').selectOption({ label: 'Windows-1252 (Western European)' });
      await form().getByText(/cannot hold stops the export/).waitFor();
      await form().getByLabel('Export path').fill(legacy);
      await screenshot(page, `export-${tag}-03-encoding`);
      await exportButton().click();
      await page.getByTestId('export-result').getByText('Wrote 2 rows').waitFor();
      assert.deepEqual(fs.readFileSync(legacy), Buffer.from([...Buffer.from('Caf', 'latin1'), 0xe9, 0x2c, 0x80, 0x35, 0x0a, 0x93, ...Buffer.from('Quote', 'latin1'), 0x94, 0x2c, 0xa3, 0x33, 0x0a]));

      const refused = path.join(dir, `greek-${tag}.csv`);
      await form().getByLabel('Table to export').selectOption({ label: 'greek (2 rows)' });
      await form().getByText('Columns (1 of 1)').waitFor();
      await form().getByLabel('Export path').fill(refused);
      await exportButton().click();
      const alert = form().getByRole('alert');
      await alert.getByText(/row 2, column "name"/).waitFor();
      assert.doesNotMatch((await alert.textContent()) ?? '', /Ωmega/, 'the message never holds row contents');
      assert.equal(fs.existsSync(refused), false, 'no file was written');
      await form().getByLabel('Encoding').selectOption({ label: 'UTF-8' });
      await form().getByLabel('Table to export').selectOption({ label: 'customers (40 rows)' });
    });

    test(`${tag}: a folder that cannot be written says permission denied and names the folder`, { timeout: STEP_TIMEOUT_MS }, async () => {
      await form().getByLabel('Export path').fill(path.join(locked, 'out.csv'));
      await exportButton().click();
      const alert = form().getByRole('alert');
      await alert.getByText(/permission denied/).waitFor();
      const text = (await alert.textContent()) ?? '';
      assert.match(text, /locked/);
      assert.doesNotMatch(text, /busy executing/);
      assert.deepEqual(fs.readdirSync(locked), []);
      await screenshot(page, `export-${tag}-04-permission`);
      assert.deepEqual(pageErrors, []);
      await page.close();
    });
  }
});
