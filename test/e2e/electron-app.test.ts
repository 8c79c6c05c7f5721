import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';
import { _electron as electron } from 'playwright-core';
import { REPO_ROOT, SAMPLES, tempDir } from '../helpers/paths.js';
import { LAUNCH_TIMEOUT_MS, UI_TIMEOUT_MS, screenshot, withTimeout } from './browser.js';

const CLOSE_TIMEOUT_MS = 15_000;

/** The Electron binary, when one is installed (CI machines skip its download). */
function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

describe('desktop app (Electron)', { skip: binary === null && 'no Electron binary installed', timeout: 5 * 60_000 }, () => {
  test('opens the window with a locked-down renderer and runs the open → preview → import journey', { timeout: 120_000 }, async () => {
    const dir = tempDir('sluice-e2e-electron-');
    const csv = path.join(dir, 'customers.csv');
    fs.copyFileSync(path.join(SAMPLES, 'customers.csv'), csv);
    fs.copyFileSync(path.join(SAMPLES, 'customers.rules.json'), path.join(dir, 'customers.rules.json'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [REPO_ROOT],
      env: { ...process.env, SLUICE_HOME: path.join(dir, 'home') },
      timeout: LAUNCH_TIMEOUT_MS,
    });
    try {
      const page = await app.firstWindow({ timeout: LAUNCH_TIMEOUT_MS });
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      assert.match(page.url(), /^app:\/\/sluice\//);
      assert.equal(await page.evaluate('typeof require'), 'undefined');
      assert.equal(await page.evaluate('typeof process'), 'undefined');
      assert.equal(await page.evaluate('typeof window.sluiceBridge.api["files/open"]'), 'function');
      await page.getByLabel('File path').fill(csv);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByRole('heading', { name: 'Preview' }).waitFor();
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByRole('button', { name: 'Start import' }).click();
      await page.getByTestId('import-status').getByText('completed').waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('[data-counter="rowsQuarantined"]').textContent(), '8');
      await screenshot(page, 'electron-import-done');
    } finally {
      // A wedged app must not hang the run: close it politely, then kill it.
      await withTimeout(app.close(), CLOSE_TIMEOUT_MS, 'closing Electron').catch(() => app.process().kill('SIGKILL'));
    }
  });
});
