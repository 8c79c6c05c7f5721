import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { AppService } from '../../../main/app/service.js';
import { SAMPLES, tempDir } from '../../helpers/paths.js';

describe('forgetting recent files and history entries', () => {
  const dir = tempDir('sluice-home-history-');
  const csv = path.join(dir, 'customers.csv');
  fs.copyFileSync(path.join(SAMPLES, 'customers.csv'), csv);
  const service = new AppService({ mode: 'browser', home: path.join(dir, 'home'), allow: [dir] });
  after(() => service.close());

  test('a forgotten recent file leaves the list but stays on disk and readable', async () => {
    assert.ok((await service.invoke('files/open', { path: csv })).ok);
    assert.ok((await service.invoke('files/forget', { path: csv })).ok);
    const recent = await service.invoke('files/recent', {});
    assert.deepEqual(recent.ok && recent.value, []);
    assert.ok(fs.existsSync(csv));
    assert.ok((await service.invoke('files/preview', { path: csv })).ok);
  });

  test('a forgotten import leaves the history; its table keeps every row, also after a restart', async () => {
    const started = await service.invoke('import/start', { path: csv, table: 'people' });
    assert.ok(started.ok, JSON.stringify(started));
    const importId = started.value.importId;
    for (;;) {
      const state = await service.invoke('import/state', { importId });
      assert.ok(state.ok);
      if (!state.value.item.live && state.value.item.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const rows = async () => {
      const page = await service.invoke('grid/page', { query: { table: 'people' }, offset: 0, limit: 100 });
      assert.ok(page.ok);
      // Sluice's own provenance column is not shown as data.
      assert.deepEqual(page.value.columns.map((c) => c.name), ['id', 'name', 'email', 'country', 'signup_date', 'age', 'plan', 'monthly_spend', 'active', 'notes']);
      assert.equal(page.value.rows[0]!.length, 10);
      return page.value.count.rows;
    };
    const before = await rows();
    assert.ok(before !== null && before > 0);
    assert.ok((await service.invoke('imports/hide', { importId })).ok);
    const list = await service.invoke('imports/list', {});
    assert.deepEqual(list.ok && list.value.map((item) => item.id), []);
    assert.equal(await rows(), before);
    // Its undo data is forgotten with it (issue 11): the rows stay, and the import can no longer be taken back.
    const undo = await service.invoke('imports/undo', { importId });
    assert.equal(undo.ok, false);
    assert.equal(await rows(), before);

    const again = new AppService({ mode: 'browser', home: path.join(dir, 'home'), allow: [dir] });
    try {
      const listed = await again.invoke('imports/list', {});
      assert.deepEqual(listed.ok && listed.value.length, 0);
    } finally {
      await again.close();
    }
  });
});
