import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { CLI, SAMPLES, tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, screenshot, UI_TIMEOUT_MS, watchPageErrors } from './browser.js';
import { WINDOW_SIZES as SIZES, axeViolations } from './screen-checks.js';

/**
 * Preview and Home as a new user sees them, at both window sizes: the sample in a virtualized grid under a
 * sticky header, a type badge per column, cells that fail their type highlighted, column profiles; Home
 * without sideways overflow; inputs that look like typed values; no serious accessibility violations.
 */
const STEP_TIMEOUT_MS = 120_000;

/** A sample long enough that an unvirtualized preview would be a 30,000 px page. */
function makeLongSample(file: string): void {
  const lines = ['id,name,email,age,plan,signup_date'];
  for (let i = 1; i <= 1000; i++) {
    const age = i === 7 ? 'abc' : String(20 + (i % 50));
    lines.push(`${i},Person ${i},person.${i}@a-rather-long-domain-name.example.org,${age},${['free', 'pro', 'team'][i % 3]},2024-01-${String(1 + (i % 28)).padStart(2, '0')}`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('preview and home screens (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed', timeout: 15 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-screens-');
  const longCsv = path.join(dir, 'people-with-a-long-file-name-that-must-not-break-mid-word.csv');
  let server: AppServer;
  let browser: Browser | undefined;

  before(async () => {
    makeLongSample(longCsv);
    fs.copyFileSync(path.join(SAMPLES, 'customers.csv'), path.join(dir, 'customers.csv'));
    fs.copyFileSync(path.join(SAMPLES, 'customers.rules.json'), path.join(dir, 'customers.rules.json'));
    // History entries with long file names: the Home defect was a history card past the window's edge.
    for (const table of ['people', 'people_again']) {
      execFileSync(process.execPath, [CLI, 'import', longCsv, '--db', path.join(dir, 'store.sqlite'), '--table', table], { stdio: 'ignore' });
    }
    server = await startAppServer({ home: path.join(dir, 'home'), db: path.join(dir, 'store.sqlite') });
    browser = await launchChromium();
  }, { timeout: 120_000 });

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  for (const size of SIZES) {
    const tag = `${size.width}x${size.height}`;

    test(`${tag}: Preview keeps the page short, its header in view, badges the types, marks a bad cell, profiles a column`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const page = await browser!.newPage({ viewport: size, locale: 'en-US' });
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      const errors = watchPageErrors(page);
      await page.goto(server.url);
      await page.getByLabel('File path').fill(longCsv);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      const grid = page.getByRole('grid', { name: 'Sample rows' });
      await grid.getByText('Person 1', { exact: true }).waitFor();

      // Virtualized: the page is no taller than the window, and only a screenful of rows is in the DOM.
      const main = page.locator('main');
      assert.ok((await main.evaluate((element) => element.scrollHeight)) <= size.height + 40);
      assert.ok((await grid.getByRole('row').count()) < 80);
      // The header stays at the top of the grid after scrolling it.
      await grid.evaluate((element) => (element.scrollTop = 6000));
      await grid.getByText('Person 210', { exact: true }).waitFor();
      const header = grid.getByRole('columnheader', { name: /^name/ });
      const [gridTop, headerTop] = [await grid.evaluate((e) => e.getBoundingClientRect().top), await header.evaluate((e) => e.getBoundingClientRect().top)];
      assert.ok(Math.abs(headerTop - gridTop) < 4, `header at ${headerTop}, grid at ${gridTop}`);
      await grid.evaluate((element) => (element.scrollTop = 0));

      // The age column is typed integer; "abc" in row 7 does not cast and is marked.
      await grid.getByRole('columnheader', { name: /^age/ }).getByTestId('type-badge').getByText('integer').waitFor();
      const bad = grid.getByRole('gridcell', { name: 'abc', exact: true });
      await bad.waitFor();
      await page.waitForFunction(`document.querySelector('[role="gridcell"].invalid') !== null`);
      assert.equal(await bad.evaluate((element) => element.classList.contains('invalid')), true);

      await grid.getByRole('button', { name: 'Profile of plan' }).click();
      const profile = page.getByRole('complementary', { name: 'Profile of plan' });
      await profile.getByText('Distinct').waitFor();
      await profile.getByRole('button', { name: /^pro\b/ }).click();
      await page.getByText('Showing the 334 sample rows where plan = “pro”').waitFor();
      await screenshot(page, `screens-${tag}-01-preview`);
      await page.getByRole('button', { name: 'Show all' }).click();
      // A histogram bar filters the sample to its range.
      await grid.getByRole('button', { name: 'Profile of age' }).click();
      await page.getByRole('complementary', { name: 'Profile of age' }).getByRole('button', { name: /^20 to / }).click();
      await page.getByText(/^\s*Showing the \d+ sample rows where age ≥ 20 and age ≤ /).waitFor();
      await page.getByRole('button', { name: 'Show all' }).click();

      // Inputs show their value like text, not like their label's caption.
      const delimiter = page.getByRole('combobox', { name: /Delimiter/ });
      const style = await delimiter.evaluate((element) => {
        const s = element.ownerDocument.defaultView!.getComputedStyle(element);
        return { size: s.fontSize, weight: s.fontWeight };
      });
      assert.deepEqual(style, { size: '14px', weight: '400' });
      assert.deepEqual(await axeViolations(page), [], `Preview at ${tag}`);
      assert.deepEqual(errors, []);
      await page.close();
    });

    test(`${tag}: Rules: the form edits every rule the file holds, keeps invalid JSON, and says when edits are unsaved`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const page = await browser!.newPage({ viewport: size, locale: 'en-US' });
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      await page.goto(server.url);
      await page.getByLabel('File path').fill(path.join(dir, 'customers.csv'));
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByRole('heading', { name: 'Preview' }).waitFor();
      await page.getByRole('button', { name: 'Rules', exact: true }).click();
      // Loaded from the file: what it says shows in the form.
      assert.equal(await page.getByLabel('Format of email').inputValue(), 'email');
      assert.equal(await page.getByLabel('Maximum length of name').inputValue(), '200');
      assert.equal(await page.getByLabel('True values of active').inputValue(), 'true, yes, 1');
      assert.equal(await page.getByLabel('Message of row rule 1').inputValue(), 'free-plan customers must have a monthly_spend of 0');
      assert.equal(await page.getByTestId('rules-unsaved').count(), 0);

      await page.getByLabel('Format of notes').selectOption('uri');
      await page.getByLabel('Minimum length of name').fill('2');
      await page.getByLabel('Group character of monthly_spend').fill(',');
      await page.getByLabel('Decimal character of monthly_spend').fill('.');
      await page.getByLabel('False values of active').fill('false, no, 0, nope');
      await page.getByLabel('False values of active').press('Tab');
      await page.getByLabel('Message of row rule 2').fill('adults only on paid plans');
      await page.getByTestId('rules-unsaved').waitFor();

      await page.getByRole('tab', { name: 'JSON' }).click();
      const json = page.getByLabel('Rule file JSON');
      const rules = JSON.parse(await json.inputValue()) as { fields: Record<string, unknown>[]; 'sluice:rowRules': { message: string }[] };
      const field = (name: string) => rules.fields.find((f) => f.name === name)!;
      assert.equal(field('notes').format, 'uri');
      assert.deepEqual(field('name').constraints, { required: true, maxLength: 200, minLength: 2 });
      assert.equal(field('monthly_spend').groupChar, ',');
      assert.deepEqual(field('active').falseValues, ['false', 'no', '0', 'nope']);
      assert.equal(rules['sluice:rowRules'][1]!.message, 'adults only on paid plans');

      // Half-typed JSON survives a trip to the form and back.
      const halfTyped = (await json.inputValue()).replace('"title": "Customers"', '"title": "Customers');
      await json.fill(halfTyped);
      await page.getByTestId('json-error').waitFor();
      await page.getByRole('tab', { name: 'Fields' }).click();
      await page.getByTestId('json-kept').waitFor();
      await page.getByRole('tab', { name: 'JSON' }).click();
      assert.equal(await json.inputValue(), halfTyped);
      await screenshot(page, `screens-${tag}-03-rules-json`);

      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByText('Rules: customers.rules.json with unsaved changes').waitFor();
      await page.close();
    });

    test(`${tag}: Home lays out without sideways overflow and without breaking file names mid-word`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const page = await browser!.newPage({ viewport: size, locale: 'en-US' });
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      await page.goto(server.url);
      await page.getByRole('heading', { name: 'Open a file' }).waitFor();
      const overflow = await page.evaluate(`[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => e.tagName + '.' + e.className).slice(0, 5)`);
      assert.deepEqual(overflow, []);
      const history = page.getByRole('table', { name: 'Import history' });
      await history.getByText('people', { exact: true }).waitFor();
      // The whole history table fits its card: no column or button hidden behind a sideways scroll.
      assert.equal(await history.evaluate((table) => table.parentElement!.scrollWidth <= table.parentElement!.clientWidth), true);
      // The file name is cut with an ellipsis (full path on hover), never broken inside a word.
      const name = history.locator('.name').first();
      assert.equal(await name.evaluate((element) => element.getClientRects().length === 1 && element.getBoundingClientRect().height < 24), true);
      await screenshot(page, `screens-${tag}-02-home`);
      assert.deepEqual(await axeViolations(page), [], `Home at ${tag}`);
      if (size.width === 1280) {
        // Forgetting takes entries off the lists, and nothing else: the table keeps its rows.
        // Removing an import from the history asks first: it can no longer be undone afterwards.
        page.once('dialog', (dialog) => void dialog.accept());
        await page.getByRole('button', { name: /^Remove import \d+ from the history$/ }).first().click();
        await history.getByRole('row').nth(2).waitFor({ state: 'detached' });
        const forgetLong = page.getByRole('button', { name: `Remove ${path.basename(longCsv)} from recent files` });
        await forgetLong.click();
        await forgetLong.waitFor({ state: 'detached' });
        await page.getByRole('button', { name: 'Data', exact: true }).click();
        await page.getByTestId('row-count').getByText('1,000 rows').waitFor();
      }
      await page.close();
    });
  }
});
