import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';

/** Tests are compiled to dist/test/…; fixtures and the CLI live at the repo root. */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) || dir.endsWith(`${path.sep}dist`)) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repo root not found');
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot();
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
export const SAMPLES = path.join(REPO_ROOT, 'resources', 'samples');
export const CLI = path.join(REPO_ROOT, 'bin', 'sluice.js');

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix = 'sluice-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
