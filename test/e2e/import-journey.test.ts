import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import Papa from 'papaparse';
import { SAMPLES, tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, newAppPage, screenshot, watchPageErrors } from './browser.js';

/**
 * The main journey, as a user does it in browser mode: open the sample, tune
 * a rule and watch the failing rows change, import, review the quarantine, fix
 * a row, then check the data and export it.
 */
/** One step of the journey on a loaded 2-core CI machine; each step's waits are bounded by UI_TIMEOUT_MS. */
const STEP_TIMEOUT_MS = 90_000;

describe('import journey (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed', timeout: 15 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-journey-');
  const csv = path.join(dir, 'customers.csv');
  const exported = path.join(dir, 'customers.clean.csv');
  let server: AppServer;
  let browser: Browser | undefined;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    fs.copyFileSync(path.join(SAMPLES, 'customers.csv'), csv);
    fs.copyFileSync(path.join(SAMPLES, 'customers.rules.json'), path.join(dir, 'customers.rules.json'));
    server = await startAppServer({ home: path.join(dir, 'home'), db: path.join(dir, 'store.sqlite') });
    browser = await launchChromium();
    page = await newAppPage(browser);
    pageErrors = watchPageErrors(page);
    await page.goto(server.url);
  }, { timeout: 120_000 });

  const invalidRowsToBe = (count: number) => page.getByTestId('invalid-rows').filter({ hasText: new RegExp(`^${count}$`) }).waitFor();

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  test('Home: the token URL opens the app and drops the token from the address bar', { timeout: STEP_TIMEOUT_MS }, async () => {
    await page.getByRole('heading', { name: 'Open a file' }).waitFor();
    assert.equal(new URL(page.url()).search, '');
    assert.equal(new URL(page.url()).hash, '', 'the token is moved out of the address bar');
    await screenshot(page, '01-home-empty');
  });

  test('Preview: opening the sample by path shows its dialect, rows and schema', { timeout: STEP_TIMEOUT_MS }, async () => {
    await page.getByLabel('File path').fill(csv);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    const facts = page.getByLabel('Detected format');
    await assert.doesNotReject(facts.getByText('CSV', { exact: true }).waitFor());
    await page.getByRole('grid', { name: 'Sample rows' }).getByText('Ada Lovelace').first().waitFor();
    await page.getByRole('heading', { name: 'Schema' }).waitFor();
    await screenshot(page, '02-preview');
  });

  test('Rules: tightening a constraint updates the failing sample rows', { timeout: STEP_TIMEOUT_MS }, async () => {
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

  test('Rules: invalid input gets an inline error beside it, and Import is blocked until it is fixed', { timeout: STEP_TIMEOUT_MS }, async () => {
    const banner = page.getByTestId('rules-invalid');
    const importButton = page.getByRole('button', { name: 'Import…' });
    const field = (name: string) => page.locator(`fieldset[data-field="${name}"]`);
    const inlineError = (name: string) => field(name).locator('[data-problem="constraints.pattern"]');

    const countryPattern = page.getByLabel('Pattern of country');
    const shippedPattern = await countryPattern.inputValue();
    await countryPattern.fill('[A-Z');
    await inlineError('country').getByText(/invalid regular expression: missing closing \]/).waitFor();
    assert.equal(await countryPattern.getAttribute('aria-invalid'), 'true');
    await banner.waitFor();
    assert.equal(await importButton.isDisabled(), true);
    await countryPattern.fill(shippedPattern);
    await inlineError('country').waitFor({ state: 'detached' });

    // Patterns run on RE2 (linear time, no catastrophic backtracking); what RE2 cannot run is refused, with the reason.
    const notesPattern = page.getByLabel('Pattern of notes');
    await notesPattern.fill('a(?=b)');
    await inlineError('notes').getByText(/no backreferences or lookaround/).waitFor();

    const expression = page.getByLabel('Expression of row rule 1');
    const shippedExpression = await expression.inputValue();
    const ruleError = page.locator('[data-row-rule="0"]').getByTestId('row-rule-error');
    await expression.fill('plann != "free" or monthly_spend == 0');
    await ruleError.getByText('unknown field "plann" (did you mean "plan"?)').waitFor();
    assert.equal(await expression.getAttribute('aria-invalid'), 'true');
    await banner.getByText('The rules have 2 problems').waitFor();
    await ruleError.scrollIntoViewIfNeeded();
    await screenshot(page, '12-rules-invalid');

    await expression.fill('plan != ');
    await ruleError.getByText(/cannot parse expression/).waitFor();

    // The Import screen says why it will not start, rather than failing on the server.
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('rules-invalid-import').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Start import' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Fix the rules' }).click();

    await page.getByLabel('Pattern of notes').fill('');
    await page.getByLabel('Expression of row rule 1').fill(shippedExpression);
    await banner.waitFor({ state: 'detached' });
    assert.equal(await importButton.isDisabled(), false);
  });

  test('Import: runs to 100% and counts the quarantined rows', { timeout: STEP_TIMEOUT_MS }, async () => {
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByTestId('import-status').getByText('completed').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('import-percent').textContent(), '100%');
    assert.equal(await page.locator('[data-counter="rowsRead"]').textContent(), '25');
    assert.equal(await page.locator('[data-counter="rowsQuarantined"]').textContent(), '8');
    await screenshot(page, '04-import-done');
  });

  test('Quarantine: lists the bad rows with their reasons; fixing one and retrying moves it into the table', { timeout: STEP_TIMEOUT_MS }, async () => {
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
    // The import selector counts the fixed row out.
    await page.locator('select[aria-label="Import"] option', { hasText: '(7 quarantined)' }).waitFor({ state: 'attached' });
    await grid.getByText('email: format').waitFor();
    // The list still shows its row and line columns: it never scrolls sideways.
    assert.deepEqual(
      await grid.evaluate((element) => ({ scrollLeft: element.scrollLeft, overflows: element.scrollWidth > element.clientWidth })),
      { scrollLeft: 0, overflows: false },
    );
    await screenshot(page, '06-quarantine-fixed');
  });

  test('Data: the table holds the good rows plus the fixed one', { timeout: STEP_TIMEOUT_MS }, async () => {
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    await page.getByTestId('row-count').getByText('18 rows').waitFor();
    await page.getByRole('grid', { name: 'Rows of customers' }).getByText('Barbara Liskov').waitFor();
    await page.getByRole('button', { name: /^age/ }).click();
    await screenshot(page, '07-data');
  });

  test('Export: writes the cleaned table as CSV', { timeout: STEP_TIMEOUT_MS }, async () => {
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByLabel('Export path').fill(exported);
    await page.getByRole('button', { name: 'Export', exact: true }).last().click();
    await page.getByTestId('export-result').waitFor();
    await screenshot(page, '08-export');
    // The export keeps the source's LF newline (a note holds a line break of its own, so parse rather than split).
    const lines = Papa.parse<string[]>(fs.readFileSync(exported, 'utf8').trimEnd()).data.map((row) => row.join(','));
    assert.equal(lines[0], 'id,name,email,country,signup_date,age,plan,monthly_spend,active,notes');
    const ids = lines.slice(1).map((line) => Number(line.split(',')[0])).sort((a, b) => a - b);
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 23]);
    const barbara = lines.find((line) => line.startsWith('5,'));
    // A boolean is written as the field's first trueValues entry, not as SQLite's 1.
    assert.equal(barbara, '5,Barbara Liskov,barbara@example.com,US,2023-03-18,79,pro,49,true,age typed by hand');
  });

  test('Connection: when the backend stops answering a banner says so, and it clears on reconnect', { timeout: STEP_TIMEOUT_MS }, async () => {
    const errorsBefore = pageErrors.length;
    const banner = page.getByTestId('connection-banner');
    await page.context().setOffline(true);
    try {
      await page.getByRole('button', { name: 'Data', exact: true }).click();
      await banner.getByText('Connection lost').waitFor();
      await screenshot(page, '13-connection-lost');
    } finally {
      await page.context().setOffline(false);
    }
    await banner.waitFor({ state: 'detached' });
    await page.getByTestId('row-count').getByText('18 rows').waitFor();
    // Chromium logs each refused request; those are expected here.
    const unexpected = pageErrors.splice(errorsBefore).filter((text) => !/net::ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(text));
    assert.deepEqual(unexpected, []);
  });

  test('the page ran without console errors or CSP violations', { timeout: STEP_TIMEOUT_MS }, () => {
    assert.deepEqual(pageErrors, []);
  });
});
