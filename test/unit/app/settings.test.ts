import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Settings } from '../../../main/app/settings.js';
import { tempDir } from '../../helpers/paths.js';

test('settings that cannot be saved do not make opening a file fail: the list is kept in memory and the problem said once', (t) => {
  const home = path.join(tempDir('sluice-settings-'), 'home');
  fs.mkdirSync(home, { recursive: true });
  // A folder where settings.json should be: every save fails, whoever runs the test (root ignores permission bits).
  fs.mkdirSync(path.join(home, 'settings.json'));
  const warnings: string[] = [];
  t.mock.method(process.stderr, 'write', (chunk: string | Uint8Array) => {
    warnings.push(String(chunk));
    return true;
  });
  const settings = new Settings(home);
  settings.rememberOpened('/data/a.csv');
  settings.rememberOpened('/data/b.csv');
  t.mock.restoreAll();
  assert.deepEqual(settings.recentFiles.map((file) => file.path), ['/data/b.csv', '/data/a.csv']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /cannot save the recent files list in .*settings\.json \(EISDIR\)/);
  assert.deepEqual(fs.readdirSync(home), ['settings.json'], 'no temporary file is left behind');
});

test('settings round-trip through the file', () => {
  const home = path.join(tempDir('sluice-settings-'), 'home');
  new Settings(home).rememberOpened('/data/a.csv');
  assert.deepEqual(new Settings(home).recentFiles.map((file) => file.path), ['/data/a.csv']);
});

test('an app folder that cannot be created is named, with what to do about it', () => {
  const file = path.join(tempDir('sluice-settings-'), 'a-file');
  fs.writeFileSync(file, '');
  assert.throws(() => new Settings(path.join(file, 'home')), /Cannot create the app's folder .*a-file\/home \(ENOTDIR\)\. Set SLUICE_HOME/);
});
