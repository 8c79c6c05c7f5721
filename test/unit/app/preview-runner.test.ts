import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { test } from 'node:test';
import { AppFailure } from '../../../main/app/app-failure.js';
import { PreviewRunner } from '../../../main/app/preview-runner.js';
import { tempDir } from '../../helpers/paths.js';

// Issue 13, hole 4: rules/preview ran on the thread that serves the UI, so one slow draft froze the whole app.
const dir = tempDir('sluice-preview-runner-');
const csv = path.join(dir, 'people.csv');
fs.writeFileSync(csv, 'id,name\n1,Ada\n2,\n3,Grace\n');
const draft = { fields: [{ name: 'id', type: 'integer' }, { name: 'name', constraints: { required: true, pattern: '(a|b?a)+|[A-Z][a-z]+' } }] };

test('rule previews run in their own thread and report the failing rows', async () => {
  assert.ok(isMainThread);
  const runner = new PreviewRunner();
  try {
    const preview = await runner.preview(csv, draft);
    assert.equal(preview.ok, true);
    assert.equal(preview.sampleRows, 3);
    assert.equal(preview.invalidRows, 1);
    // The thread keeps its sample between calls: a second draft gives the same sample's answer.
    const again = await runner.preview(csv, { fields: [{ name: 'id', type: 'integer', constraints: { maximum: 1 } }, { name: 'name' }] });
    assert.equal(again.invalidRows, 2);
  } finally {
    runner.close();
  }
});

test('a preview that misses its deadline is stopped with a clear message, and the next one starts afresh', async () => {
  const runner = new PreviewRunner(1);
  try {
    await assert.rejects(runner.preview(csv, draft), (error: unknown) => {
      assert.ok(error instanceof AppFailure);
      assert.equal(error.code, 'PREVIEW_TIMEOUT');
      assert.match(error.message, /took longer than 1 ms and was stopped.*imports are not affected/);
      return true;
    });
    // Still refused by the same tiny deadline, but served by a new thread rather than a dead one.
    await assert.rejects(runner.preview(csv, draft), /PREVIEW_TIMEOUT|took longer/);
  } finally {
    runner.close();
  }
});
