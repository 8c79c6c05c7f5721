import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { queryAll, sluice } from '../helpers/cli.js';
import { Store } from '../../main/engine/store/store.js';
import { startSluice } from '../reliability/support.js';
import { writeCustomerCsv } from '../helpers/generate.js';
import { tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers, type AppServer } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, newAppPage, screenshot, watchPageErrors } from './browser.js';

const STEP_TIMEOUT_MS = 90_000;
/** Enough rows for the import to take a few trace samples on any machine. */
const ROWS = 200_000;

/** Two warn-level rules and one error rule, so the page has warnings to group and a quarantine. */
const RULES = {
  fields: [
    { name: 'id', type: 'integer' },
    { name: 'name', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'age', type: 'integer' },
    { name: 'plan', type: 'string', constraints: { enum: ['free', 'pro', 'team'] } },
    { name: 'spend', type: 'number' },
    { name: 'notes', type: 'string' },
  ],
  'sluice:rowRules': [
    { name: 'big_spender', expr: 'spend < 190', severity: 'warn', message: 'spends more than 190' },
    { name: 'senior', expr: 'age < 80', severity: 'warn', message: 'older than 80' },
  ],
};

/**
 * The import detail page, reached from the history: throughput chart, a bar
 * per stage, warnings grouped by rule, and the log with level filters. The
 * import itself runs through the CLI, as a user's scheduled job would.
 */
describe('import detail page (browser mode)', { skip: !chromiumAvailable() && 'Chromium not installed', timeout: 10 * 60_000 }, () => {
  const dir = tempDir('sluice-e2e-detail-');
  const db = path.join(dir, 'store.sqlite');
  let server: AppServer;
  let browser: Browser | undefined;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    const csv = path.join(dir, 'customers.csv');
    writeCustomerCsv(csv, ROWS, 17);
    const rules = path.join(dir, 'customers.rules.json');
    fs.writeFileSync(rules, JSON.stringify(RULES));
    const run = sluice(['import', csv, '--db', db, '--schema', rules, '--batch-rows', '2000', '--json'], { timeoutMs: 180_000 });
    assert.equal(run.status, 0, run.stderr);
    // A second import, killed without warning once it has saved a trace: the history must say interrupted, not running.
    // A worker hangs on row 150,000 (a test fault), so the import cannot finish before it is killed.
    const killed = startSluice(['import', csv, '--db', db, '--table', 'killed', '--workers', '1', '--batch-rows', '500'], {
      SLUICE_FAULTS: 'hang:150000,',
      SLUICE_CHUNK_TIMEOUT_MS: '600000',
    });
    await killed.stderrMatches(/starting import/);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && Number(queryAll(db, 'SELECT count(*) AS n FROM _sluice_trace WHERE import_id = 2')[0]!.n) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    killed.kill('SIGKILL');
    await killed.done;
    // As if import #1 had waited three times for another writer (the retries themselves: test/cli/store-busy.test.ts).
    const store = Store.open(db);
    store.imports.setStoreRetries(1, 3);
    store.close();
    server = await startAppServer({ home: path.join(dir, 'home'), db });
    browser = await launchChromium();
    page = await newAppPage(browser);
    pageErrors = watchPageErrors(page);
    await page.goto(server.url);
  }, { timeout: 300_000 });

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  test('the history links to the detail page, which shows throughput, stages, warnings and the log', { timeout: STEP_TIMEOUT_MS }, async () => {
    await page.getByRole('button', { name: 'Details of import #1' }).click();
    await page.getByRole('heading', { name: /Import #1/ }).waitFor();
    assert.equal(await page.getByTestId('detail-status').textContent(), 'completed');
    await page.getByText('Store busy').waitFor();
    assert.match((await page.locator('.facts > div', { hasText: 'Store busy' }).textContent()) ?? '', /Store busy\s*3 retries/);

    // Throughput: uPlot draws a canvas with a legend for both series.
    await page.getByRole('img', { name: /Rows per second/ }).locator('canvas').first().waitFor();
    await page.locator('.u-legend').getByText('rows/s').waitFor();

    // A bar per stage, each a meter with its busy share.
    const stages = page.getByRole('list', { name: 'Time per stage' });
    for (const label of ['Read source', 'Parse + validate (workers)', 'Wait for workers', 'Write rows', 'Commit (quarantine, checkpoint)']) {
      await stages.getByText(label, { exact: true }).waitFor();
    }
    assert.ok((await stages.getByRole('meter').count()) >= 6, 'one meter per stage and per worker');

    // Warnings grouped by rule, with counts and example rows.
    const warnings = page.getByRole('table', { name: 'Warnings by rule' });
    await warnings.getByText('big_spender').waitFor();
    await warnings.getByText('senior').waitFor();
    const bigSpenderRow = warnings.getByRole('row').filter({ hasText: 'big_spender' });
    assert.match((await bigSpenderRow.textContent()) ?? '', /\d+, \d+/, 'example row numbers are listed');

    // The log, with its decisions and the finish.
    const log = page.getByRole('list', { name: 'Import log' });
    await log.getByText(/^encoding utf-8/).waitFor();
    await log.getByText(/^finished \(completed\)/).waitFor();
    await screenshot(page, 'detail-01-completed');
  });

  test('the log filters by level', { timeout: STEP_TIMEOUT_MS }, async () => {
    const log = page.getByRole('list', { name: 'Import log' });
    const all = await log.getByRole('listitem').count();
    assert.ok(all >= 6, `the log has its lines (${all})`);
    await page.getByRole('checkbox', { name: /^info/ }).uncheck();
    await page.getByText('No log lines at the chosen levels.').waitFor();
    await page.getByRole('checkbox', { name: /^info/ }).check();
    assert.equal(await log.getByRole('listitem').count(), all);
    await log.getByRole('listitem').last().scrollIntoViewIfNeeded();
    await screenshot(page, 'detail-02-log');
  });

  test('a killed import shows as interrupted in the history and on its page, with the trace saved while it ran', { timeout: STEP_TIMEOUT_MS }, async () => {
    await page.getByRole('button', { name: '← Back to history' }).click();
    const row = page.locator('tr[data-import-id="2"]');
    await row.getByText('interrupted', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Resume' }).waitFor();
    await page.getByRole('button', { name: 'Details of import #2' }).click();
    await page.getByRole('heading', { name: /Import #2/ }).waitFor();
    assert.equal(await page.getByTestId('detail-status').textContent(), 'interrupted');
    await page.getByText(/saved while running/).waitFor();
    await page.getByRole('list', { name: 'Import log' }).getByText('status: running').waitFor();
    await screenshot(page, 'detail-03-interrupted');
  });

  test('the page ran without console errors or CSP violations', () => {
    assert.deepEqual(pageErrors, []);
  });
});
