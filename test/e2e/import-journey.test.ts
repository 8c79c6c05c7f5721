import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SAMPLES, tempDir } from '../helpers/paths.js';
import { startAppServer, type AppServer } from './app-server.js';
import { chromiumAvailable, launchChromium, screenshot, watchPageErrors } from './browser.js';

/**
 * The main journey, as a user does it in browser mode: open the sample, tune
 * a rule and watch the failing rows change, import, review the quarantine, fix
 * a row, then check the data and export it.
 */
describe('import journey (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed' }, () => {
  const dir = tempDir('sluice-e2e-journey-');
  const csv = path.join(dir, 'customers.csv');
  const exported = path.join(dir, 'customers.clean.csv');
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    fs.copyFileSync(path.join(SAMPLES, 'customers.csv'), csv);
    fs.copyFileSync(path.join(SAMPLES, 'customers.rules.json'), path.join(dir, 'customers.rules.json'));
    server = await startAppServer({ home: path.join(dir, 'home'), db: path.join(dir, 'store.sqlite') });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    pageErrors = watchPageErrors(page);
    await page.goto(server.url);
  });

  const invalidRowsToBe = (count: number) => page.getByTestId('invalid-rows').filter({ hasText: new RegExp(`^${count}$`) }).waitFor();

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('Home: the token URL opens the app and drops the token from the address bar', async () => {
    await page.getByRole('heading', { name: 'Open a file' }).waitFor();
    assert.equal(new URL(page.url()).search, '');
    await screenshot(page, '01-home-empty');
  });

  test('Preview: opening the sample by path shows its dialect, rows and schema', async () => {
    await page.getByLabel('File path').fill(csv);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    const facts = page.getByLabel('Detected format');
    await assert.doesNotReject(facts.getByText('CSV', { exact: true }).waitFor());
    await page.getByRole('grid', { name: 'Sample rows' }).getByText('Ada Lovelace').first().waitFor();
    await page.getByRole('heading', { name: 'Schema' }).waitFor();
    await screenshot(page, '02-preview');
  });

  test('Rules: tightening a constraint updates the failing sample rows', async () => {
    await page.getByRole('button', { name: 'Rules', exact: true }).click();
    const invalid = page.getByTestId('invalid-rows');
    await invalid.waitFor();
    const before = Number(await invalid.textContent());
    assert.ok(before > 0, 'the sample has bad rows under the shipped rules');
    // Hedy Lamarr (105) and Katherine Johnson (101) are over 100.
    await page.getByLabel('Maximum of age').fill('100');
    await invalidRowsToBe(before + 2);
    await page.locator('button[data-field="age"][data-rule="maximum"]').click();
    await page.getByRole('list', { name: 'Failing sample rows' }).getByText('"105"').waitFor();
    await screenshot(page, '03-rules');
    // Back to the shipped rules, so the import below matches the CLI's result for them.
    await page.getByLabel('Maximum of age').fill('130');
    await invalidRowsToBe(before);
  });

  test('Import: runs to 100% and counts the quarantined rows', async () => {
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByTestId('import-status').getByText('completed').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('import-percent').textContent(), '100%');
    assert.equal(await page.locator('[data-counter="rowsRead"]').textContent(), '25');
    assert.equal(await page.locator('[data-counter="rowsQuarantined"]').textContent(), '8');
    await screenshot(page, '04-import-done');
  });

  test('Quarantine: lists the bad rows with their reasons; fixing one and retrying moves it into the table', async () => {
    await page.getByRole('button', { name: /Review 8 quarantined/ }).click();
    await page.getByRole('heading', { name: 'Quarantine' }).waitFor();
    const grid = page.getByRole('grid', { name: 'Quarantined rows' });
    await grid.getByText('age: type').waitFor();
    for (const reason of ['email: format', 'plan: enum', 'monthly_spend: minimum', 'signup_date: type', 'country: pattern', 'row: free_plan_pays_nothing']) {
      await grid.getByText(reason).first().waitFor();
    }
    await grid.getByText('age: type').click();
    const raw = page.getByLabel('Raw text of row 5');
    assert.match(await raw.inputValue(), /,abc,/);
    await page.getByRole('list', { name: 'Errors' }).getByText('"abc" is not an integer').waitFor();
    await screenshot(page, '05-quarantine');
    await raw.fill((await raw.inputValue()).replace(',abc,', ',79,'));
    await page.getByRole('button', { name: 'Retry row' }).click();
    await page.getByTestId('retry-result').getByText('now passes').waitFor();
    await screenshot(page, '06-quarantine-fixed');
  });

  test('Data: the table holds the good rows plus the fixed one', async () => {
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    await page.getByTestId('row-count').getByText('18 rows').waitFor();
    await page.getByRole('grid', { name: 'Rows of customers' }).getByText('Barbara Liskov').waitFor();
    await page.getByRole('button', { name: /^age/ }).click();
    await screenshot(page, '07-data');
  });

  test('Export: writes the cleaned table as CSV', async () => {
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByLabel('Export path').fill(exported);
    await page.getByRole('button', { name: 'Export', exact: true }).last().click();
    await page.getByTestId('export-result').waitFor();
    await screenshot(page, '08-export');
    const lines = fs.readFileSync(exported, 'utf8').trimEnd().split('\r\n');
    assert.equal(lines[0], 'id,name,email,country,signup_date,age,plan,monthly_spend,active,notes');
    const ids = lines.slice(1).map((line) => Number(line.split(',')[0])).sort((a, b) => a - b);
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 23]);
    const barbara = lines.find((line) => line.startsWith('5,'));
    assert.equal(barbara, '5,Barbara Liskov,barbara@example.com,US,2023-03-18,79,pro,49,1,age typed by hand');
  });

  test('the page ran without console errors or CSP violations', () => {
    assert.deepEqual(pageErrors, []);
  });
});
