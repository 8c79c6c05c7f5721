import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { AppService } from '../../../main/app/service.js';
import { SAMPLES, tempDir } from '../../helpers/paths.js';

describe('app service', () => {
  const dir = tempDir('sluice-app-service-');
  // Samples and temp folders lie outside the (test's) home folder: the service is given them with --allow, as the CLI would be.
  const service = new AppService({ mode: 'browser', home: path.join(dir, 'home'), userHome: path.join(dir, 'user'), allow: [dir, SAMPLES] });
  after(() => service.close());

  test('the store and settings live in the app home', async () => {
    const info = await service.invoke('app/info', {});
    assert.ok(info.ok);
    assert.equal(info.value.dbPath, path.join(dir, 'home', 'sluice.sqlite'));
    assert.ok(fs.existsSync(info.value.dbPath));
  });

  test('a file under an allowed folder can be opened; opening it lists it as recent', async () => {
    const sample = path.join(SAMPLES, 'customers.csv');
    const opened = await service.invoke('files/open', { path: sample });
    assert.ok(opened.ok);
    assert.equal(opened.value.siblingRulesPath, path.join(SAMPLES, 'customers.rules.json'));
    const recent = await service.invoke('files/recent', {});
    assert.deepEqual(recent.ok && recent.value.map((f) => f.path), [sample]);
  });

  test('relative paths, folders and missing files are refused with clear codes', async () => {
    const relative = await service.call('files/open', { path: 'customers.csv' });
    assert.equal(relative.ok ? null : relative.error.code, 'USAGE');
    const folder = await service.call('files/open', { path: SAMPLES });
    assert.equal(folder.ok ? null : folder.error.code, 'NOT_A_FILE');
    const missing = await service.call('files/open', { path: path.join(dir, 'nope.csv') });
    assert.equal(missing.ok ? null : missing.error.code, 'FILE_NOT_FOUND');
  });

  test('the live rule preview reports expression errors and failing rows', async () => {
    const sample = path.join(SAMPLES, 'customers.csv');
    const rules = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'customers.rules.json'), 'utf8')) as Record<string, unknown>;
    const good = await service.invoke('rules/preview', { path: sample, draft: rules });
    assert.ok(good.ok && good.value.ok);
    assert.ok(good.value.groups.some((g) => g.field === 'plan' && g.rule === 'enum'));
    const broken = await service.invoke('rules/preview', { path: sample, draft: { ...rules, 'sluice:rowRules': [{ name: 'x', expr: 'age > > 1' }] } });
    assert.ok(broken.ok && !broken.value.ok);
    assert.equal(broken.value.problems[0]?.path, 'sluice:rowRules[0].expr');
  });

  test('exports may not overwrite an existing file unasked, nor the store', async () => {
    const sample = path.join(SAMPLES, 'customers.csv');
    const overwrite = await service.call('export/start', { kind: 'table', table: 'customers', path: sample, format: 'csv' });
    assert.equal(overwrite.ok ? null : overwrite.error.code, 'FILE_EXISTS');
    const store = await service.call('export/start', { kind: 'table', table: 'customers', path: `${service.dbPath}-journal`, format: 'csv', overwrite: true });
    assert.equal(store.ok ? null : store.error.code, 'WRITE_REFUSED');
  });
});
