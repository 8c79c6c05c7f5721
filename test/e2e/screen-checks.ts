/**
 * What the screen journeys share: the two window sizes every screen is checked at, the accessibility check,
 * and running the app server as an ordinary user when the tests run as root (root ignores file permissions).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/paths.js';

export const WINDOW_SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

/** The "nobody" user: a server run as it is refused by a read-only folder as an ordinary user would be. */
export const NOBODY_UID = 65534;
export const RUNNING_AS_ROOT = process.getuid?.() === 0;
/** The app server's user: nobody when the tests run as root (pass to startAppServer). */
export const SERVER_USER: { uid?: number } = RUNNING_AS_ROOT ? { uid: NOBODY_UID } : {};

/**
 * When the tests run as root, hands everything in `dir` but `keep` to nobody, so a server run as SERVER_USER owns
 * its store and home while `keep` (a folder it must be refused) stays root's.
 */
export function handToServerUser(dir: string, keep: string): void {
  if (!RUNNING_AS_ROOT) return;
  fs.chmodSync(dir, 0o777);
  for (const name of fs.readdirSync(dir)) if (name !== keep) fs.chownSync(path.join(dir, name), NOBODY_UID, NOBODY_UID);
}

/** axe-core's serious and critical violations on the page, each with up to three of its elements. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  return (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`)) as string[];
}
