import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/paths.js';

/** Debian's Chromium (CI installs it); override with SLUICE_CHROMIUM. */
export const CHROMIUM_PATH = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');

/**
 * Time budgets, sized for a loaded 2-core CI machine rather than a laptop. Every
 * wait in the e2e tests is bounded by one of these, so a stuck step fails with a
 * message instead of hanging the run.
 */
export const LAUNCH_TIMEOUT_MS = 60_000;
/** Default for every Playwright action and `waitFor` (the UI reacting to a click, a page of rows arriving). */
export const UI_TIMEOUT_MS = 30_000;
/** An `after` hook: closing the browser and stopping servers. */
export const TEARDOWN_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 15_000;

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    timeout: LAUNCH_TIMEOUT_MS,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page with explicit timeouts for every action, wait and navigation. */
export async function newAppPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(UI_TIMEOUT_MS);
  return page;
}

/**
 * Closes the browser, bounded: a wedged Chromium must not hang the `after` hook.
 * Playwright kills the browsers it launched when this process exits, so giving up
 * here leaks nothing.
 */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  await withTimeout(browser.close(), CLOSE_TIMEOUT_MS, 'closing Chromium').catch((error: unknown) => console.error(error));
}

/** Rejects when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Collects console errors and CSP violations, so a test can assert the page ran cleanly. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: false, timeout: UI_TIMEOUT_MS });
}
