import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { Store } from '../../main/engine/store/store.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, screenshot, UI_TIMEOUT_MS, watchPageErrors } from './browser.js';
import { WINDOW_SIZES as SIZES } from './screen-checks.js';

/**
 * The Data screen as a Tad / DB Browser user tries it, on a table big enough that OFFSET paging and a
 * count per page would show: jump to the end, filter, sort deep, filter a column, profile, inspect, leave
 * and come back. At both window sizes, with screenshots.
 */
const ROWS = 60_000;
const STEP_TIMEOUT_MS = 120_000;

function makeTable(dbPath: string): void {
  Store.open(dbPath).close();
  const db = new Database(dbPath);
  db.exec(`CREATE TABLE customers (id INTEGER, name TEXT, email TEXT, age INTEGER, plan TEXT, monthly_spend REAL, notes TEXT)`);
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO customers SELECT i, 'Customer ' || i, 'customer.number.' || i || '@corp.example.org', 18 + i % 60,
       CASE i % 3 WHEN 0 THEN 'free' WHEN 1 THEN 'pro' ELSE 'team' END, (i % 500) / 10.0,
       CASE WHEN i % 4 = 0 THEN NULL WHEN i = 42 THEN '{"tags":["vip","beta"],"score":9}' ELSE 'note ' || i END FROM n`,
  ).run(ROWS);
  db.close();
}

describe('data grid (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed', timeout: 15 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-grid-');
  const dbPath = path.join(dir, 'store.sqlite');
  let server: AppServer;
  let browser: Browser | undefined;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    makeTable(dbPath);
    server = await startAppServer({ home: path.join(dir, 'home'), db: dbPath });
    browser = await launchChromium();
  }, { timeout: 120_000 });

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  const grid = () => page.getByRole('grid', { name: 'Rows of customers' });
  const rowCount = () => page.getByTestId('row-count');
  const rowHeader = (n: number) => grid().getByRole('rowheader', { name: n.toLocaleString('en-US'), exact: true });

  for (const size of SIZES) {
    const tag = `${size.width}x${size.height}`;

    test(`${tag}: open Data, jump to the end, filter: the filtered rows start at the top`, { timeout: STEP_TIMEOUT_MS }, async () => {
      page = await browser!.newPage({ viewport: size, locale: 'en-US', permissions: ['clipboard-read', 'clipboard-write'] });
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      pageErrors = watchPageErrors(page);
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Data', exact: true }).click();
      await rowCount().getByText('60,000 rows').waitFor();
      await grid().getByText('Customer 1', { exact: true }).waitFor();
      await grid().focus();
      await page.keyboard.press('Control+End');
      await rowHeader(ROWS).waitFor();
      await grid().getByText(`Customer ${ROWS}`, { exact: true }).waitFor();
      await screenshot(page, `grid-${tag}-01-end`);

      // The defect: a filter typed at the end kept the old scroll position and showed rows from the middle.
      await page.getByLabel('Filter rows').fill('Customer 777');
      await rowCount().getByText(/^\s*11 rows match/).waitFor();
      await grid().getByText('Customer 777', { exact: true }).waitFor();
      await rowHeader(1).waitFor();
      assert.equal(await grid().evaluate((element) => element.scrollTop), 0);
    });

    test(`${tag}: numbers right-aligned, NULL visible, widths from content, JSON in the inspector`, { timeout: STEP_TIMEOUT_MS }, async () => {
      await page.getByLabel('Filter rows').fill('');
      await rowCount().getByText('60,000 rows').waitFor();
      const ageCell = grid().getByRole('gridcell').nth(3);
      assert.equal(await ageCell.evaluate((element) => element.ownerDocument.defaultView?.getComputedStyle(element).textAlign), 'right');
      await grid().getByText('NULL', { exact: true }).first().waitFor();
      // The email column fits its (long) values instead of being cut at the header's width.
      const emailCell = grid().getByText('customer.number.1@corp.example.org', { exact: true });
      assert.equal(await emailCell.evaluate((element) => element.scrollWidth <= element.clientWidth), true);
      assert.equal(await emailCell.getAttribute('title'), 'customer.number.1@corp.example.org');

      // Copy: one cell as its text; a Shift+arrow selection as TSV rows under a header line.
      await grid().getByText('Customer 2', { exact: true }).click();
      await page.keyboard.press('Control+c');
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), 'Customer 2');
      await page.keyboard.press('Shift+ArrowDown');
      await page.keyboard.press('Control+c');
      assert.equal(
        await page.evaluate('navigator.clipboard.readText()'),
        'id\tname\temail\tage\tplan\tmonthly_spend\tnotes\n' +
          '2\tCustomer 2\tcustomer.number.2@corp.example.org\t20\tteam\t0.2\tnote 2\n' +
          '3\tCustomer 3\tcustomer.number.3@corp.example.org\t21\tfree\t0.3\tnote 3',
      );

      await page.getByLabel('Filter rows').fill('vip');
      await rowCount().getByText(/^\s*1 row match/).waitFor();
      await grid().getByText('{"tags"', { exact: false }).dblclick();
      const inspector = page.getByTestId('inspector-value');
      await inspector.waitFor();
      assert.equal(await inspector.textContent(), JSON.stringify({ tags: ['vip', 'beta'], score: 9 }, null, 2));
      await screenshot(page, `grid-${tag}-02-inspector`);
      // A new filter keeps the widths measured on the table's first rows.
      const filteredEmail = grid().getByText('customer.number.42@corp.example.org', { exact: true });
      assert.equal(await filteredEmail.evaluate((element) => element.scrollWidth <= element.clientWidth), true);
      await page.getByRole('button', { name: 'Close the inspector' }).click();
      await page.getByLabel('Filter rows').fill('');
      await rowCount().getByText('60,000 rows').waitFor();
    });

    test(`${tag}: a deep page of a sorted view, a column filter, a profile value as a filter`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const db = new Database(dbPath, { readonly: true });
      const byEmailDesc = db.prepare('SELECT name FROM customers ORDER BY email DESC, rowid DESC LIMIT 1 OFFSET ?').pluck();
      const firstByEmailDesc = byEmailDesc.get(0) as string;
      const lastByEmailDesc = byEmailDesc.get(ROWS - 1) as string;
      const ages20to22Pro = db.prepare(`SELECT count(*) FROM customers WHERE age BETWEEN 20 AND 22 AND plan = 'pro'`).pluck().get() as number;
      db.close();

      await grid().getByRole('button', { name: 'email', exact: true }).click();
      await grid().getByRole('button', { name: 'email ▲', exact: true }).click();
      await grid().getByRole('button', { name: 'email ▼', exact: true }).waitFor();
      await grid().getByText(firstByEmailDesc, { exact: true }).waitFor();
      await grid().focus();
      await page.keyboard.press('Control+End');
      await grid().getByText(lastByEmailDesc, { exact: true }).waitFor();

      const filters = page.getByRole('form', { name: 'Column filters' });
      await filters.getByLabel('Column').selectOption('age');
      await filters.getByLabel('Condition').selectOption('range');
      await filters.getByLabel('From (at least)').fill('20');
      await filters.getByLabel('To (at most)').fill('22');
      await filters.getByRole('button', { name: 'Add filter' }).click();
      await page.getByRole('list', { name: 'Active column filters' }).getByText('age ≥ 20 and age ≤ 22').waitFor();

      await grid().getByRole('button', { name: 'Profile of plan' }).click();
      const profile = page.getByRole('complementary', { name: 'Profile of plan' });
      await profile.getByRole('button', { name: /^pro\b/ }).click();
      await rowCount().getByText(new RegExp(`^\\s*${ages20to22Pro.toLocaleString('en-US')} rows match`)).waitFor();
      await screenshot(page, `grid-${tag}-03-filters-profile`);
    });

    test(`${tag}: the table's sort, filters and scroll position are still there after visiting another screen`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const matches = Number((await rowCount().textContent())!.replace(/[^0-9]/g, ''));
      await grid().focus();
      await page.keyboard.press('Control+End');
      await rowHeader(matches).waitFor();
      await page.getByRole('button', { name: 'Home', exact: true }).click();
      await page.getByRole('heading', { name: 'Open a file' }).waitFor();
      await page.getByRole('button', { name: 'Data', exact: true }).click();
      await page.getByRole('list', { name: 'Active column filters' }).getByText('plan = “pro”').waitFor();
      await grid().getByRole('button', { name: 'email ▼', exact: true }).waitFor();
      await rowHeader(matches).waitFor();
      // Clean slate for the next window size.
      await page.getByRole('button', { name: 'Clear all' }).click();
      await grid().getByRole('button', { name: 'email ▼', exact: true }).click();
      await rowCount().getByText('60,000 rows').waitFor();
    });

    test(`${tag}: axe-core finds no serious or critical accessibility violations on Data and Home`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const axeSource = fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
      const check = async (screen: string) => {
        await page.evaluate(axeSource);
        // A string, so it runs in the page as written (this file is compiled without the DOM's types).
        const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`)) as string[];
        assert.deepEqual(violations, [], `${screen} at ${tag}`);
      };
      await check('Data');
      await page.getByRole('button', { name: 'Home', exact: true }).click();
      await page.getByRole('heading', { name: 'Open a file' }).waitFor();
      await check('Home');
      await screenshot(page, `grid-${tag}-04-home`);
      assert.deepEqual(pageErrors, []);
      await page.close();
    });
  }
});
