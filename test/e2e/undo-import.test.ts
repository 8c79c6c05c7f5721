import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { CLI, tempDir } from '../helpers/paths.js';
import { startAppServer, stopAllServers } from './app-server.js';
import { TEARDOWN_TIMEOUT_MS, chromiumAvailable, closeBrowser, launchChromium, newAppPage, screenshot, watchPageErrors } from './browser.js';

const dir = tempDir('sluice-e2e-undo-');
const home = path.join(dir, 'home');
const db = path.join(dir, 'store.sqlite');
const people = path.join(dir, 'people.csv');
const changes = path.join(dir, 'changes.csv');

function cli(args: string[]): void {
  execFileSync(process.execPath, [CLI, ...args], { stdio: 'pipe', timeout: 60_000 });
}

/** Every value with its SQLite type, rowid included: "restored exactly" means byte for byte. */
function dump(): string {
  const store = new Database(db, { readonly: true });
  try {
    return JSON.stringify(store.prepare('SELECT rowid, typeof(id), id, typeof(name), name, typeof(score), score FROM people ORDER BY rowid').all());
  } finally {
    store.close();
  }
}

describe('undo in the app', { skip: !chromiumAvailable() && 'Chromium not found' }, () => {
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    fs.writeFileSync(people, 'id,name,score\n1,ann,1.5\n2,bob,2\n3,cy,3\n');
    fs.writeFileSync(changes, 'id,name,score\n2,bobby,2.5\n4,dee,4\n');
    cli(['import', people, '--db', db, '--key', 'id']);
    browser = await launchChromium();
    page = await newAppPage(browser);
  }, { timeout: 120_000 });

  after(async () => {
    await closeBrowser(browser);
    await stopAllServers();
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  test('the history offers Undo, says how many rows it removes and restores, and restores the table exactly', { timeout: 5 * 60_000 }, async () => {
    const before = dump();
    cli(['import', changes, '--db', db, '--table', 'people', '--key', 'id']);
    assert.notEqual(dump(), before);

    const server = await startAppServer({ home, db });
    const errors = watchPageErrors(page);
    try {
      await page.goto(server.url);
      const row = page.locator('tr[data-import-id="2"]');
      await row.getByRole('button', { name: 'Undo import #2' }).click();
      const confirmation = row.getByRole('alertdialog', { name: 'Undo import #2?' });
      await confirmation.getByText('This removes 1 row and restores 1 row of table “people” to their earlier values.').waitFor();
      await screenshot(page, '20-undo-confirmation');
      await confirmation.getByRole('button', { name: 'Undo import' }).click();
      await row.getByText('undone').waitFor();
      await page.getByText('Import #2 undone: 1 row removed, 1 row restored.').waitFor();
      await screenshot(page, '21-undo-done');
      assert.equal(dump(), before, 'the table is exactly as before the upsert');

      // Importing the first file again: the Import screen says, before anything is written, what the import will do
      // (the drafted rules make "id" the key, so it upserts rather than being refused as a second copy).
      await page.getByLabel('File path').fill(people);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByRole('heading', { name: 'Preview' }).waitFor();
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      const notice = page.locator('[data-plan-action="upsert"]');
      await notice.getByText(`This import will upsert into table "people", on key "id" (from the rule file's primaryKey).`).waitFor();
      await screenshot(page, '22-import-plan');
      assert.deepEqual(errors, []);
    } finally {
      await server.stop();
    }
  });
});
